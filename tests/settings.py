"""Settings of the test suite: the site's own settings plus what only tests
need. A bare ``pytest`` works without any environment variable."""

import os

# Development mode, as `make test` runs it (Django still runs tests with DEBUG off).
os.environ.setdefault("DJANGO_DEBUG", "1")

from pso_site.settings import *  # noqa: E402,F403
from pso_site.settings import INSTALLED_APPS, MIDDLEWARE  # noqa: E402

# The N+1 detector: a request of any test fails when a query repeats once per
# row (django-zeal, around every request).
INSTALLED_APPS = [*INSTALLED_APPS, "zeal"]
# The load-data generator, tested here and used to build big projects.
if "bench.generator" not in INSTALLED_APPS:
    INSTALLED_APPS.append("bench.generator")
MIDDLEWARE = ["tests.nplusone.zeal_middleware", *MIDDLEWARE]
ZEAL_RAISE = True
ZEAL_SHOW_ALL_CALLERS = False

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Django's own session handling reads its row twice when a login rotates the
# key: not a per-row query of ours.
ZEAL_ALLOWLIST = [{"model": "sessions.Session"}]

# Tasks run at once in tests; the tests of the queue switch to the database backend.
TASKS = {
    "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend", "QUEUES": ["default", "mail"]}
}
