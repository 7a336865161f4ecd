"""A forgotten password: the account's e-mail address gets a link that
works once, for three days; the page says the same whether or not an
account has the address; the new password is held to the site's rules, and
every session of the account ends when it is saved."""

import datetime
import re

import pytest
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core import mail
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db

RESET = reverse("password_reset")
DONE = reverse("password_reset_done")
COMPLETE = reverse("password_reset_complete")
NEW = "ลำปาง-2569-ประเมิน"


@pytest.fixture
def with_address(editor_a):
    editor_a.email = "editor@lampang.go.th"
    editor_a.save()
    return editor_a


def link_in(message) -> str:
    return re.search(r"http://testserver(/accounts/reset/[^/\s]+/[^/\s]+/)", message.body)[1]


def test_the_form_sends_a_link_to_the_accounts_address(client, with_address):
    page = client.get(RESET)
    assert page.status_code == 200 and "email" in page.context["form"].fields
    response = client.post(RESET, {"email": "Editor@Lampang.go.th"})
    assert response.status_code == 302 and response["Location"] == DONE
    (message,) = mail.outbox
    assert message.to == ["editor@lampang.go.th"]
    assert message.subject == "P.S.O. · ตั้งรหัสผ่านใหม่ / Choose a new password"
    assert "บัญชี editor_a" in message.body and "ภายในสามวัน" in message.body
    assert link_in(message).startswith("/accounts/reset/")
    sent = client.get(DONE).content.decode()
    assert 'id="reset-sent"' in sent and f'href="{reverse("login")}"' in sent


def test_an_unknown_address_gets_the_same_page_and_no_mail(client, with_address):
    response = client.post(RESET, {"email": "nobody@lampang.go.th"})
    assert response["Location"] == DONE
    assert mail.outbox == []


def test_an_inactive_account_gets_no_link(client, with_address):
    with_address.is_active = False
    with_address.save()
    client.post(RESET, {"email": "editor@lampang.go.th"})
    assert mail.outbox == []


def test_the_link_sets_a_new_password_once_and_ends_every_session(client, with_address):
    elsewhere = Client()
    elsewhere.force_login(with_address)
    client.post(RESET, {"email": "editor@lampang.go.th"})
    link = link_in(mail.outbox[0])
    opened = client.get(link)  # the token leaves the address for the session
    assert opened.status_code == 302 and opened["Location"].endswith("/set-password/")
    form = client.get(opened["Location"])
    assert form.context["validlink"] and "new_password1" in form.context["form"].fields
    response = client.post(opened["Location"], {"new_password1": NEW, "new_password2": NEW})
    assert response.status_code == 302 and response["Location"] == COMPLETE
    with_address.refresh_from_db()
    assert with_address.check_password(NEW)
    complete = client.get(COMPLETE).content.decode()
    assert 'id="reset-complete"' in complete and f'href="{reverse("login")}"' in complete
    assert elsewhere.get(reverse("home"))["Location"].startswith(reverse("login"))
    again = Client().get(link, follow=True)
    assert 'id="reset-invalid"' in again.content.decode()


def test_a_weak_new_password_is_refused_and_the_link_still_works(client, with_address):
    client.post(RESET, {"email": "editor@lampang.go.th"})
    form_address = client.get(link_in(mail.outbox[0]))["Location"]
    refused = client.post(form_address, {"new_password1": "ลำปาง1", "new_password2": "ลำปาง1"})
    assert refused.status_code == 200 and "รหัสผ่านนี้สั้นเกินไป" in refused.content.decode()
    with_address.refresh_from_db()
    assert with_address.check_password("pw-editor_a")
    assert client.post(form_address, {"new_password1": NEW, "new_password2": NEW})["Location"] == COMPLETE


def test_a_link_older_than_three_days_no_longer_works(client, with_address, monkeypatch):
    real_now = PasswordResetTokenGenerator._now
    monkeypatch.setattr(
        PasswordResetTokenGenerator, "_now", lambda self: real_now(self) - datetime.timedelta(days=3, hours=1)
    )
    client.post(RESET, {"email": "editor@lampang.go.th"})
    monkeypatch.setattr(PasswordResetTokenGenerator, "_now", real_now)
    page = client.get(link_in(mail.outbox[0]), follow=True)
    assert not page.context["validlink"]
    assert "ลิงก์นี้ถูกใช้ไปแล้วหรือหมดอายุ โปรดขอลิงก์ใหม่" in page.content.decode()
    assert f'href="{RESET}"' in page.content.decode()


def test_a_made_up_link_does_not_work(client, with_address):
    page = client.get(reverse("password_reset_confirm", args=["MQ", "abc-123"]), follow=True)
    assert page.status_code == 200 and 'id="reset-invalid"' in page.content.decode()


def test_nobody_floods_a_mailbox_through_the_reset(client, with_address):
    """Three e-mails an hour to an address; the page says the same after."""
    from agencies.views import RESETS_PER_ADDRESS

    for _ in range(RESETS_PER_ADDRESS + 5):
        assert client.post(RESET, {"email": "editor@lampang.go.th"})["Location"] == DONE
    assert len(mail.outbox) == RESETS_PER_ADDRESS


def test_one_client_cannot_try_address_after_address(client, with_address):
    """Twenty requests an hour from one client, whatever the addresses."""
    from agencies.views import RESETS_PER_CLIENT

    for number in range(RESETS_PER_CLIENT):
        client.post(RESET, {"email": f"nobody{number}@lampang.go.th"})
    client.post(RESET, {"email": "editor@lampang.go.th"})
    assert mail.outbox == []
    # Another client is not held back by it.
    Client().post(RESET, {"email": "editor@lampang.go.th"}, REMOTE_ADDR="192.0.2.9")
    assert len(mail.outbox) == 1
