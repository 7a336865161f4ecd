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
from assessment.access import ProjectReadOnly, ProjectUnderRevision


class ReadOnlyProjectMiddleware:
    """Turn a write to a locked project into a message on the project page,
    and an institute reader's visit to a project under revision into the
    version that was submitted."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, ProjectReadOnly):
            messages.error(request, str(exception))
            return redirect("assessment:project", pk=exception.project.pk)
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


LAST_SEEN = "pso_last_seen"
TOUCH_EVERY = 300  # seconds: the session is written at most this often


def session_started(sender, request, user, **kwargs) -> None:
    """``user_logged_in``: the idle clock starts with the sign-in."""
    if request is not None and hasattr(request, "session"):
        request.session[LAST_SEEN] = int(time.time())


class IdleTimeoutMiddleware:
    """Sign a person out after ``SESSION_IDLE_MINUTES`` without a request
    (a shared office computer left signed in). The session is written at most
    every few minutes, not on every request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            seen = request.session.get(LAST_SEEN)
            now = int(time.time())
            if seen is not None and now - seen > settings.SESSION_IDLE_MINUTES * 60:
                logout(request)
                messages.info(
                    request, _("You were signed out after a long time without activity. Sign in again.")
                )
                return redirect_to_login(request.get_full_path())
            if seen is not None and now - seen > TOUCH_EVERY:
                request.session[LAST_SEEN] = now
        return self.get_response(request)


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
