"""Power is granted, never taken: the standards administrator manages the
catalogue, agencies and cohorts, reads roles and invites an agency's first
head — but gives no role to anyone, least of all itself. Every grant is in
the history it can read."""

import pytest
from django.urls import reverse

from agencies import services
from agencies.models import Agency, InstituteRole, Invitation, Membership

pytestmark = pytest.mark.django_db


def test_the_standards_admin_cannot_add_a_membership_in_the_admin(client, standards_admin, agency_a):
    client.force_login(standards_admin)
    add = reverse("admin:agencies_membership_add")
    assert client.get(add).status_code == 403
    response = client.post(add, {"user": standards_admin.pk, "agency": agency_a.pk, "role": "head"})
    assert response.status_code == 403
    assert not Membership.objects.filter(user=standards_admin).exists()
    # It reads them, and people are not its business at all.
    assert client.get(reverse("admin:agencies_membership_changelist")).status_code == 200
    assert client.get(reverse("admin:auth_user_changelist")).status_code == 403
    assert client.get(reverse("admin:auth_user_change", args=[standards_admin.pk])).status_code == 403
    # The catalogue and agencies are.
    assert client.get(reverse("admin:agencies_agency_changelist")).status_code == 200


def test_not_even_a_superuser_grants_itself_a_role(client, agency_a, django_user_model):
    boss = django_user_model.objects.create_superuser("boss", password="x")
    client.force_login(boss)
    response = client.post(
        reverse("admin:agencies_instituterole_add"), {"user": boss.pk, "role": "committee"}
    )
    assert response.status_code == 200
    assert "ไม่มีใครให้บทบาทแก่ตนเองได้" in response.content.decode()
    assert not InstituteRole.objects.filter(user=boss).exists()
    other = django_user_model.objects.create_user("someone", password="x")
    response = client.post(reverse("admin:agencies_instituterole_add"), {"user": other.pk, "role": "auditor"})
    assert response.status_code == 302
    assert InstituteRole.objects.filter(user=other, role="auditor").exists()


@pytest.fixture
def boss(client, django_user_model):
    """The site's superuser, signed in to the admin."""
    superuser = django_user_model.objects.create_superuser("boss", password="x")
    client.force_login(superuser)
    return superuser


def test_a_role_given_in_the_admin_is_given_by_the_service(client, boss, django_user_model):
    """A standards administrator granted in the admin gets the admin and its
    group, as the service gives them; removed there, loses the group."""
    other = django_user_model.objects.create_user("someone", password="x")
    response = client.post(
        reverse("admin:agencies_instituterole_add"), {"user": other.pk, "role": "standards_admin"}
    )
    assert response.status_code == 302
    other.refresh_from_db()
    assert other.is_staff and other.groups.filter(name=services.STANDARDS_ADMIN_GROUP).exists()
    grant = InstituteRole.objects.get(user=other)
    response = client.post(reverse("admin:agencies_instituterole_delete", args=[grant.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert not InstituteRole.objects.filter(user=other).exists()
    assert not other.groups.filter(name=services.STANDARDS_ADMIN_GROUP).exists()


def test_the_admin_never_takes_an_agencys_last_head(client, boss, head_a, editor_a):
    head = Membership.objects.get(user=head_a)
    # Not deleted: neither its delete page nor the bulk action.
    assert client.get(reverse("admin:agencies_membership_delete", args=[head.pk])).status_code == 403
    response = client.post(
        reverse("admin:agencies_membership_changelist"),
        {"action": "delete_selected", "_selected_action": [head.pk], "post": "yes"},
    )
    assert response.status_code == 403
    assert Membership.objects.filter(pk=head.pk).exists()
    # Not demoted either: the form refuses, and nothing changes.
    response = client.post(
        reverse("admin:agencies_membership_change", args=[head.pk]), {"role": Membership.Role.EDITOR}
    )
    assert response.status_code == 200
    assert "ต้องมีหัวหน้าอย่างน้อย" in response.content.decode()
    assert Membership.objects.get(pk=head.pk).role == Membership.Role.HEAD
    # Another member goes as before.
    editor = Membership.objects.get(user=editor_a)
    response = client.post(reverse("admin:agencies_membership_delete", args=[editor.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert not Membership.objects.filter(pk=editor.pk).exists()


def test_removing_both_heads_at_once_keeps_one(client, boss, head_a, agency_a):
    from tests.conftest import member

    member("head_a2", agency_a, Membership.Role.HEAD)
    heads = list(Membership.objects.filter(agency=agency_a, role=Membership.Role.HEAD).order_by("pk"))
    response = client.post(
        reverse("admin:agencies_membership_changelist"),
        {"action": "delete_selected", "_selected_action": [m.pk for m in heads], "post": "yes"},
        follow=True,
    )
    assert "ต้องมีหัวหน้าอย่างน้อย" in response.content.decode()
    assert Membership.objects.filter(agency=agency_a, role=Membership.Role.HEAD).count() == 1


def test_a_persons_page_shows_their_roles_without_changing_them(client, boss, head_a):
    page = client.get(reverse("admin:auth_user_change", args=[head_a.pk])).content.decode()
    assert "สำนักงานจังหวัดลำปาง" in page
    assert 'name="memberships-0-role"' not in page


def test_the_standards_admin_invites_the_first_head_but_never_itself(
    client, standards_admin, second_standards_admin, django_user_model
):
    agency = Agency.objects.create(code="new-agency", name_th="หน่วยงานใหม่", kind="department")
    future_head = django_user_model.objects.create_user("future_head", password="x")
    client.force_login(standards_admin)
    url = reverse("agencies:first_head", args=[agency.code])
    page = client.post(url, {"username": "stdadmin"}).content.decode()
    assert "ไม่มีใครให้บทบาทแก่ตนเองได้" in page
    assert client.post(url, {"username": "future_head"}).status_code == 302
    invitation = Invitation.objects.get(agency=agency)
    assert invitation.role == Membership.Role.HEAD and not Membership.objects.filter(agency=agency).exists()
    services.invitation_confirm(invitation_id=invitation.pk, by=second_standards_admin)
    client.force_login(future_head)
    client.post(reverse("agencies:invitation_answer", args=[invitation.pk]), {"answer": "accept"})
    assert Membership.objects.get(agency=agency).user == future_head
    # Once the agency has a head, the head invites.
    client.force_login(standards_admin)
    assert "หน่วยงานนี้มีหัวหน้าแล้ว" in client.post(url, {"username": "someone"}).content.decode()


def test_only_the_standards_admin_opens_first_head_and_people_history(
    client, head_a, committee_member, agency_a
):
    for user in (head_a, committee_member):
        client.force_login(user)
        assert client.get(reverse("agencies:people_history")).status_code == 404
        assert client.get(reverse("agencies:first_head", args=[agency_a.code])).status_code == 404


def test_every_grant_change_and_removal_is_in_the_history(
    client, standards_admin, agency_a, head_a, django_user_model, django_assert_max_num_queries
):
    person = django_user_model.objects.create_user("person", password="x", first_name="บุคคล")
    client.force_login(head_a)
    client.post(reverse("agencies:members", args=[agency_a.code]), {"username": "person", "role": "viewer"})
    client.force_login(person)
    invitation = Invitation.objects.get(username="person")
    client.post(reverse("agencies:invitation_answer", args=[invitation.pk]), {"answer": "accept"})
    client.force_login(head_a)
    membership = Membership.objects.get(user=person)
    client.post(reverse("agencies:member_change", args=[agency_a.code, membership.pk]), {"role": "editor"})
    client.post(reverse("agencies:member_change", args=[agency_a.code, membership.pk]), {"remove": "1"})
    client.force_login(standards_admin)
    with django_assert_max_num_queries(15):
        response = client.get(reverse("agencies:people_history"))
    records = list(response.context["memberships"])
    person_records = [r for r in records if r.user_id == person.pk]
    assert [r.history_type for r in person_records] == ["-", "~", "+"]
    assert {r.history_user_id for r in person_records} == {person.pk, head_a.pk}
    page = response.content.decode()
    assert "บุคคล" in page and "Head_A" in page
    assert [r.status for r in response.context["invitations"] if r.username == "person"][0] == "accepted"
