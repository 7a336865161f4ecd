"""Settings for the P.S.O. certification site.

Everything that differs between a laptop, CI and production comes from an
environment variable read by the strict helpers in ``pso_site.lib.env``; the README
documents each variable.
"""

from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from pso_site.lib.env import (
    cache_settings,
    email_settings,
    env_bool,
    env_int,
    env_list,
    env_str,
    file_storage,
)

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DJANGO_DEBUG", False)

SECRET_KEY = env_str("DJANGO_SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off (for development, set DJANGO_DEBUG=1)."
        )
    # Only ever used with DEBUG on: never a production key.
    SECRET_KEY = "development-only-not-secret"

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_bootstrap5",
    "simple_history",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_tasks",
    "django_tasks_db",
    "health_check",
    "pso_site",
    "agencies",
    "assessment",
    "plans",
    "certification",
]
# The load-data generator (bench/generator: `manage.py generate_load_data`)
# for the benchmarks and drills; never installed in production.
if env_bool("DJANGO_BENCH_TOOLS", False):
    INSTALLED_APPS.append("bench.generator")

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "pso_site.middleware.PrivateByDefaultMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "pso_site.lib.site.SiteAddressMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "pso_site.middleware.IdleTimeoutMiddleware",
    "pso_site.middleware.SecondFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "pso_site.middleware.RefusalMiddleware",
    # Last, as django-axes asks, so it sees the outcome of authentication.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "pso_site.urls"
WSGI_APPLICATION = "pso_site.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "pso_site.context_processors.navigation",
            ],
            "builtins": ["pso_site.templatetags.thai", "pso_site.templatetags.scores"],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 0),
        # A kept connection is checked before each request reuses it, so a
        # database restart costs no request more than the one in flight.
        conn_health_checks=True,
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Caches. The default one lives in each process, for what may be a few
# minutes stale (the catalogue's steps). The shared one is the same for every
# process and machine (DJANGO_CACHE_URL; by default a table of the database,
# made by migration pso_site.0001): rate limits and sign-in waits count there
# (pso_site/lib/ratelimit.py), so a limit of 30 is 30 whatever the workers.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "shared": cache_settings(),
}

AUTHENTICATION_BACKENDS = [
    # Counts failed logins and locks an account/IP pair out for a while.
    "axes.backends.AxesStandaloneBackend",
    # Django's password check, behind a growing wait per account from any address;
    # its answer on a password is final.
    "agencies.signin.ThrottledModelBackend",
    # Django's own, never reached for a password: sessions signed in through it
    # (an invitation's sign-in names it, sessions from before the wait) stay valid.
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env_int("DJANGO_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# Failures are rows of the database: one count for every process and machine.
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
# The account's own wait (agencies/signin.py), whatever the address: after as
# many tries as one address may make, each further try waits 1, 2, 4 … seconds,
# at most DJANGO_LOGIN_ACCOUNT_MAX_WAIT — slower guessing, never a lock-out.
# Tries are forgotten a day after the first, or at the right password.
SIGN_IN_ACCOUNT_FREE_TRIES = AXES_FAILURE_LIMIT
SIGN_IN_ACCOUNT_MAX_WAIT = env_int("DJANGO_LOGIN_ACCOUNT_MAX_WAIT", 300)
SIGN_IN_ACCOUNT_MEMORY = 24 * 60 * 60
# The real client address behind the TLS proxy (pso_site/lib/clientip.py):
# a lock-out is per username *and* address, so nobody can lock a known user
# out from elsewhere.
TRUSTED_PROXY_COUNT = env_int("DJANGO_TRUSTED_PROXY_COUNT", 0)
AXES_CLIENT_IP_CALLABLE = "pso_site.lib.clientip.client_ip"

# Signed out after this long without a request (pso_site.middleware.IdleTimeoutMiddleware).
SESSION_IDLE_MINUTES = env_int("DJANGO_SESSION_IDLE_MINUTES", 60)
# Two-step sign-in (agencies/twofactor.py): the name authenticator apps show,
# and a growing wait after each wrong code (1, 2, 4, 8 … seconds).
OTP_TOTP_ISSUER = "P.S.O."
OTP_TOTP_THROTTLE_FACTOR = 1
OTP_STATIC_THROTTLE_FACTOR = 1

AUTH_PASSWORD_VALIDATORS = [  # Django's, with messages in Thai and English (pso_site/lib/passwords.py)
    {"NAME": "pso_site.lib.passwords.UserAttributeSimilarityValidator"},
    {"NAME": "pso_site.lib.passwords.MinimumLengthValidator"},
    {"NAME": "pso_site.lib.passwords.CommonPasswordValidator"},
    {"NAME": "pso_site.lib.passwords.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "th"
LANGUAGES = [("th", "ไทย"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Bangkok"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": file_storage(),
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "media")))

_email = email_settings(debug=DEBUG)  # outbox: in debug (README, "E-mail in development")
EMAIL_BACKEND = _email["EMAIL_BACKEND"]
EMAIL_HOST = _email["EMAIL_HOST"] or "localhost"
EMAIL_PORT = _email["EMAIL_PORT"] or 25
EMAIL_HOST_USER = _email["EMAIL_HOST_USER"] or ""
EMAIL_HOST_PASSWORD = _email["EMAIL_HOST_PASSWORD"] or ""
EMAIL_USE_TLS = _email["EMAIL_USE_TLS"]
EMAIL_USE_SSL = _email["EMAIL_USE_SSL"]
EMAIL_FILE_PATH = _email["EMAIL_FILE_PATH"] or None
EMAIL_TIMEOUT = _email["EMAIL_TIMEOUT"]  # EMAIL_URL's ?timeout=<seconds>
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "pso@localhost")
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
# The institute's signing identity (docs/dossier.md): issued dossiers and
# certificates are signed with the key and certificate of this PKCS#12 file.
# ``seed_demo`` creates a self-signed demo identity here when none exists;
# production names the institute's own file and passphrase. An optional RFC
# 3161 time-stamp server adds a trusted time to each signature.
SIGNING_KEY_FILE = Path(
    env_str("DJANGO_SIGNING_KEY_FILE", str(BASE_DIR / "var" / "signing" / "demo-institute.p12"))
)
SIGNING_KEY_PASSPHRASE = env_str("DJANGO_SIGNING_KEY_PASSPHRASE", "demo-only" if DEBUG else "")
SIGNING_TIMESTAMP_URL = env_str("DJANGO_SIGNING_TIMESTAMP_URL", "")
# The evidence files an issued dossier carries inside, in all (MB): the
# smallest first; the largest files beyond it are listed, not embedded.
DOSSIER_EVIDENCE_BUDGET = env_int("DJANGO_DOSSIER_EVIDENCE_BUDGET_MB", 50) * 1024 * 1024
# Roots (PEM files) trusted for time stamps: a page says "trusted time
# stamp" only for a stamp whose authority chains to one of them.
SIGNING_TSA_ROOTS = env_list("DJANGO_SIGNING_TSA_ROOTS", [])
# Long-term signatures (PAdES B-LT, and B-LTA with a time-stamp server) when
# the PKCS#12 file carries the certificate's issuers: the revocation
# information is fetched when signing (the CRL or OCSP addresses in the
# certificates), or read from these files (CRLs, PEM or DER) offline.
SIGNING_REVOCATION_FILES = env_list("DJANGO_SIGNING_REVOCATION_FILES", [])
SIGNING_FETCH_REVOCATION = env_bool("DJANGO_SIGNING_FETCH_REVOCATION", True)
SIGNING_LOCATION = env_str("DJANGO_SIGNING_LOCATION", "Bangkok, Thailand")
# The institute's earlier signing certificates (PEM files), replaced since:
# documents they signed still verify (docs/dossier.md, "Replacing the key").
SIGNING_RETIRED_CERTIFICATES = env_list("DJANGO_SIGNING_RETIRED_CERTIFICATES", [])
# Where vulnerabilities are reported (/.well-known/security.txt, docs/security.md).
SECURITY_CONTACT = env_str("DJANGO_SECURITY_CONTACT", f"mailto:{DEFAULT_FROM_EMAIL}")

SESSION_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
if env_bool("DJANGO_BEHIND_TLS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# HTTPS only, once the site is served over TLS (docs/deployment.md):
# redirect plain HTTP and tell browsers to remember it.
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", False)
SECURE_HSTS_SECONDS = env_int("DJANGO_SECURE_HSTS_SECONDS", 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("DJANGO_SECURE_HSTS_PRELOAD", False)
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# Content-Security-Policy (django-csp): everything from this site only, no
# inline script or style, no framing, forms post only here. The pages keep
# their scripts and styles in static files (tests/e2e checks no violation).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}

# Long work (dossiers, e-mails) runs as tasks stored in the database and run
# by `manage.py task_worker` (`make run` starts one). "immediate" runs them in
# the request instead (tests, or a machine without a worker).
TASKS_BACKENDS = {
    "database": "django_tasks_db.DatabaseBackend",
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
}
_tasks = env_str("DJANGO_TASKS", "database")
if _tasks not in TASKS_BACKENDS:
    raise ImproperlyConfigured(f"DJANGO_TASKS must be one of {', '.join(TASKS_BACKENDS)}, not {_tasks!r}")
TASKS = {"default": {"BACKEND": TASKS_BACKENDS[_tasks], "QUEUES": ["default", "mail"]}}

# A request body over this size has its files dropped before they are
# spooled (pso_site/lib/uploads.py); evidence itself is capped lower.
UPLOAD_MAX_BYTES = env_int("UPLOAD_MAX_BYTES", 12 * 1024 * 1024)
FILE_UPLOAD_HANDLERS = [
    "pso_site.lib.uploads.LimitedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

# Inputs, selects and text areas written in Python, the same markup as
# Django's templates (pso_site/lib/form_renderer.py).
FORM_RENDERER = "pso_site.lib.form_renderer.FormRenderer"
CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Secrets that travel in an address (invitation and password-reset links)
# are hidden in every log line (pso_site/lib/secrets_in_paths.py): Django
# logs the path of each 4xx/5xx response, runserver each request.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact_secrets": {"()": "pso_site.lib.secrets_in_paths.RedactSecrets"}},
    "formatters": {
        "django.server": {
            "()": "django.utils.log.ServerFormatter",
            "format": "[{server_time}] {message}",
            "style": "{",
        }
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["redact_secrets"]},
        "django.server": {"class": "logging.StreamHandler", "formatter": "django.server"},
    },
    "loggers": {
        "django.request": {"filters": ["redact_secrets"]},
        "django.server": {
            "handlers": ["django.server"],
            "level": "INFO",
            "propagate": False,
            "filters": ["redact_secrets"],
        },
    },
    "root": {"handlers": ["console"], "level": env_str("DJANGO_LOG_LEVEL", "WARNING")},
}
