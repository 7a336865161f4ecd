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
