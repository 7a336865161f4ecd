"""Two-step sign-in (TOTP, django-otp) with recovery codes.

Required for everyone who certifies agencies or reads every agency's record:
committee members, auditors, standards administrators, and Django staff.
Optional for agency staff, who may turn it on for themselves.

The secret of a new authenticator lives in the session until the person
proves they scanned it (a GET changes nothing in the database); the device
is stored only when a code from it is confirmed. Recovery codes are
django-otp static tokens: each works once.

Adding, replacing or removing a second factor, and new recovery codes, ask
for the password (counted like a wrong password at sign-in) and, when the
person has a second factor, a code from it or a recovery code: a session
left open is not enough to lock the owner out. A first authenticator set up
within minutes of typing the password at sign-in (the institute's people
are sent there at once) does not ask for it again. Each change signs the
person out everywhere else and tells them by e-mail (``changed``).
"""

import base64
import binascii
import os
import re
import time

from django.contrib.auth import authenticate
from django.db import transaction
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY, devices_for_user, user_has_device
from django_otp import login as otp_login
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from agencies import tasks
from agencies.access import person_roles
from agencies.sessions import sessions_end
from agencies.signin import SignInWait
from pso_site.lib import site
from pso_site.lib.clientip import client_ip

# The session flag set at sign-in when the person has a second factor to give.
PENDING = "pso_second_factor_pending"
# The secret of an authenticator being set up, until a code confirms it.
SETUP_KEY = "pso_totp_setup_key"
# When the password was last typed in this session (sign-in, or a change here).
PASSWORD_AT = "pso_password_at"
# A first authenticator set up this soon after the password needs no password again.
PASSWORD_FRESH_SECONDS = 15 * 60
RECOVERY_CODES = 10
SIX_DIGITS = re.compile(r"[0-9]{6}")
# What the e-mail to the person says changed (templates/email/two_step_changed_what.txt).
CHANGES = ("on", "new phone", "recovery codes", "off", "reset")


def required(user) -> bool:
    """Whether ``user`` may reach nothing without a second factor."""
    return bool(user.is_staff or user.is_superuser or person_roles(user).institute_roles)


def session_started(sender, request, user, **kwargs) -> None:
    """``user_logged_in``: a person with a second factor is asked for it."""
    if request is None or not hasattr(request, "session"):
        return
    request.session[PASSWORD_AT] = int(time.time())
    if user_has_device(user):
        request.session[PENDING] = True


def pending(request) -> bool:
    """Signed in with a password, and a second factor still to give."""
    user = request.user
    if not user.is_authenticated or user.is_verified():
        return False
    return bool(request.session.get(PENDING)) or required(user)


def session_given(session, device) -> None:
    """Mark a session (outside a request: a test's or a benchmark's client)
    as having given ``device``'s code, as ``verify`` does for a request."""
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.pop(PENDING, None)
    session.save()


def has_device(user) -> bool:
    return user_has_device(user)


def totp_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).first()


def setup_key(request) -> str:
    """The hex secret of the authenticator being set up (made on first use)."""
    key = request.session.get(SETUP_KEY)
    if not key:
        key = binascii.hexlify(os.urandom(20)).decode()
        request.session[SETUP_KEY] = key
    return key


def key_for_people(hex_key: str) -> str:
    """The secret as people type it into an authenticator app: base32 in groups of four."""
    text = base64.b32encode(binascii.unhexlify(hex_key)).decode()
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


def config_url(user, hex_key: str) -> str:
    return TOTPDevice(user=user, name="authenticator", key=hex_key).config_url


def clean_code(text: str) -> str:
    return re.sub(r"[\s-]", "", text or "").lower()


def setup_confirm(request, code: str) -> list[str] | None:
    """Store the authenticator being set up if ``code`` is one of its codes;
    the session counts as verified. Returns new recovery codes when the
    person had none, else an empty list; None for a wrong code."""
    key = request.session.get(SETUP_KEY)
    code = clean_code(code)
    if not key or not SIX_DIGITS.fullmatch(code):
        return None
    totp = TOTP(binascii.unhexlify(key))
    if not totp.verify(int(code), tolerance=1):
        return None
    user = request.user
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        device = TOTPDevice.objects.create(user=user, name="authenticator", key=key, confirmed=True)
        device.last_t = totp.t()
        device.save(update_fields=["last_t"])
        recovery = _recovery_device(user)
        codes = [] if recovery.token_set.exists() else _codes_new(recovery)
    del request.session[SETUP_KEY]
    request.session.pop(PENDING, None)
    otp_login(request, device)
    return codes


def _recovery_device(user) -> StaticDevice:
    device, _created = StaticDevice.objects.get_or_create(
        user=user, name="recovery", defaults={"confirmed": True}
    )
    return device


@transaction.atomic
def recovery_codes_new(user) -> list[str]:
    """A fresh set of recovery codes; the earlier ones stop working."""
    return _codes_new(_recovery_device(user))


def _codes_new(device: StaticDevice) -> list[str]:
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def recovery_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


class Refused(Exception):
    def __init__(self, wait_seconds: int | None = None):
        self.wait_seconds = wait_seconds


class PasswordRefused(Refused):
    """Not the person's password, or too many wrong ones for the account."""


def verify(request, code: str):
    """Check a code from the authenticator (six digits) or a recovery code;
    on success the session counts as verified and the device is returned.
    Raises ``Refused`` (with the seconds to wait when too many codes were
    wrong) otherwise."""
    verified = device_check(request.user, code)
    request.session.pop(PENDING, None)
    otp_login(request, verified)
    return verified


def device_check(user, code: str):
    """The device of ``user`` that ``code`` is a code of (it is then used up),
    with django-otp's growing wait after wrong codes; else ``Refused``."""
    code = clean_code(code)
    wanted = TOTPDevice if SIX_DIGITS.fullmatch(code) else StaticDevice
    verified, refusal = None, Refused()
    # The count of wrong codes must be kept: no exception inside the transaction.
    with transaction.atomic():
        for device in devices_for_user(user, for_verify=True):
            if not isinstance(device, wanted):
                continue
            allowed, data = device.verify_is_allowed()
            if not allowed:
                refusal = Refused(_seconds_left(device, data))
                break
            if device.verify_token(code):
                verified = device
                break
    if verified is None:
        raise refusal
    return verified


def _seconds_left(device, data) -> int | None:
    from django.utils import timezone

    failures = (data or {}).get("failure_count") or device.throttling_failure_count
    if not device.throttling_failure_timestamp or not failures:
        return None
    delay = device.get_throttle_factor() * (2 ** (failures - 1))
    waited = (timezone.now() - device.throttling_failure_timestamp).total_seconds()
    return max(1, int(delay - waited) + 1)


@transaction.atomic
def remove(user) -> None:
    """Turn two-step sign-in off (only for people who need not have it)."""
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()


# Changing the second factor --------------------------------------------------------


def password_fresh(request) -> bool:
    """The password was typed in this session a few minutes ago."""
    typed = request.session.get(PASSWORD_AT)
    return typed is not None and 0 <= time.time() - typed < PASSWORD_FRESH_SECONDS


def asks_password(request) -> bool:
    """Whether a change asks for the password: always, but for a first
    authenticator set up just after signing in."""
    return has_device(request.user) or not password_fresh(request)


def password_confirm(request, password: str) -> None:
    """The signed-in person's password, checked as at sign-in: a wrong one
    counts towards the lock-out of their address and the account's wait, and
    is in the access log. Raises ``PasswordRefused``."""
    user = request.user
    try:
        checked = authenticate(request, username=user.get_username(), password=password)
    except SignInWait as wait:
        raise PasswordRefused(wait.seconds) from None
    if checked is None or checked.pk != user.pk:
        raise PasswordRefused()
    request.session[PASSWORD_AT] = int(time.time())


def setup_code_matches(request, code: str) -> bool:
    """Whether ``code`` is one of the authenticator being set up (nothing is stored)."""
    key = request.session.get(SETUP_KEY)
    code = clean_code(code)
    return bool(
        key and SIX_DIGITS.fullmatch(code) and TOTP(binascii.unhexlify(key)).verify(int(code), tolerance=1)
    )


def changed(request, change: str) -> int:
    """After the person changed their second factor: their other sessions
    end, and an e-mail tells them what changed, when and from where.
    Returns how many sessions ended."""
    ended = sessions_end(request.user, keep=request.session.session_key)
    _tell(request.user, change, address=client_ip(request) or "", base_url=site.base_url())
    return ended


def reset(user) -> int:
    """An operator removes the person's second factor (a lost phone): every
    session of theirs ends, and they are told. Returns how many ended."""
    remove(user)
    ended = sessions_end(user)
    _tell(user, "reset", address="", base_url="")
    return ended


def _tell(user, change: str, *, address: str, base_url: str) -> None:
    assert change in CHANGES, change
    at = timezone.now().isoformat()
    transaction.on_commit(
        lambda: tasks.mail_two_step_changed.enqueue(user.pk, change, at, address, base_url=base_url)
    )
