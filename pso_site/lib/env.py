"""Strict readers for settings that come from environment variables.

A typo in a deployment's environment must stop the process at start-up, not
quietly turn a feature off: ``DJANGO_DEBUG=flase`` is an error, not False.
"""

import os

TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off"}


class ImproperSetting(ValueError):
    """An environment variable holds a value that cannot be used."""


def env_str(name: str, default: str = "", environ=None) -> str:
    environ = os.environ if environ is None else environ
    return environ.get(name, default)


def env_bool(name: str, default: bool, environ=None) -> bool:
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


def env_int(name: str, default: int, environ=None) -> int:
    raw = env_str(name, "", environ).strip()
    if raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperSetting(f"{name}={raw!r} is not an integer") from None


def env_list(name: str, default: list[str], environ=None) -> list[str]:
    """A comma-separated list; blanks around items are ignored."""
    raw = env_str(name, "", environ)
    if raw.strip() == "":
        return list(default)
    items = [item.strip() for item in raw.split(",")]
    if any(item == "" for item in items):
        raise ImproperSetting(f"{name}={raw!r} has an empty item")
    return items


def file_storage(environ=None) -> dict:
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
