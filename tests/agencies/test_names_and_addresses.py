"""People sign in with their e-mail address or a username, and a Thai name
is a name (issue 23): the join form takes the name in the name fields,
makes a username from the address when none is typed, and says in Thai why
a username of Thai letters is not one."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from agencies import services
from agencies.models import Invitation

pytestmark = pytest.mark.django_db
JOIN = reverse("agencies:invitation_join")
PASSWORD = "ลำปาง-2543-ข้อมูล"


def test_a_person_signs_in_with_the_address_of_the_account(client, editor_a):
    editor_a.email = "Suda@Lampang.go.th"
    editor_a.save()
    response = client.post(reverse("login"), {"username": "suda@lampang.go.th", "password": "pw-editor_a"})
    assert response.status_code == 302 and client.session["_auth_user_id"] == str(editor_a.pk)


def test_an_address_two_accounts_share_signs_nobody_in(client, editor_a, viewer_a):
    for person in (editor_a, viewer_a):
        person.email = "office@lampang.go.th"
        person.save()
    response = client.post(reverse("login"), {"username": "office@lampang.go.th", "password": "pw-editor_a"})
    assert response.status_code == 200 and "_auth_user_id" not in client.session
    assert 'value="office@lampang.go.th"' in response.content.decode()


def joining(client, agency, head, address="pranee@lampang.go.th"):
    services.invitation_create(agency=agency, username=address, role="viewer", by=head)
    Invitation.objects.filter(email=address).update(token_hash=services._hash("a-secret"))
    client.get(reverse("agencies:invitation_welcome", args=["a-secret"]))


def test_a_username_is_made_from_the_address_when_none_is_typed(client, agency_a, head_a):
    get_user_model().objects.create_user("pranee")
    joining(client, agency_a, head_a)
    data = {"first_name": "ปราณี", "last_name": "ใจงาม", "password1": PASSWORD, "password2": PASSWORD}
    assert client.post(JOIN, {**data, "username": ""}).status_code == 302
    person = get_user_model().objects.get(email="pranee@lampang.go.th")
    assert person.username == "pranee2" and person.first_name == "ปราณี"
    client.logout()
    response = client.post(reverse("login"), {"username": "pranee@lampang.go.th", "password": PASSWORD})
    assert response.status_code == 302


def test_a_thai_username_is_refused_in_thai_and_the_rest_is_kept(client, agency_a, head_a):
    joining(client, agency_a, head_a)
    data = {"first_name": "ปราณี", "last_name": "ใจงาม", "password1": PASSWORD, "password2": PASSWORD}
    response = client.post(JOIN, {**data, "username": "ปราณี"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "ชื่อภาษาไทยของท่านใส่ในช่องชื่อ" in page
    assert 'value="ปราณี"' in page and 'value="ใจงาม"' in page
