"""The access log (``AccessEvent``): one row per sign-in, failed sign-in,
download of a dossier, evidence file, archive or workbook, and decision."""

from agencies.models import AccessEvent
from pso_site.lib.clientip import client_ip
from pso_site.lib.secrets_in_paths import redact


def record(request, action: str, subject: str = "", *, username: str = "", user=None) -> None:
    user = user or getattr(request, "user", None)
    signed_in = user is not None and user.is_authenticated
    ip = client_ip(request)
    AccessEvent.objects.create(
        user=user if signed_in else None,
        username=(user.get_username() if signed_in else username)[:150],
        action=action,
        subject=str(subject)[:300],
        path=redact(request.get_full_path())[:300],
        ip=ip,
    )


def signed_in(sender, request, user, **kwargs) -> None:
    if request is not None:
        record(request, AccessEvent.Action.SIGN_IN, user=user)


def sign_in_failed(sender, credentials, request=None, **kwargs) -> None:
    if request is not None:
        record(request, AccessEvent.Action.SIGN_IN_FAILED, username=str(credentials.get("username", "")))
