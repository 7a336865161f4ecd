"""Sign-in hardening: the client's real address behind trusted proxies for
lock-outs, and signing out after a long idle time."""

import time

import pytest
from django.test import RequestFactory
from django.urls import reverse

from pso_site.lib.clientip import client_ip
from pso_site.middleware import LAST_SEEN


@pytest.mark.parametrize(
    "count, forwarded, expected",
    [
        (0, "203.0.113.9", "10.0.0.2"),  # no proxy: the header is the client's word, ignored
        (1, "203.0.113.9", "203.0.113.9"),  # one proxy: what it saw
        (1, "1.2.3.4, 203.0.113.9", "203.0.113.9"),  # a forged left part is ignored
        (2, "1.2.3.4, 203.0.113.9, 10.0.0.7", "203.0.113.9"),
        (2, "203.0.113.9", "10.0.0.2"),  # fewer hops than proxies: only the socket
        (1, "not-an-ip", "10.0.0.2"),
    ],
)
def test_the_client_address_behind_trusted_proxies(settings, count, forwarded, expected):
    settings.TRUSTED_PROXY_COUNT = count
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected


@pytest.mark.django_db
def test_a_session_idle_too_long_is_signed_out(client, editor_a, settings):
    settings.SESSION_IDLE_MINUTES = 30
    client.force_login(editor_a)
    assert client.get(reverse("home")).status_code == 200
    session = client.session
    session[LAST_SEEN] = int(time.time()) - 31 * 60
    session.save()
    response = client.get(reverse("home"))
    assert response.status_code == 302 and reverse("login") in response["Location"]
    assert client.get(reverse("home")).status_code == 302  # signed out for good


@pytest.mark.django_db
def test_password_rules_are_said_in_thai():
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError
    from django.utils import translation

    with translation.override("th"), pytest.raises(ValidationError) as refused:
        validate_password("1234")
    text = " ".join(refused.value.messages)
    assert "สั้นเกินไป" in text and "ตัวเลขล้วน" not in text and "มีแต่ตัวเลข" in text


# The account's own wait, whatever the address --------------------------------------

LOGIN = "/accounts/login/"


def try_password(client, username: str, password: str, address: str):
    client.cookies["django_language"] = "en"
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address)


def wait_passes(username: str) -> None:
    """The seconds of the current wait go by."""
    from django.core.cache import caches

    from agencies.signin import account_key

    caches["shared"].delete(f"backoff:{account_key(username)}:gate")


@pytest.mark.django_db
def test_many_addresses_guessing_one_password_wait_longer_and_longer(client, editor_a, settings):
    """Five wrong passwords lock one address out (django-axes); a guesser
    with many addresses meets the account's own wait: 1, 2, 4 … seconds
    between tries, said on the sign-in page, and never a lock-out."""
    from axes.models import AccessAttempt

    from agencies.models import AccessEvent

    free = settings.SIGN_IN_ACCOUNT_FREE_TRIES
    for number in range(free):
        refused = try_password(client, "editor_a", "guess", f"198.51.100.{number}")
        assert (
            refused.status_code == 200
            and "Please enter a correct username and password" in refused.content.decode()
        )
    waiting = try_password(client, "editor_a", "pw-editor_a", "203.0.113.1")  # even the right one
    page = waiting.content.decode()
    assert waiting.status_code == 200 and "_auth_user_id" not in client.session
    assert "Too many wrong passwords for this account. Wait 1 second, then try again." in page
    assert 'value="editor_a"' in page
    # Refused before the password was read: not counted against the address, but logged.
    assert not AccessAttempt.objects.filter(ip_address="203.0.113.1").exists()
    assert AccessEvent.objects.filter(username="editor_a", subject="wait 1 s", ip="203.0.113.1").exists()

    wait_passes("editor_a")
    try_password(client, "editor_a", "guess", "198.51.100.99")
    assert "Wait 2 seconds" in try_password(client, "editor_a", "guess", "198.51.100.98").content.decode()
    wait_passes("editor_a")
    try_password(client, "editor_a", "guess", "198.51.100.97")
    assert "Wait 4 seconds" in try_password(client, "editor_a", "guess", "198.51.100.96").content.decode()

    # The owner, once the wait is over, signs in; the right password ends the waits.
    wait_passes("editor_a")
    assert try_password(client, "editor_a", "pw-editor_a", "203.0.113.1").status_code == 302
    client.logout()
    assert try_password(client, "editor_a", "guess", "198.51.100.95").status_code == 200
    assert try_password(client, "editor_a", "pw-editor_a", "203.0.113.1").status_code == 302


def test_the_wait_grows_and_stops_at_the_maximum():
    from pso_site.lib.ratelimit import backoff_wait

    waits = [backoff_wait(tries, free=5, max_wait=300) for tries in range(1, 18)]
    assert waits == [0, 0, 0, 0, 1, 2, 4, 8, 16, 32, 64, 128, 256, 300, 300, 300, 300]
    assert backoff_wait(10**6, free=5, max_wait=300) == 300


@pytest.mark.django_db
def test_a_try_refused_for_waiting_is_not_a_try(settings):
    """Only the try that opens the gate counts: hammering during the wait
    does not make the owner's wait longer."""
    from pso_site.lib import ratelimit

    tries = [ratelimit.backoff_try("k", free=2, max_wait=60, memory=600) for _ in range(20)]
    assert tries[:2] == [0, 0] and all(wait >= 1 for wait in tries[2:])
    from django.core.cache import caches

    assert caches["shared"].get("backoff:k") == 2
    caches["shared"].delete("backoff:k:gate")
    assert ratelimit.backoff_try("k", free=2, max_wait=60, memory=600) == 0
    assert ratelimit.backoff_try("k", free=2, max_wait=60, memory=600) == 2


@pytest.mark.django_db
def test_the_password_change_page_is_no_way_round_the_sign_in_throttles(client, editor_a, settings):
    """A signed-in session guessing the password on the password change page
    meets the same counts as the sign-in page: the account's wait, and the
    access log."""
    from django.urls import reverse

    from agencies.models import AccessEvent

    client.force_login(editor_a)
    client.cookies["django_language"] = "en"
    url = reverse("password_change")
    new = {"new_password1": "Kh0ngPhan-2569-ลำปาง", "new_password2": "Kh0ngPhan-2569-ลำปาง"}
    for number in range(settings.SIGN_IN_ACCOUNT_FREE_TRIES):
        response = client.post(url, {"old_password": "guess", **new}, REMOTE_ADDR=f"198.51.100.{number}")
        assert response.status_code == 200 and "old_password" in response.context["form"].errors
    waiting = client.post(url, {"old_password": "pw-editor_a", **new})  # even the right one
    assert "Wait 1 second" in waiting.content.decode()
    editor_a.refresh_from_db()
    assert editor_a.check_password("pw-editor_a")
    assert (
        AccessEvent.objects.filter(username="editor_a", action=AccessEvent.Action.SIGN_IN_FAILED).count() >= 2
    )
    wait_passes("editor_a")
    assert client.post(url, {"old_password": "pw-editor_a", **new}).status_code == 302
    editor_a.refresh_from_db()
    assert editor_a.check_password(new["new_password1"])
    # And from one address, django-axes locks the address out as at sign-in.
    client.force_login(editor_a)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        locked = client.post(url, {"old_password": "guess", **new}, REMOTE_ADDR="203.0.113.9")
        wait_passes("editor_a")
    assert locked.status_code == 429
