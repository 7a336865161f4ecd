"""Signing out: a POST from the menu's button ends this session and shows
the sign-in page; a GET signs nobody out (a link or an image could), and no
address given with it sends the person to another site."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

LOGOUT = reverse("logout")


def test_signing_out_ends_the_session_and_shows_the_sign_in_page(client, editor_a):
    client.force_login(editor_a)
    home = client.get(reverse("home")).content.decode()
    assert f'action="{LOGOUT}" method="post"' in home  # the menu's button
    response = client.post(LOGOUT)
    assert response.status_code == 302 and response["Location"] == reverse("login")
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("home"))["Location"].startswith(reverse("login"))


def test_a_get_signs_nobody_out(client, editor_a):
    client.force_login(editor_a)
    assert client.get(LOGOUT).status_code == 405
    assert client.get(reverse("home")).status_code == 200


def test_the_address_to_go_to_after_stays_on_the_site(client, editor_a):
    client.force_login(editor_a)
    response = client.post(LOGOUT, {"next": "https://evil.example/login/"})
    assert response["Location"] == reverse("login")


def test_someone_who_has_not_given_their_second_factor_can_sign_out(client, committee_member):
    client.force_login_password_only(committee_member)
    assert client.get(reverse("home"))["Location"].startswith(reverse("agencies:two_factor_verify"))
    response = client.post(LOGOUT)
    assert response["Location"] == reverse("login")
    assert "_auth_user_id" not in client.session


def test_signing_out_when_signed_out_does_no_harm(client):
    assert client.post(LOGOUT)["Location"] == reverse("login")
