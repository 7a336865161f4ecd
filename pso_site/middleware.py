import functools
import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from agencies import twofactor
from assessment.access import ProjectUnderRevision
from pso_site import idle
from pso_site.idle import KEPT_PAGE, LAST_SEEN
from pso_site.lib.refusals import Refusal


class RefusalMiddleware:
    """The one place a refusal no view answered becomes an answer
    (``pso_site.lib.refusals``): its messages, on the page it names or on
    the page the request was for (a GET: nothing changes), so a write to a
    locked project lands on the project's page. An institute reader's visit
    to a project under revision goes to the version that was submitted."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, Refusal):
            for message in exception.messages:
                messages.error(request, message)
            if exception.redirect_to:
                return redirect(exception.redirect_to)
            # A refused GET would refuse again: the home page instead.
            return redirect(request.get_full_path() if request.method != "GET" else "home")
        if isinstance(exception, ProjectUnderRevision):
            return redirect("certification:submitted", pk=exception.project.pk)
        return None


class PrivateByDefaultMiddleware:
    """Pages and downloads are private unless a view says otherwise: a shared
    office computer or a proxy keeps no copy of a project, a dossier or an
    evidence file (``Cache-Control: private, no-store``) — the public
    verification page too, so that a revocation shows at once."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not response.has_header("Cache-Control"):
            patch_cache_control(response, private=True, no_store=True)
        return response


TOUCH_EVERY = 300  # seconds: the session is written at most this often


def session_started(sender, request, user, **kwargs) -> None:
    """``user_logged_in``: the idle clock starts with the sign-in."""
    if request is not None and hasattr(request, "session"):
        request.session[LAST_SEEN] = int(time.time())


@functools.cache
def _status_path() -> str:
    return reverse("session_status")


class IdleTimeoutMiddleware:
    """Sign a person out after ``SESSION_IDLE_MINUTES`` without a request
    (a shared office computer left signed in). The session is written at most
    every few minutes, not on every request. A form sent after the end is
    kept and comes back after signing in again; the page learns how long the
    session has left (``request.session_ends_in``) to warn before the end —
    asking it does not count as activity (``pso_site.idle``)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return self.get_response(request)
        seen = request.session.get(LAST_SEEN)
        now = int(time.time())
        limit = settings.SESSION_IDLE_MINUTES * 60
        asking = request.method in ("GET", "HEAD") and request.path_info == _status_path()
        if seen is not None and now - seen > limit and not asking:
            return self._signed_out(request, user)
        if seen is not None and now - seen > TOUCH_EVERY and not asking:
            request.session[LAST_SEEN] = now
        request.session_ends_in = idle.seconds_left(request)
        request.session_length = limit
        if request.method not in ("GET", "HEAD") or KEPT_PAGE not in request.session:
            return self.get_response(request)
        request.kept_input = idle.kept_input(request)
        response = self.get_response(request)
        if request.kept_input and response.status_code == 200:
            idle.kept_input_forget(request)  # shown: the form holds it now
        return response

    def _signed_out(self, request, user):
        if request.method in ("GET", "HEAD"):
            page, kept = request.get_full_path(), False
        else:
            page, kept = idle.input_keep(request, user)
        logout(request)
        if kept:
            request.session[KEPT_PAGE] = page
            messages.info(
                request,
                _(
                    "You were signed out after a long time without activity. Sign in again:"
                    " what you typed has been kept and will be put back on the page."
                ),
            )
        else:
            messages.info(
                request, _("You were signed out after a long time without activity. Sign in again.")
            )
        return redirect_to_login(page)


class SecondFactorMiddleware:
    """Nobody who has (or must have) a second factor reaches a page with a
    password alone: committee members, auditors, standards administrators
    and Django staff must set up an authenticator app; anyone who set one up
    gives its code. Only signing in and out, the language, password reset,
    the public verification page and the health checks are open before."""

    OPEN = frozenset(
        {
            "login",
            "logout",
            "set_language",
            "verify",
            "verify_lookup",
            "verify_document",
            "institute_certificate",
            "health",
            "health_live",
            "security_txt",
            "guide_home",
            "guide",
            "password_reset",
            "password_reset_done",
            "password_reset_confirm",
            "password_reset_complete",
            "agencies:two_factor_setup",
            "agencies:two_factor_verify",
        }
    )

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.resolver_match.view_name in self.OPEN or not twofactor.pending(request):
            return None
        target = (
            "agencies:two_factor_verify"
            if twofactor.has_device(request.user)
            else "agencies:two_factor_setup"
        )
        return redirect(f"{reverse(target)}?{urlencode({'next': request.get_full_path()})}")
