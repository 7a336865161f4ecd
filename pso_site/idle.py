"""An ended session loses nothing typed, and says it is ending first.

``IdleTimeoutMiddleware`` signs a person out after ``SESSION_IDLE_MINUTES``
without a request. A form sent after that (the person typed for an hour, then
pressed Save) is not thrown away: what it held is kept in the shared cache,
for that person only, bounded in size and time, and put back on the same page
once they sign in again (forms.js fills the form from it; the page says so).
Kept on the server rather than in the browser: the browser cannot tell that
the session ended until the POST comes back, and an office computer's next
person must not find the last one's text in the tab. Nothing is kept from the
sign-in pages, no password, no CSRF token, and no file (a chosen file must
be chosen again; the page says that too).

The page asks ``session_status`` how long the session has left (a GET, which
does not count as activity) and warns a few minutes before the end; "Stay
signed in" is a POST to the same address (static/js/session.js)."""

import time
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.cache import caches
from django.core.exceptions import SuspiciousOperation
from django.http import JsonResponse
from django.middleware.csrf import CsrfViewMiddleware
from django.urls import Resolver404, resolve
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods

# When the person's last request came (seconds since the epoch), in the session.
LAST_SEEN = "pso_last_seen"
# The page whose input waits in the shared cache, in the (new) session.
KEPT_PAGE = "pso_kept_input_page"
KEEP_SECONDS = 8 * 60 * 60  # a working day: time to come back from a meeting and sign in
KEEP_MAX_CHARS = 512 * 1024  # far more than the largest form (step 5, a hundred indicators)
# The sign-in pages and the second factor: nothing of theirs is worth keeping.
NEVER_KEPT = frozenset(
    {
        "login",
        "logout",
        "set_language",
        "password_change",
        "password_reset",
        "password_reset_confirm",
        "agencies:two_factor",
        "agencies:two_factor_setup",
        "agencies:two_factor_verify",
        "agencies:two_factor_remove",
        "agencies:recovery_codes",
        "agencies:invitation_join",
    }
)
SHARED = "shared"


def seconds_left(request) -> int | None:
    """Seconds until the session ends without a request; None when it has no clock."""
    seen = request.session.get(LAST_SEEN)
    if seen is None:
        return None
    return max(0, seen + settings.SESSION_IDLE_MINUTES * 60 - int(time.time()))


def _key(user_id: int) -> str:
    return f"kept-input:{user_id}"


def _page_of(request) -> str:
    """The page the form was on: the one it came from when that is this
    site (a form may post to another address), else the one it was sent to."""
    referer = request.META.get("HTTP_REFERER", "")
    if referer and url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        parts = urlsplit(referer)
        return parts.path + (f"?{parts.query}" if parts.query else "")
    return request.get_full_path()


def input_keep(request, user) -> tuple[str, bool]:
    """Keep the form ``user`` sent after their session ended: the page to
    come back to (the form's), and whether anything was kept.
    Only a genuine POST of this site's own form is kept (its CSRF token is
    checked here, since the view that would check it never runs)."""
    page = _page_of(request)
    try:
        view = resolve(request.path_info).view_name
        refused = CsrfViewMiddleware(lambda request: None).process_view(request, None, (), {})
        fields = [
            (name, value)
            for name, values in request.POST.lists()
            for value in values
            if name != "csrfmiddlewaretoken" and "password" not in name
        ]
    except (Resolver404, SuspiciousOperation, OSError):
        return page, False
    size = sum(len(name) + len(value) for name, value in fields)
    if refused is not None or view in NEVER_KEPT or not fields or size > KEEP_MAX_CHARS:
        return page, False
    entry = {"page": page, "fields": fields, "files": bool(request.FILES)}
    caches[SHARED].set(_key(user.pk), entry, KEEP_SECONDS)
    return page, True


def kept_input(request) -> dict | None:
    """What this person typed before their session ended, when this page
    (a GET of it) is where it comes back; nothing is read otherwise."""
    page = request.session.get(KEPT_PAGE)
    if page is None or page != request.get_full_path():
        return None
    entry = caches[SHARED].get(_key(request.user.pk))
    if not entry or entry.get("page") != page:
        request.session.pop(KEPT_PAGE, None)  # gone with time, or another person's
        return None
    return entry


def kept_input_forget(request) -> None:
    request.session.pop(KEPT_PAGE, None)
    caches[SHARED].delete(_key(request.user.pk))


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def session_status(request):
    """The seconds the session has left: read by the page (a GET, which does
    not count as activity), or renewed by "Stay signed in" (a POST)."""
    if request.method == "POST":
        request.session[LAST_SEEN] = int(time.time())
    return JsonResponse({"remaining": seconds_left(request)})
