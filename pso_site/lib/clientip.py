"""The client's address, as login throttling and the access log need it.

Behind N trusted reverse proxies (``DJANGO_TRUSTED_PROXY_COUNT``), each
appends the address it received the request from to ``X-Forwarded-For``;
the client is the N-th address from the right. Addresses further left were
written by the client itself and are never trusted. Without proxies it is
``REMOTE_ADDR``."""

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str | None:
    count: int = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    remote: str | None = request.META.get("REMOTE_ADDR")
    if count <= 0:
        return remote
    forwarded = [
        part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()
    ]
    if len(forwarded) < count:
        return remote  # not through the expected proxies: trust only the socket
    candidate = forwarded[-count]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote
