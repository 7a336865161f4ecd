"""The address people reach the site on, for links in e-mails: taken from
the request being served (its host is checked against ALLOWED_HOSTS by
Django), else ``SITE_URL`` — for tasks and commands run without one."""

from collections.abc import Callable
from contextvars import ContextVar

from django.conf import settings
from django.http import HttpRequest, HttpResponse

_base_url: ContextVar[str] = ContextVar("pso_base_url", default="")


class SiteAddressMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = _base_url.set(request.build_absolute_uri("/").rstrip("/"))
        try:
            return self.get_response(request)
        finally:
            _base_url.reset(token)


def base_url() -> str:
    return _base_url.get() or settings.SITE_URL.rstrip("/")
