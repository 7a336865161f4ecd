"""Changing one's password: the old one, checked as a sign-in is, then the
new one twice, held to the site's rules; the person stays signed in here and
every other session of theirs ends. The done page says so."""

import pytest
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db

CHANGE = reverse("password_change")
DONE = reverse("password_change_done")
NEW = "ลำปาง-2569-ประเมิน"


def change(client, old="pw-editor_a", new1=NEW, new2=NEW):
    return client.post(CHANGE, {"old_password": old, "new_password1": new1, "new_password2": new2})


def test_the_password_is_changed_and_the_done_page_says_so(client, editor_a):
    client.force_login(editor_a)
    page = client.get(CHANGE)
    assert page.status_code == 200
    assert {"old_password", "new_password1", "new_password2"} <= set(page.context["form"].fields)
    response = change(client)
    assert response.status_code == 302 and response["Location"] == DONE
    editor_a.refresh_from_db()
    assert editor_a.check_password(NEW)
    done = client.get(DONE)  # still signed in
    assert done.status_code == 200
    assert "เปลี่ยนรหัสผ่านของคุณเรียบร้อยแล้ว" in done.content.decode()
    assert f'href="{reverse("home")}"' in done.content.decode()


def test_every_other_session_of_the_person_ends(client, editor_a):
    elsewhere = Client()
    elsewhere.force_login(editor_a)
    assert elsewhere.get(reverse("home")).status_code == 200
    client.force_login(editor_a)
    change(client)
    assert elsewhere.get(reverse("home"))["Location"].startswith(reverse("login"))
    assert client.get(reverse("home")).status_code == 200


def test_a_wrong_old_password_changes_nothing(client, editor_a):
    client.force_login(editor_a)
    response = change(client, old="pw-wrong")
    assert response.status_code == 200 and "old_password" in response.context["form"].errors
    editor_a.refresh_from_db()
    assert editor_a.check_password("pw-editor_a")


def test_the_new_password_must_be_typed_twice_the_same_and_be_long_enough(client, editor_a):
    client.force_login(editor_a)
    mismatch = change(client, new2=NEW + "x").content.decode()
    assert "รหัสผ่านทั้งสองช่องไม่ตรงกัน" in mismatch
    short = change(client, new1="ลำปาง1", new2="ลำปาง1").content.decode()
    assert "รหัสผ่านนี้สั้นเกินไป" in short
    editor_a.refresh_from_db()
    assert editor_a.check_password("pw-editor_a")


def test_someone_signed_out_is_sent_to_sign_in(client, editor_a):
    for response in (client.get(CHANGE), change(client), client.get(DONE)):
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    editor_a.refresh_from_db()
    assert editor_a.check_password("pw-editor_a")


def test_a_password_alone_does_not_change_the_password_of_the_institutes_people(client, committee_member):
    client.force_login_password_only(committee_member)
    response = client.post(
        CHANGE, {"old_password": "pw-committee", "new_password1": NEW, "new_password2": NEW}
    )
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("agencies:two_factor_verify"))
    committee_member.refresh_from_db()
    assert committee_member.check_password("pw-committee")
