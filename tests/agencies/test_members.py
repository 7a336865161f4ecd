"""Members join by invitation: the head invites, the person accepts.
Nobody grants themselves a role, and every grant is recorded."""

import pytest
from django.urls import reverse

from agencies.models import Invitation, Membership

pytestmark = pytest.mark.django_db


def url(agency):
    return reverse("agencies:members", args=[agency.code])


def invitation_for(username):
    return Invitation.objects.get(username=username, status=Invitation.Status.PENDING)


def test_the_head_invites_and_the_person_accepts(client, agency_a, head_a, django_user_model):
    newcomer = django_user_model.objects.create_user("newcomer", password="x")
    client.force_login(head_a)
    response = client.post(url(agency_a), {"username": "newcomer", "role": "editor"})
    assert response.status_code == 302
    assert not Membership.objects.filter(user=newcomer).exists()  # not before accepting
    invitation = invitation_for("newcomer")
    client.force_login(newcomer)
    home = client.get(reverse("home")).content.decode()
    assert 'id="my-invitations"' in home and "head_a" in home.lower() or "Head_A" in home
    client.post(reverse("agencies:invitation_answer", args=[invitation.pk]), {"answer": "accept"})
    assert Membership.objects.get(user=newcomer, agency=agency_a).role == "editor"
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.ACCEPTED


def test_an_invitation_can_be_declined_or_withdrawn(client, agency_a, head_a, django_user_model):
    person = django_user_model.objects.create_user("person", password="x")
    client.force_login(head_a)
    client.post(url(agency_a), {"username": "person", "role": "viewer"})
    client.post(
        reverse("agencies:invitation_withdraw", args=[agency_a.code, invitation_for("person").pk]),
    )
    assert Invitation.objects.get(username="person").status == Invitation.Status.WITHDRAWN
    client.post(url(agency_a), {"username": "person", "role": "viewer"})
    client.force_login(person)
    client.post(
        reverse("agencies:invitation_answer", args=[invitation_for("person").pk]), {"answer": "decline"}
    )
    assert not Membership.objects.filter(user=person).exists()


def test_the_answer_is_the_same_whether_or_not_the_username_exists(
    client, agency_a, head_a, django_user_model
):
    django_user_model.objects.create_user("real_person", password="x")
    client.force_login(head_a)
    answers = []
    for username in ("real_person", "nobody_by_that_name"):
        response = client.post(url(agency_a), {"username": username, "role": "editor"}, follow=True)
        assert response.redirect_chain[0][1] == 302
        answers.append([str(message).replace(username, "X") for message in response.context["messages"]])
    assert answers[0] == answers[1] and len(answers[0]) == 1


def test_nobody_invites_themselves_or_changes_their_own_role(client, agency_a, head_a, editor_a):
    client.force_login(head_a)
    page = client.post(url(agency_a), {"username": "head_a", "role": "viewer"}).content.decode()
    assert "ไม่มีใครให้บทบาทแก่ตนเองได้" in page
    own = Membership.objects.get(user=head_a)
    client.post(reverse("agencies:member_change", args=[agency_a.code, own.pk]), {"role": "viewer"})
    own.refresh_from_db()
    assert own.role == "head"
    page = client.post(url(agency_a), {"username": "editor_a", "role": "head"}).content.decode()
    assert "เป็นสมาชิกของหน่วยงานนี้อยู่แล้ว" in page


def test_an_invitation_belongs_to_its_person_only(
    client, agency_a, head_a, editor_a, outsider, django_user_model
):
    django_user_model.objects.create_user("invited", password="x")
    client.force_login(head_a)
    client.post(url(agency_a), {"username": "invited", "role": "head"})
    client.force_login(outsider)
    response = client.post(
        reverse("agencies:invitation_answer", args=[invitation_for("invited").pk]), {"answer": "accept"}
    )
    assert response.status_code == 404
    assert not Membership.objects.filter(user=outsider, agency=agency_a).exists()


def test_the_head_changes_roles_but_the_agency_keeps_a_head(client, agency_a, head_a, editor_a):
    client.force_login(head_a)
    editor = Membership.objects.get(user=editor_a)
    client.post(reverse("agencies:member_change", args=[agency_a.code, editor.pk]), {"role": "viewer"})
    editor.refresh_from_db()
    assert editor.role == "viewer"
    head = Membership.objects.get(user=head_a)
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
    response = client.post(
        reverse("agencies:member_change", args=[agency_a.code, membership.pk]), {"remove": "1"}
    )
    assert response.status_code == 404
    client.force_login(outsider)
    assert client.get(url(agency_a)).status_code == 404
    assert Membership.objects.filter(agency=agency_a).count() == 3


def test_an_institute_person_who_joins_an_agency_is_conflicted_for_its_reviews(
    client, submitted_project, head_a, committee_member
):
    client.force_login(head_a)
    client.post(url(submitted_project.agency), {"username": "committee", "role": "viewer"})
    client.force_login(committee_member)
    assert client.get(reverse("certification:review", args=[submitted_project.pk])).status_code == 200
    client.post(
        reverse("agencies:invitation_answer", args=[invitation_for("committee").pk]), {"answer": "accept"}
    )
    assert client.get(reverse("certification:review", args=[submitted_project.pk])).status_code == 404
    queue = client.get(reverse("certification:committee_queue"))
    assert submitted_project not in list(queue.context["page"])
    assert 'id="conflicts"' in queue.content.decode()


def test_an_invitation_offers_the_least_powerful_role_first():
    from agencies.forms import InvitationForm

    form = InvitationForm()
    assert form.fields["role"].initial == "viewer" and form.fields["role"].choices[0][0] == "viewer"


def test_a_role_that_is_not_offered_is_said_so(client, head_a, viewer_a, agency_a):
    from django.urls import reverse

    from agencies.models import Membership

    membership = Membership.objects.get(user=viewer_a, agency=agency_a)
    client.force_login(head_a)
    response = client.post(
        reverse("agencies:member_change", args=[agency_a.code, membership.pk]),
        {"role": "emperor"},
        follow=True,
    )
    assert "ไม่มีการเปลี่ยนแปลง" in response.content.decode()  # nothing was changed
    membership.refresh_from_db()
    assert membership.role == Membership.Role.VIEWER
