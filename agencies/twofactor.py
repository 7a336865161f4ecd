"""Two-step sign-in (TOTP, django-otp) with recovery codes.

Required for everyone who certifies agencies or reads every agency's record:
committee members, auditors, standards administrators, and Django staff.
Optional for agency staff, who may turn it on for themselves.

The secret of a new authenticator lives in the session until the person
proves they scanned it (a GET changes nothing in the database); the device
is stored only when a code from it is confirmed. Recovery codes are
django-otp static tokens: each works once.
"""

import base64
import binascii
import os
import re

from django.db import transaction
from django_otp import devices_for_user, user_has_device
from django_otp import login as otp_login
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from agencies.access import person_roles

# The session flag set at sign-in when the person has a second factor to give.
PENDING = "pso_second_factor_pending"
# The secret of an authenticator being set up, until a code confirms it.
SETUP_KEY = "pso_totp_setup_key"
RECOVERY_CODES = 10
SIX_DIGITS = re.compile(r"[0-9]{6}")


def required(user) -> bool:
    """Whether ``user`` may reach nothing without a second factor."""
    return bool(user.is_staff or user.is_superuser or person_roles(user).institute_roles)


def session_started(sender, request, user, **kwargs) -> None:
    """``user_logged_in``: a person with a second factor is asked for it."""
    if request is not None and hasattr(request, "session") and user_has_device(user):
        request.session[PENDING] = True


def pending(request) -> bool:
    """Signed in with a password, and a second factor still to give."""
    user = request.user
    if not user.is_authenticated or user.is_verified():
        return False
    return bool(request.session.get(PENDING)) or required(user)


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


def verify(request, code: str):
    """Check a code from the authenticator (six digits) or a recovery code;
    on success the session counts as verified and the device is returned.
    Raises ``Refused`` (with the seconds to wait when too many codes were
    wrong) otherwise."""
    code = clean_code(code)
    user = request.user
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
    request.session.pop(PENDING, None)
    otp_login(request, verified)
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
