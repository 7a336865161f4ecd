"""Strict readers for settings that come from environment variables.

A typo in a deployment's environment must stop the process at start-up, not
quietly turn a feature off: ``DJANGO_DEBUG=flase`` is an error, not False.
"""

import importlib.util
import os
import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

import dj_email_url
from django.core.exceptions import ImproperlyConfigured

TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off"}


class ImproperSetting(ImproperlyConfigured, ValueError):
    """An environment variable holds a value that cannot be used."""


def env_str(name: str, default: str = "", environ: Mapping[str, str] | None = None) -> str:
    environ = os.environ if environ is None else environ
    return environ.get(name, default)


def env_bool(name: str, default: bool, environ: Mapping[str, str] | None = None) -> bool:
    raw = env_str(name, "", environ).strip().lower()
    if raw == "":
        return default
    if raw in TRUE_WORDS:
        return True
    if raw in FALSE_WORDS:
        return False
    raise ImproperSetting(
        f"{name}={raw!r} is not a boolean; use one of {sorted(TRUE_WORDS)} or {sorted(FALSE_WORDS)}"
    )


def env_int(name: str, default: int, environ: Mapping[str, str] | None = None) -> int:
    raw = env_str(name, "", environ).strip()
    if raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperSetting(f"{name}={raw!r} is not an integer") from None


def env_list(name: str, default: list[str], environ: Mapping[str, str] | None = None) -> list[str]:
    """A comma-separated list; blanks around items are ignored."""
    raw = env_str(name, "", environ)
    if raw.strip() == "":
        return list(default)
    items = [item.strip() for item in raw.split(",")]
    if any(item == "" for item in items):
        raise ImproperSetting(f"{name}={raw!r} has an empty item")
    return items


def file_storage(environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Where uploaded evidence and dossiers are kept: a local folder
    (``MEDIA_ROOT``; shared by several machines when it is a network
    mount), or an S3-compatible bucket when ``S3_BUCKET`` is set."""
    bucket = env_str("S3_BUCKET", "", environ).strip()
    if not bucket:
        return {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": bucket,
            "endpoint_url": env_str("S3_ENDPOINT_URL", "", environ).strip() or None,
            "region_name": env_str("S3_REGION", "", environ).strip() or None,
            "access_key": env_str("S3_ACCESS_KEY_ID", "", environ).strip() or None,
            "secret_key": env_str("S3_SECRET_ACCESS_KEY", "", environ).strip() or None,
            "location": env_str("S3_PREFIX", "", environ).strip(),
            # Private objects, read only through the app's own access checks.
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }


OUTBOX_BACKEND = "pso_site.lib.outbox.EmailBackend"


def email_settings(environ: Mapping[str, str] | None = None, *, debug: bool = False) -> dict[str, Any]:
    """The e-mail backend of ``EMAIL_URL`` (dj-email-url). An unknown scheme
    is refused by name, never echoing the URL (it may hold a password).

    ``outbox:`` (the default in debug) keeps each message for reading in the
    browser (``pso_site.lib.outbox``); ``outbox:/some/folder`` names the
    folder. It is refused with debug off: the outbox is for development."""
    raw = env_str("EMAIL_URL", "outbox:" if debug else "console:", environ).strip()
    parts = urlsplit(raw)
    if parts.scheme == "outbox":
        if not debug:
            raise ImproperSetting(
                "EMAIL_URL=outbox: keeps every e-mail for reading at /admin/outbox/: development only "
                "(DJANGO_DEBUG=1); in production use smtp://…"
            )
        return {
            **dj_email_url.parse("dummy:"),
            "EMAIL_BACKEND": OUTBOX_BACKEND,
            "EMAIL_FILE_PATH": parts.path,
        }
    if parts.scheme not in dj_email_url.SCHEMES:
        raise ImproperSetting(
            f"EMAIL_URL has the scheme {parts.scheme!r}; use one of "
            + ", ".join(f"{name}:" for name in [*dj_email_url.SCHEMES, "outbox"])
        )
    parsed: dict[str, Any] = dj_email_url.parse(raw)
    return parsed


CACHE_SCHEMES = ("db", "locmem", "redis", "rediss")
# Rate limits and sign-in waits keep a few rows per address and per account:
# far below this, so that culling never drops a live counter.
CACHE_MAX_ENTRIES = 50_000
_TABLE_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,62}")


def cache_settings(environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """The cache every process and machine shares (rate limits, sign-in
    waits), from ``DJANGO_CACHE_URL``: ``db://`` (the default: the table
    ``pso_cache`` in the site's database), ``db://<table>``, ``locmem://``
    (this process only: one process, or tests), ``redis://host:6379/0`` or
    ``rediss://…`` (Django's Redis cache; needs the ``redis`` package)."""
    raw = env_str("DJANGO_CACHE_URL", "db://", environ).strip()
    parts = urlsplit(raw)
    options = {"MAX_ENTRIES": CACHE_MAX_ENTRIES}
    if parts.scheme == "db":
        table = parts.netloc or "pso_cache"
        if not _TABLE_NAME.fullmatch(table) or parts.path not in ("", "/") or parts.query:
            raise ImproperSetting(f"DJANGO_CACHE_URL: {raw!r} is not db:// or db://<table name>")
        return {"BACKEND": "pso_site.lib.cache.DatabaseCache", "LOCATION": table, "OPTIONS": options}
    if parts.scheme == "locmem":
        return {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "pso-shared",
            "OPTIONS": options,
        }
    if parts.scheme in ("redis", "rediss"):
        if not parts.hostname:
            raise ImproperSetting(
                "DJANGO_CACHE_URL: a redis:// address needs a host, e.g. redis://127.0.0.1:6379/0"
            )
        if importlib.util.find_spec("redis") is None:
            raise ImproperSetting(
                "DJANGO_CACHE_URL: a redis:// cache needs the redis package (pip install redis)"
            )
        return {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": raw}
    raise ImproperSetting(
        f"DJANGO_CACHE_URL has the scheme {parts.scheme!r}; use one of "
        + ", ".join(f"{name}://" for name in CACHE_SCHEMES)
    )
