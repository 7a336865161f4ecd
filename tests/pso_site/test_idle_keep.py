"""Input survives an ended session: a form sent after the idle time-out is
kept for its person and comes back on the same page once they sign in
again; the page learns how long the session has left, and asking does not
keep the session alive ("Stay signed in" does)."""

import json
import re
import time

import pytest
from django.core.cache import caches
from django.test import Client
from django.urls import reverse

from pso_site.idle import LAST_SEEN

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"


def idle_for(client, minutes: int) -> None:
    session = client.session
    session[LAST_SEEN] = int(time.time()) - minutes * 60
    session.save()


def sign_in_again(client, username: str, next_page: str = ""):
    """The sign-in page's form, as sent (with the page to go back to)."""
    client.cookies["django_language"] = "en"
    response = client.post(LOGIN, {"username": username, "password": "pw-" + username, "next": next_page})
    assert response.status_code == 302, response.status_code
    return response


def kept_fields(response) -> dict:
    match = re.search(
        r'<script id="kept-input" type="application/json">(.*?)</script>', response.content.decode()
    )
    assert match, "no kept input on the page"
    return dict(json.loads(match.group(1)))


def vision_page(project):
    return reverse("assessment:step", args=[project.pk, 1])


def test_what_was_typed_after_the_session_ended_comes_back_after_signing_in_again(
    client, project, editor_a, settings
):
    settings.SESSION_IDLE_MINUTES = 60
    client.cookies["django_language"] = "en"
    client.force_login(editor_a)
    url = vision_page(project)
    token = client.get(url).context["snapshot_token"]
    idle_for(client, 61)
    response = client.post(
        url, {"vision": "วิสัยทัศน์ที่พิมพ์ไว้หนึ่งชั่วโมง", "snapshot": token}, HTTP_REFERER=f"http://testserver{url}"
    )
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)
    assert reverse("assessment:step", args=[project.pk, 1]) in response["Location"]
    project.refresh_from_db()
    assert project.vision == ""  # nothing saved by a session that had ended
    login_page = client.get(response["Location"])
    assert "what you typed has been kept" in login_page.content.decode()

    landing = sign_in_again(client, "editor_a", url)
    assert landing["Location"] == url
    page = client.get(url)
    assert page.status_code == 200
    assert kept_fields(page) == {"vision": "วิสัยทัศน์ที่พิมพ์ไว้หนึ่งชั่วโมง", "snapshot": token}
    assert 'id="kept-input-note"' in page.content.decode()
    # Put back once: the form holds it now.
    assert 'id="kept-input"' not in client.get(url).content.decode()


def test_what_was_typed_comes_back_only_to_the_person_who_typed_it(client, project, editor_a, head_a):
    client.force_login(editor_a)
    url = vision_page(project)
    idle_for(client, 61)
    client.post(url, {"vision": "ร่างของผู้แก้ไข"})
    sign_in_again(client, "head_a", url)
    page = client.get(url)
    assert page.status_code == 200 and 'id="kept-input"' not in page.content.decode()
    assert "ร่างของผู้แก้ไข" not in page.content.decode()


def test_a_forged_post_after_the_end_keeps_nothing(project, editor_a):
    client = Client(enforce_csrf_checks=True)
    client.force_login(editor_a)
    idle_for(client, 61)
    response = client.post(vision_page(project), {"vision": "ข้อความจากเว็บไซต์อื่น"})
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)
    assert caches["shared"].get(f"kept-input:{editor_a.pk}") is None


def test_no_password_is_kept(client, editor_a):
    client.force_login(editor_a)
    idle_for(client, 61)
    client.post(
        reverse("password_change"),
        {"old_password": "pw-editor_a", "new_password1": "x-long-new-1", "new_password2": "x-long-new-1"},
    )
    assert caches["shared"].get(f"kept-input:{editor_a.pk}") is None


def test_a_post_to_another_address_comes_back_on_the_page_it_was_sent_from(client, project, editor_a):
    page = reverse("plans:step", args=[project.pk, 7])
    client.force_login(editor_a)
    idle_for(client, 61)
    response = client.post(
        reverse("assessment:round_start", args=[project.pk]),
        {"note": "x"},
        HTTP_REFERER=f"http://testserver{page}",
    )
    assert response["Location"] == f"{LOGIN}?next={page}"


def test_asking_how_long_is_left_does_not_keep_the_session_alive(client, editor_a, settings):
    settings.SESSION_IDLE_MINUTES = 60
    client.force_login(editor_a)
    idle_for(client, 50)
    seen = client.session[LAST_SEEN]
    answer = client.get(reverse("session_status")).json()
    assert 9 * 60 <= answer["remaining"] <= 10 * 60
    assert client.session[LAST_SEEN] == seen
    # Past the end, the question is still answered (0) and signs nobody out:
    # the form on the page, sent next, is kept.
    idle_for(client, 61)
    assert client.get(reverse("session_status")).json() == {"remaining": 0}
    assert client.session.get("_auth_user_id") == str(editor_a.pk)


def test_stay_signed_in_starts_the_clock_again(client, editor_a, settings):
    settings.SESSION_IDLE_MINUTES = 60
    client.force_login(editor_a)
    idle_for(client, 57)
    answer = client.post(reverse("session_status")).json()
    assert answer["remaining"] >= 60 * 60 - 2
    assert int(time.time()) - client.session[LAST_SEEN] <= 2


def test_each_page_says_how_long_the_session_has_left(client, editor_a):
    client.force_login(editor_a)
    idle_for(client, 3)  # the session is written every five minutes, not on every request
    html = client.get(reverse("home")).content.decode()
    remaining = int(re.search(r'id="session-script"[^>]*data-remaining="(\d+)"', html).group(1))
    assert 56 * 60 <= remaining <= 57 * 60
    assert 'id="session-stay"' in html
