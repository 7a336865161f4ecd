"""An invitation belongs to its person (issue 22): a username invitation to
the account that had the username when it was made, an e-mail invitation
to whoever holds its link. Each test here reproduces a way the review took
someone else's invitation, and shows it refused."""

import logging
import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse

from agencies import services
from agencies.models import AccessEvent, Agency, Invitation, Membership

pytestmark = pytest.mark.django_db
JOIN = reverse("agencies:invitation_join")


def joiner(username: str, **extra) -> dict:
    return {
        "username": username,
        "first_name": "สมศรี",
        "last_name": "ใจดี",
        "password1": "ลำปาง-2543-ข้อมูล",
        "password2": "ลำปาง-2543-ข้อมูล",
        **extra,
    }


def link_in_last_mail() -> str:
    return re.search(r"https?://[^/\s]+(/invitations/welcome/[^/\s]+/)", mail.outbox[-1].body)[1]


def email_invite(agency, head, address, role, capture) -> str:
    with capture(execute=True):
        services.invitation_create(agency=agency, username=address, role=role, by=head)
    return link_in_last_mail()


def test_a_username_that_is_an_address_cannot_take_an_e_mail_invitation(
    client, agency_a, agency_b, head_a, django_capture_on_commit_callbacks
):
    """The review's reproduction: invited to another agency, the attacker
    joined as ``victim.editor@example.org`` and accepted Lampang's
    invitation to that address from the home page."""
    head_b = Membership.objects.create(
        agency=agency_b, user=get_user_model().objects.create_user("head_b"), role="head"
    ).user
    email_invite(agency_a, head_a, "victim.editor@example.org", "editor", django_capture_on_commit_callbacks)
    victims_link = link_in_last_mail()
    attackers_link = email_invite(
        agency_b, head_b, "attacker@example.org", "viewer", django_capture_on_commit_callbacks
    )
    client.get(attackers_link)
    refused = client.post(JOIN, joiner("victim.editor@example.org"))
    assert refused.status_code == 200 and 'value="victim.editor@example.org"' in refused.content.decode()
    assert not get_user_model().objects.filter(username="victim.editor@example.org").exists()
    # Even an account that has the address as its username (made in the admin) gets nothing.
    squatter = get_user_model().objects.create_user("victim.editor@example.org", password="x")
    client.force_login(squatter)
    assert not client.get(reverse("home")).context["invitations"]
    invitation = Invitation.objects.get(agency=agency_a)
    answer = client.post(reverse("agencies:invitation_answer", args=[invitation.pk]), {"answer": "accept"})
    assert answer.status_code == 404
    assert not Membership.objects.filter(user=squatter).exists()
    # The real invitee's link still works.
    client.logout()
    assert client.get(victims_link, follow=True).status_code == 200
    client.post(JOIN, joiner("victim_editor"))
    assert Membership.objects.get(agency=agency_a, user__username="victim_editor").role == "editor"


def test_a_username_invited_before_its_account_exists_cannot_be_taken(
    client, agency_a, agency_b, head_a, outsider, django_capture_on_commit_callbacks
):
    """Invited as head by a username nobody has yet: whoever later takes the
    username is not the person invited."""
    client.force_login(head_a)
    client.post(reverse("agencies:members", args=[agency_a.code]), {"username": "newcomer", "role": "head"})
    invitation = Invitation.objects.get(username="newcomer")
    assert invitation.user is None
    head_b = Membership.objects.create(
        agency=agency_b, user=get_user_model().objects.create_user("head_b"), role="head"
    ).user
    link = email_invite(agency_b, head_b, "someone@example.org", "viewer", django_capture_on_commit_callbacks)
    client.logout()
    client.get(link)
    for taken in ("newcomer", "NewComer"):
        page = client.post(JOIN, joiner(taken)).content.decode()
        assert "ชื่อผู้ใช้นี้ใช้ไม่ได้" in page  # this username cannot be used
    # An account made with the name some other way is still not the one invited.
    late = get_user_model().objects.create_user("newcomer", password="x")
    client.force_login(late)
    assert not client.get(reverse("home")).context["invitations"]
    answer = client.post(reverse("agencies:invitation_answer", args=[invitation.pk]), {"answer": "accept"})
    assert answer.status_code == 404
    assert not Membership.objects.filter(user=late).exists()


def test_the_join_form_does_not_tell_which_usernames_exist(
    client, agency_a, head_a, editor_a, django_capture_on_commit_callbacks
):
    Invitation.objects.create(agency=agency_a, username="reserved_name", role="viewer", invited_by=head_a)
    link = email_invite(agency_a, head_a, "new@example.org", "viewer", django_capture_on_commit_callbacks)
    client.get(link)
    answers = set()
    for username in ("editor_a", "EDITOR_A", "reserved_name"):
        response = client.post(JOIN, joiner(username))
        answers.add(str(response.context["form"].errors["username"]))
    assert len(answers) == 1


def test_names_are_cleaned_like_any_free_text(client, agency_a, head_a, django_capture_on_commit_callbacks):
    link = email_invite(agency_a, head_a, "new@example.org", "viewer", django_capture_on_commit_callbacks)
    client.get(link)
    for name in ("สมศรี\r\nBcc: everyone@example.org", "สม\x00ศรี"):
        response = client.post(JOIN, joiner("somsri", first_name=name))
        assert response.status_code == 200 and "first_name" in response.context["form"].errors
    assert not get_user_model().objects.filter(username="somsri").exists()
    client.post(JOIN, joiner("somsri", first_name="  สมศรี  "))
    assert get_user_model().objects.get(username="somsri").first_name == "สมศรี"


def test_the_secret_leaves_the_address_and_no_log_keeps_it(
    client, agency_a, head_a, django_capture_on_commit_callbacks, caplog
):
    link = email_invite(agency_a, head_a, "new@example.org", "viewer", django_capture_on_commit_callbacks)
    secret = link.rstrip("/").rsplit("/", 1)[1]
    response = client.get(link)
    assert response.status_code == 302 and response["Location"] == JOIN
    page = client.get(JOIN)
    assert page.status_code == 200 and secret not in page.content.decode()
    client.post(JOIN, joiner("somsri"))
    with caplog.at_level(logging.INFO):
        assert client.get(link).status_code == 404  # used: Django logs the path of a 404
        client.get(reverse("password_reset_confirm", args=["MQ", "set-abc123"]))
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "/invitations/welcome/" in logged and secret not in logged and "abc123" not in logged
    AccessEvent.objects.create(action=AccessEvent.Action.EXPORT, path="/x/")  # the table is in use
    from agencies import audit

    request = response.wsgi_request
    request.path_info = request.path = link
    audit.record(request, AccessEvent.Action.EXPORT, "probe")
    assert secret not in AccessEvent.objects.latest("pk").path


def test_a_person_with_an_account_accepts_an_e_mail_invitation_with_it(
    client, agency_a, head_a, outsider, django_capture_on_commit_callbacks
):
    link = email_invite(
        agency_a, head_a, "b.editor@example.org", "viewer", django_capture_on_commit_callbacks
    )
    client.force_login(outsider)
    client.get(link)
    page = client.get(JOIN).content.decode()
    assert 'name="username"' not in page and "editor_b" in page
    client.post(JOIN)
    assert Membership.objects.get(agency=agency_a, user=outsider).role == "viewer"
    assert Invitation.objects.get(agency=agency_a).user == outsider
    assert client.get(link).status_code == 404  # once


# A first head needs a second institute person --------------------------------------


@pytest.fixture
def new_agency(db):
    return Agency.objects.create(code="new-office", name_th="สำนักงานใหม่", kind=Agency.Kind.PROVINCIAL_OFFICE)


def test_nobody_accepts_an_invitation_they_made_or_confirmed(
    client, standards_admin, second_standards_admin, new_agency, django_capture_on_commit_callbacks
):
    invitation = services.first_head_invite(
        agency=new_agency, username="head@new.example", by=standards_admin
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.invitation_confirm(invitation_id=invitation.pk, by=second_standards_admin)
    link = link_in_last_mail()
    for person in (standards_admin, second_standards_admin):
        client.force_login(person)
        client.get(link)
        response = client.post(JOIN, follow=True)
        assert "ไม่มีใครให้บทบาทแก่ตนเองได้" in response.content.decode()
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.PENDING
    assert not Membership.objects.filter(agency=new_agency).exists()


def test_the_standards_administrator_cannot_invite_its_own_address(client, standards_admin, new_agency):
    standards_admin.email = "Std.Admin@pso.go.th"
    standards_admin.save()
    client.force_login(standards_admin)
    page = client.post(
        reverse("agencies:first_head", args=[new_agency.code]), {"username": "std.admin@PSO.go.th"}
    ).content.decode()
    assert "ไม่มีใครให้บทบาทแก่ตนเองได้" in page
    assert not Invitation.objects.exists() and mail.outbox == []


def test_a_first_head_takes_effect_only_when_a_second_person_confirms(
    client, standards_admin, second_standards_admin, new_agency, django_capture_on_commit_callbacks
):
    """The review's reproduction: the standards administrator invited an
    address of its own as a first head and joined as a second account."""
    client.force_login(standards_admin)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("agencies:first_head", args=[new_agency.code]), {"username": "second@me.example"})
    invitation = Invitation.objects.get(agency=new_agency)
    assert invitation.awaiting_confirmation and mail.outbox == []  # nothing to follow yet
    history = client.get(reverse("agencies:people_history")).content.decode()
    assert 'id="awaiting-confirmation"' in history
    assert reverse("agencies:invitation_confirm", args=[invitation.pk]) not in history
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("agencies:invitation_confirm", args=[invitation.pk]))
    invitation.refresh_from_db()
    assert invitation.awaiting_confirmation and mail.outbox == []  # not by its maker
    with django_capture_on_commit_callbacks(execute=True):
        resend = client.post(reverse("agencies:invitation_resend", args=[new_agency.code, invitation.pk]))
    assert resend.status_code == 302 and mail.outbox == []
    client.force_login(second_standards_admin)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("agencies:invitation_confirm", args=[invitation.pk]))
    invitation.refresh_from_db()
    assert invitation.confirmed_by == second_standards_admin and len(mail.outbox) == 1
    client.logout()
    client.get(link_in_last_mail())
    client.post(JOIN, joiner("newhead"))
    assert Membership.objects.get(agency=new_agency).user.username == "newhead"


def test_a_username_first_head_is_seen_only_once_confirmed(
    client, standards_admin, second_standards_admin, new_agency, django_user_model
):
    future_head = django_user_model.objects.create_user("future_head", password="x")
    services.first_head_invite(agency=new_agency, username="future_head", by=standards_admin)
    invitation = Invitation.objects.get(agency=new_agency)
    client.force_login(future_head)
    assert not client.get(reverse("home")).context["invitations"]
    accept = reverse("agencies:invitation_answer", args=[invitation.pk])
    assert client.post(accept, {"answer": "accept"}).status_code == 404
    services.invitation_confirm(invitation_id=invitation.pk, by=second_standards_admin)
    assert list(client.get(reverse("home")).context["invitations"]) == [invitation]
    client.post(accept, {"answer": "accept"})
    assert Membership.objects.get(agency=new_agency).user == future_head


def test_only_an_institute_person_confirms_and_never_the_one_invited(
    client, standards_admin, second_standards_admin, new_agency, head_a, committee_member, django_user_model
):
    invitation = services.first_head_invite(agency=new_agency, username="stdadmin2", by=standards_admin)
    for person in (head_a, committee_member):
        client.force_login(person)
        assert client.post(reverse("agencies:invitation_confirm", args=[invitation.pk])).status_code == 404
    client.force_login(second_standards_admin)
    client.post(reverse("agencies:invitation_confirm", args=[invitation.pk]))
    invitation.refresh_from_db()
    assert invitation.awaiting_confirmation
    boss = django_user_model.objects.create_superuser("boss", password="x")
    services.invitation_confirm(invitation_id=invitation.pk, by=boss)
    invitation.refresh_from_db()
    assert invitation.confirmed_by == boss


def test_the_superuser_confirms_in_the_admin_but_not_what_it_made(
    client, standards_admin, new_agency, django_user_model
):
    boss = django_user_model.objects.create_superuser("boss", password="x")
    theirs = services.first_head_invite(agency=new_agency, username="head@new.example", by=standards_admin)
    client.force_login(boss)
    changelist = reverse("admin:agencies_invitation_changelist")
    client.post(changelist, {"action": "confirm", "_selected_action": [theirs.pk]})
    theirs.refresh_from_db()
    assert theirs.confirmed_by == boss
    other = Agency.objects.create(code="other-office", name_th="สำนักงานอื่น", kind=Agency.Kind.DEPARTMENT)
    own = Invitation.objects.create(
        agency=other, username="x@other.example", email="x@other.example", role="head",
        invited_by=boss, needs_confirmation=True,
    )  # fmt: skip
    client.post(changelist, {"action": "confirm", "_selected_action": [own.pk]})
    own.refresh_from_db()
    assert own.awaiting_confirmation
