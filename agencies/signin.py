"""Password sign-in with a wait per account, whatever the address.

django-axes locks a username out *from one address* after
``AXES_FAILURE_LIMIT`` wrong passwords (``AUTHENTICATION_BACKENDS`` puts it
first), so nobody can lock a known account out from elsewhere — but many
addresses could guess on. This backend counts every password tried for a
username, from anywhere, in the shared cache (``pso_site.lib.ratelimit``):
after ``SIGN_IN_ACCOUNT_FREE_TRIES`` tries each further one waits 1, 2, 4 …
seconds after the one before, at most ``SIGN_IN_ACCOUNT_MAX_WAIT``. The
right password ends the waits. A try made too early is refused before the
password is read, with the form's own error (``SignInWait``) in place of
"wrong password": the page says how long to wait, axes does not count it
against the address, nothing is learnt about the password, and the access
log has it as a failed sign-in ("wait N s")."""

import hashlib

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import ngettext

from agencies import audit
from agencies.models import AccessEvent
from pso_site.lib import ratelimit


class SignInWait(ValidationError):
    def __init__(self, seconds: int):
        self.seconds = seconds
        super().__init__(wait_message(seconds), code="sign_in_wait")


def wait_message(seconds: int) -> str:
    return ngettext(
        "Too many wrong passwords for this account. Wait %(seconds)s second, then try again.",
        "Too many wrong passwords for this account. Wait %(seconds)s seconds, then try again.",
        seconds,
    ) % {"seconds": seconds}


def account_key(username: str) -> str:
    return "sign-in:" + hashlib.sha256(username.encode()).hexdigest()


class ThrottledModelBackend(ModelBackend):
    """Django's username and password backend, behind the account's wait."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None:
            username = kwargs.get(self._username_field())
        if username is None or password is None:
            return None
        key = account_key(str(username))
        wait = ratelimit.backoff_try(
            key,
            free=settings.SIGN_IN_ACCOUNT_FREE_TRIES,
            max_wait=settings.SIGN_IN_ACCOUNT_MAX_WAIT,
            memory=settings.SIGN_IN_ACCOUNT_MEMORY,
        )
        if wait:
            if request is not None:
                audit.record(
                    request, AccessEvent.Action.SIGN_IN_FAILED, f"wait {wait} s", username=str(username)
                )
            raise SignInWait(wait)
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is None:
            raise PermissionDenied  # no other backend checks the password again
        ratelimit.backoff_reset(key)
        return user

    @staticmethod
    def _username_field() -> str:
        return get_user_model().USERNAME_FIELD
