import pytest
from django.urls import reverse

from agencies.models import Membership

pytestmark = pytest.mark.django_db


def url(agency):
    return reverse("agencies:members", args=[agency.code])


def test_the_head_adds_a_member(client, agency_a, head_a, django_user_model):
    django_user_model.objects.create_user("newcomer", password="x")
    client.force_login(head_a)
    response = client.post(url(agency_a), {"username": "newcomer", "role": "editor"})
    assert response.status_code == 302
    assert Membership.objects.get(user__username="newcomer").role == "editor"


def test_unknown_users_and_duplicates_are_refused_with_a_message(client, agency_a, head_a, editor_a):
    client.force_login(head_a)
    page = client.post(url(agency_a), {"username": "nobody", "role": "editor"}).content.decode()
    assert "ไม่มีผู้ใช้ nobody" in page and 'value="nobody"' in page
    page = client.post(url(agency_a), {"username": "editor_a", "role": "viewer"}).content.decode()
    assert "เป็นสมาชิกของหน่วยงานนี้อยู่แล้ว" in page


def test_the_head_changes_roles_but_the_agency_keeps_a_head(client, agency_a, head_a, editor_a):
    client.force_login(head_a)
    editor = Membership.objects.get(user=editor_a)
    client.post(reverse("agencies:member_change", args=[agency_a.code, editor.pk]), {"role": "viewer"})
    editor.refresh_from_db()
    assert editor.role == "viewer"
    head = Membership.objects.get(user=head_a)
    client.post(reverse("agencies:member_change", args=[agency_a.code, head.pk]), {"role": "editor"})
    client.post(reverse("agencies:member_change", args=[agency_a.code, head.pk]), {"remove": "1"})
    head.refresh_from_db()
    assert head.role == "head"


def test_members_see_the_list_but_only_the_head_manages(
    client, agency_a, head_a, editor_a, viewer_a, outsider
):
    client.force_login(editor_a)
    page = client.get(url(agency_a)).content.decode()
    assert "head_a" in page and "member_change" not in page and 'name="remove"' not in page
    assert client.post(url(agency_a), {"username": "editor_b", "role": "head"}).status_code == 404
    membership = Membership.objects.get(user=viewer_a)
    assert (
        client.post(
            reverse("agencies:member_change", args=[agency_a.code, membership.pk]), {"remove": "1"}
        ).status_code
        == 404
    )
    client.force_login(outsider)
    assert client.get(url(agency_a)).status_code == 404
    assert Membership.objects.filter(agency=agency_a).count() == 3
