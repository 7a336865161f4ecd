"""Two-step sign-in: the institute's people set up an authenticator app and
give its code after their password; recovery codes work once; agency staff
may turn it on and off; wrong codes slow the guesser down. Changing the
second factor asks for the password and a current code, signs the person
out everywhere else and tells them by e-mail."""

import base64
import binascii
import io
import re

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from agencies import twofactor
from agencies.models import AccessEvent, InstituteRole, Notification, Person
from agencies.services import institute_role_grant
from tests.conftest import make_user, second_factor_device

pytestmark = pytest.mark.django_db

SETUP = reverse("agencies:two_factor_setup")
VERIFY = reverse("agencies:two_factor_verify")
PAGE = reverse("agencies:two_factor")
NEW_CODES = reverse("agencies:recovery_codes")
OFF = reverse("agencies:two_factor_remove")


def code_for(hex_key: str, *, steps_ahead: int = 0) -> str:
    totp = TOTP(binascii.unhexlify(hex_key))
    totp.time = totp.time + steps_ahead * totp.step
    return f"{totp.token():06d}"


def sign_in(client, user):
    """The password step, through the login page."""
    response = client.post(reverse("login"), {"username": user.username, "password": "pw-" + user.username})
    assert response.status_code == 302, response.content.decode()


def current_code(device) -> str:
    """A code of the person's authenticator that has not signed in yet."""
    device.refresh_from_db()
    TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1, throttling_failure_count=0)
    return code_for(device.key)


def in_english(client):
    client.cookies["django_language"] = "en"
    return client


def signed_in_twice(user) -> tuple[Client, Client]:
    """Two browsers of ``user``, both through both steps."""
    first, second = Client(), Client()
    first.force_login(user)
    second.force_login(user)
    return first, second


def signed_out(client) -> bool:
    response = client.get(reverse("home"))
    return response.status_code == 302 and reverse("login") in response["Location"]


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
    device = second_factor_device(committee_member)
    client.force_login(committee_member)
    response = client.post(NEW_CODES, {"password": "pw-committee", "current_code": current_code(device)})
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

    response = client.post(OFF, {"password": "pw-editor_a", "current_code": code_for(key, steps_ahead=2)})
    assert response.status_code == 302
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
    response = client.post(
        SETUP, {"code": code_for(key), "password": "pw-auditor", "current_code": current_code(old)}
    )
    assert response.status_code == 302  # the recovery codes are kept: none to show
    assert list(TOTPDevice.objects.filter(user=auditor).values_list("key", flat=True)) == [key]


def test_someone_with_an_authenticator_cannot_replace_it_with_the_password_alone(client, committee_member):
    second_factor_device(committee_member)
    sign_in(client, committee_member)
    response = client.get(SETUP)
    assert response.status_code == 302 and response["Location"].startswith(VERIFY)
    client.post(SETUP, {"code": "123456"})
    assert TOTPDevice.objects.filter(user=committee_member).count() == 1


def test_an_operator_resets_a_lost_phone(client, committee_member, django_capture_on_commit_callbacks):
    twofactor.recovery_codes_new(committee_member)
    committee_member.email = "committee@example.go.th"
    committee_member.save()
    browsers = signed_in_twice(committee_member)
    output = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("two_step_reset", committee_member.username, stdout=output)
    assert "2 session(s) ended" in output.getvalue()
    assert not TOTPDevice.objects.filter(user=committee_member).exists()
    assert twofactor.recovery_codes_left(committee_member) == 0
    assert all(signed_out(browser) for browser in browsers)  # a thief's session ends too
    assert [message.to for message in mail.outbox] == [["committee@example.go.th"]]
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


# Changing the second factor asks who is changing it ----------------------------------


def test_a_session_alone_cannot_replace_the_authenticator(client, committee_member):
    """Someone at a computer the owner left signed in cannot lock the owner out."""
    old = second_factor_device(committee_member)
    in_english(client).force_login(committee_member)
    page = client.get(SETUP)
    assert {"code", "password", "current_code"} <= set(page.context["form"].fields)
    key = client.session[twofactor.SETUP_KEY]

    bare = client.post(SETUP, {"code": code_for(key)})
    assert bare.status_code == 200 and bare.context["form"].errors.keys() == {"password", "current_code"}
    wrong = client.post(SETUP, {"code": code_for(key), "password": "guess", "current_code": "123456"})
    assert wrong.status_code == 200 and "That is not your password." in wrong.content.decode()
    no_code = client.post(
        SETUP, {"code": code_for(key), "password": "pw-committee", "current_code": "000000"}
    )
    assert "That code is not right." in no_code.content.decode()
    assert list(TOTPDevice.objects.filter(user=committee_member)) == [old]
    assert old.key == TOTPDevice.objects.get(user=committee_member).key


def test_a_mistyped_new_code_costs_no_password_try(client, auditor):
    device = second_factor_device(auditor)
    in_english(client).force_login(auditor)
    client.get(SETUP)
    key = client.session[twofactor.SETUP_KEY]
    wrong = "000000" if code_for(key) != "000000" else "111111"
    response = client.post(SETUP, {"code": wrong, "password": "guess", "current_code": current_code(device)})
    assert "That code does not match." in response.content.decode()
    assert not AccessAttempt.objects.exists()  # the password was not even read


def test_new_recovery_codes_and_turning_off_ask_for_the_password_and_a_code(client, editor_a):
    device = second_factor_device(editor_a)
    before = set(twofactor.recovery_codes_new(editor_a))
    in_english(client).force_login(editor_a)
    client.post(VERIFY, {"code": current_code(device)})
    page = client.get(PAGE).content.decode()
    assert 'name="password"' in page and 'name="current_code"' in page and f'formaction="{OFF}"' in page

    for url in (NEW_CODES, OFF):
        refused = client.post(url, {"password": "pw-editor_a"})
        assert refused.status_code == 200 and "current_code" in refused.context["form"].errors
        refused = client.post(url, {"password": "nope", "current_code": current_code(device)})
        assert refused.status_code == 200 and "That is not your password." in refused.content.decode()
    assert TOTPDevice.objects.filter(user=editor_a).exists()
    assert set(StaticToken.objects.filter(device__user=editor_a).values_list("token", flat=True)) == before

    # A recovery code stands in for a phone that is not at hand.
    response = client.post(NEW_CODES, {"password": "pw-editor_a", "current_code": sorted(before)[0]})
    assert response.status_code == 200 and set(response.context["codes"]).isdisjoint(before)


def test_a_wrong_password_there_counts_like_one_at_sign_in(client, editor_a, settings):
    """Not a way round the sign-in page's lock-out: each wrong password is
    logged, counted against the address, and the last one locks it out."""
    device = second_factor_device(editor_a)
    client.force_login(editor_a)
    client.post(VERIFY, {"code": current_code(device)})
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        client.post(NEW_CODES, {"password": "nope", "current_code": "123456"})
    failed = AccessEvent.objects.filter(action=AccessEvent.Action.SIGN_IN_FAILED, username="editor_a")
    assert failed.count() == settings.AXES_FAILURE_LIMIT - 1
    assert failed.first().path == NEW_CODES
    locked = client.post(NEW_CODES, {"password": "nope", "current_code": "123456"})
    assert locked.status_code == 429  # django-axes' lock-out page
    right = client.post(NEW_CODES, {"password": "pw-editor_a", "current_code": current_code(device)})
    assert right.status_code == 429  # locked out from this address, right password or not
    assert StaticToken.objects.filter(device__user=editor_a).count() == 0


def test_a_change_signs_the_person_out_elsewhere_and_tells_them(
    client, committee_member, auditor, django_capture_on_commit_callbacks
):
    committee_member.email = "committee@example.go.th"
    committee_member.save()
    Person.objects.create(user=committee_member, language=Person.Language.ENGLISH)
    device = second_factor_device(committee_member)
    here, elsewhere = signed_in_twice(committee_member)
    someone_else = Client()
    someone_else.force_login(auditor)

    with django_capture_on_commit_callbacks(execute=True):
        response = here.post(NEW_CODES, {"password": "pw-committee", "current_code": current_code(device)})
    assert response.status_code == 200 and len(response.context["codes"]) == twofactor.RECOVERY_CODES
    assert signed_out(elsewhere)
    assert not signed_out(here) and not signed_out(someone_else)

    (message,) = mail.outbox
    assert message.to == ["committee@example.go.th"]
    assert "two-step sign-in changed" in message.subject
    assert "New recovery codes were made for your account" in message.body
    assert "Every other browser signed in to your account was signed out." in message.body
    assert "127.0.0.1" in message.body and reverse("agencies:two_factor") in message.body
    assert Notification.objects.filter(user=committee_member, url=reverse("agencies:two_factor")).exists()


def test_the_first_set_up_just_after_signing_in_asks_no_password_again(client):
    newcomer = make_user("newcomer")
    institute_role_grant(user=newcomer, role=InstituteRole.Role.AUDITOR)
    sign_in(in_english(client), newcomer)
    page = client.get(SETUP)
    assert set(page.context["form"].fields) == {"code"}  # as the browser tests sign in
    key = client.session[twofactor.SETUP_KEY]

    # Long after the password was typed, it is asked again.
    session = client.session
    session[twofactor.PASSWORD_AT] -= twofactor.PASSWORD_FRESH_SECONDS + 1
    session.save()
    assert set(client.get(SETUP).context["form"].fields) == {"code", "password"}
    refused = client.post(SETUP, {"code": code_for(key)})
    assert refused.status_code == 200 and not TOTPDevice.objects.filter(user=newcomer).exists()
    done = client.post(SETUP, {"code": code_for(key), "password": "pw-newcomer"})
    assert done.status_code == 200 and len(done.context["codes"]) == twofactor.RECOVERY_CODES
    assert TOTPDevice.objects.filter(user=newcomer).exists()


def test_ending_sessions_leaves_the_current_one_and_other_people(committee_member, auditor):
    from agencies.sessions import sessions_end, sessions_of

    mine, other = signed_in_twice(committee_member)
    theirs = Client()
    theirs.force_login(auditor)
    keep = mine.session.session_key
    assert sessions_of(committee_member, keep=keep) == [other.session.session_key]
    assert sessions_end(committee_member, keep=keep) == 1
    assert signed_out(other) and not signed_out(mine) and not signed_out(theirs)
