"""Two-step sign-in: the institute's people set up an authenticator app and
give its code after their password; recovery codes work once; agency staff
may turn it on and off; wrong codes slow the guesser down."""

import base64
import binascii
import io
import re

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from agencies import twofactor
from agencies.models import AccessEvent, InstituteRole
from agencies.services import institute_role_grant
from tests.conftest import make_user, second_factor_device

pytestmark = pytest.mark.django_db

SETUP = reverse("agencies:two_factor_setup")
VERIFY = reverse("agencies:two_factor_verify")


def code_for(hex_key: str, *, steps_ahead: int = 0) -> str:
    totp = TOTP(binascii.unhexlify(hex_key))
    totp.time = totp.time + steps_ahead * totp.step
    return f"{totp.token():06d}"


def sign_in(client, user):
    """The password step, through the login page."""
    response = client.post(reverse("login"), {"username": user.username, "password": "pw-" + user.username})
    assert response.status_code == 302, response.content.decode()


def test_a_new_committee_member_sets_up_an_authenticator_before_anything_else(client):
    person = make_user("newcomer")
    institute_role_grant(user=person, role=InstituteRole.Role.COMMITTEE)
    sign_in(client, person)

    response = client.get(reverse("certification:committee_queue"))
    assert response.status_code == 302
    assert response["Location"].startswith(SETUP + "?next=")

    page = client.get(response["Location"])
    assert page.status_code == 200
    assert "<svg" in page.content.decode()
    key = client.session[twofactor.SETUP_KEY]
    typed = page.context["key"].replace(" ", "")
    assert binascii.hexlify(base64.b32decode(typed)).decode() == key
    assert not TOTPDevice.objects.filter(user=person).exists()  # the GET stored nothing

    wrong = client.post(SETUP, {"code": "000000" if code_for(key) != "000000" else "111111"})
    assert wrong.status_code == 200
    assert "รหัสไม่ตรงกัน" in wrong.content.decode()  # does not match
    assert 'value="000000"' in wrong.content.decode() or 'value="111111"' in wrong.content.decode()

    done = client.post(SETUP, {"code": code_for(key), "next": "/committee/"})
    assert done.status_code == 200
    codes = done.context["codes"]
    assert len(codes) == twofactor.RECOVERY_CODES and len(set(codes)) == twofactor.RECOVERY_CODES
    assert TOTPDevice.objects.get(user=person, confirmed=True).key == key
    assert client.get(reverse("certification:committee_queue")).status_code == 200
    assert AccessEvent.objects.filter(user=person, action=AccessEvent.Action.TWO_FACTOR_CHANGED).exists()


def test_the_institute_gives_its_code_after_the_password(client, committee_member):
    device = second_factor_device(committee_member)
    sign_in(client, committee_member)
    queue = reverse("certification:committee_queue")
    response = client.get(queue)
    assert response.status_code == 302 and response["Location"].startswith(VERIFY + "?next=")

    wrong = client.post(VERIFY, {"code": "12345x", "next": queue})
    assert wrong.status_code == 200 and "รหัสไม่ถูกต้อง" in wrong.content.decode()  # not right
    assert 'value="12345x"' in wrong.content.decode()
    assert client.get(queue).status_code == 302

    device.refresh_from_db()
    device.throttle_reset()
    right = client.post(VERIFY, {"code": code_for(device.key), "next": queue})
    assert right.status_code == 302 and right["Location"] == queue
    assert client.get(queue).status_code == 200
    actions = set(AccessEvent.objects.filter(user=committee_member).values_list("action", flat=True))
    assert {AccessEvent.Action.SECOND_FACTOR, AccessEvent.Action.SECOND_FACTOR_FAILED} <= actions

    # The same code cannot be used twice (someone looking over a shoulder).
    client.logout()
    sign_in(client, committee_member)
    again = client.post(VERIFY, {"code": code_for(device.key), "next": queue})
    assert again.status_code == 200


def test_wrong_codes_make_the_next_try_wait(client, auditor):
    device = second_factor_device(auditor)
    sign_in(client, auditor)
    client.post(VERIFY, {"code": "000001" if code_for(device.key) != "000001" else "000002"})
    device.refresh_from_db()
    assert device.throttling_failure_count == 1
    # After four wrong codes in a row the next try waits 8 seconds, right code or not.
    device.throttling_failure_count = 4
    device.save()
    response = client.post(VERIFY, {"code": code_for(device.key)})
    assert response.status_code == 200
    assert re.search(r"โปรดรอ [5-8] วินาที", response.content.decode())  # wait N seconds
    assert client.get(reverse("certification:audit")).status_code == 302


def test_a_recovery_code_signs_in_once(client, standards_admin):
    second_factor_device(standards_admin)
    codes = twofactor.recovery_codes_new(standards_admin)
    sign_in(client, standards_admin)
    response = client.post(VERIFY, {"code": codes[0].upper()[:4] + "-" + codes[0][4:]}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("home")
    assert "เหลืออีก 9 รหัส" in str(list(response.context["messages"])[0])  # 9 remain
    assert client.get(reverse("agencies:people_history")).status_code == 200

    client.logout()
    sign_in(client, standards_admin)
    assert client.post(VERIFY, {"code": codes[0]}).status_code == 200
    assert StaticToken.objects.filter(device__user=standards_admin).count() == 9


def test_new_recovery_codes_replace_the_old_ones(client, committee_member):
    old = twofactor.recovery_codes_new(committee_member)
    client.force_login(committee_member)
    response = client.post(reverse("agencies:recovery_codes"))
    new = response.context["codes"]
    assert set(new).isdisjoint(old)
    assert set(
        StaticToken.objects.filter(device__user=committee_member).values_list("token", flat=True)
    ) == set(new)


def test_the_institute_cannot_turn_it_off(client, committee_member):
    client.force_login(committee_member)
    assert client.post(reverse("agencies:two_factor_remove")).status_code == 404
    assert TOTPDevice.objects.filter(user=committee_member).exists()


def test_agency_staff_may_turn_it_on_and_off(client, editor_a):
    sign_in(client, editor_a)
    assert client.get(reverse("home")).status_code == 200  # optional: not asked
    client.get(SETUP)
    key = client.session[twofactor.SETUP_KEY]
    assert client.post(SETUP, {"code": code_for(key)}).status_code == 200  # recovery codes

    client.logout()
    sign_in(client, editor_a)
    assert client.get(reverse("home"))["Location"].startswith(VERIFY)
    assert client.post(VERIFY, {"code": code_for(key, steps_ahead=1)}).status_code == 302
    assert client.get(reverse("home")).status_code == 200

    client.post(reverse("agencies:two_factor_remove"))
    assert not TOTPDevice.objects.filter(user=editor_a).exists()
    client.logout()
    sign_in(client, editor_a)
    assert client.get(reverse("home")).status_code == 200


def test_a_role_granted_during_a_session_asks_for_the_second_factor_at_once(client, editor_a):
    sign_in(client, editor_a)
    assert client.get(reverse("home")).status_code == 200
    institute_role_grant(user=editor_a, role=InstituteRole.Role.AUDITOR)
    assert client.get(reverse("home"))["Location"].startswith(SETUP)


def test_django_staff_reach_the_admin_only_with_a_second_factor(client):
    admin = get_user_model().objects.create_superuser("root", password="pw-root")
    sign_in(client, admin)
    assert client.get("/admin/")["Location"].startswith(SETUP)
    client.force_login(admin)
    assert client.get("/admin/").status_code == 200


def test_moving_to_a_new_phone_replaces_the_authenticator(client, auditor):
    old = second_factor_device(auditor)
    client.force_login(auditor)
    client.get(SETUP)
    key = client.session[twofactor.SETUP_KEY]
    assert key != old.key
    twofactor.recovery_codes_new(auditor)
    response = client.post(SETUP, {"code": code_for(key)})
    assert response.status_code == 302  # the recovery codes are kept: none to show
    assert list(TOTPDevice.objects.filter(user=auditor).values_list("key", flat=True)) == [key]


def test_someone_with_an_authenticator_cannot_replace_it_with_the_password_alone(client, committee_member):
    second_factor_device(committee_member)
    sign_in(client, committee_member)
    response = client.get(SETUP)
    assert response.status_code == 302 and response["Location"].startswith(VERIFY)
    client.post(SETUP, {"code": "123456"})
    assert TOTPDevice.objects.filter(user=committee_member).count() == 1


def test_an_operator_resets_a_lost_phone(client, committee_member):
    twofactor.recovery_codes_new(committee_member)
    call_command("two_step_reset", committee_member.username, stdout=io.StringIO())
    assert not TOTPDevice.objects.filter(user=committee_member).exists()
    assert twofactor.recovery_codes_left(committee_member) == 0
    sign_in(client, committee_member)
    assert client.get(reverse("home"))["Location"].startswith(SETUP)


@pytest.mark.parametrize("typed", ["²²²²²²", "１２３４５６", "1" * 5000, "", "\u0000"])
def test_odd_codes_are_refused_with_a_message(client, committee_member, typed):
    sign_in(client, committee_member)
    assert client.post(VERIFY, {"code": typed}).status_code == 200
    client.get(SETUP)  # someone with an authenticator is sent to give its code
    client.logout()
    newcomer = make_user("newcomer2")
    institute_role_grant(user=newcomer, role=InstituteRole.Role.AUDITOR)
    sign_in(client, newcomer)
    client.get(SETUP)
    assert client.post(SETUP, {"code": typed}).status_code == 200
    assert not TOTPDevice.objects.filter(user=newcomer).exists()
