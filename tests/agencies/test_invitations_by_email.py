"""Agencies start on their own: a head (or the standards administrator, for
an agency's first head) invites someone without an account by e-mail; the
link lets them choose a username and a password and lands them on the
agency. Links work once, for 14 days, can be sent again or withdrawn, and
only their hash is stored."""

import datetime
import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from agencies import services
from agencies.models import Agency, InstituteRole, Invitation, Membership
from tests.conftest import institute_person

pytestmark = pytest.mark.django_db
JOINER = {
    "username": "somsri",
    "first_name": "สมศรี",
    "last_name": "ใจดี",
    "password1": "ลำปาง-2543-ข้อมูล",
    "password2": "ลำปาง-2543-ข้อมูล",
}


JOIN = reverse("agencies:invitation_join")


def invite(client, head, agency, address="somsri@lampang.go.th", role=Membership.Role.EDITOR, capture=None):
    client.force_login(head)
    with capture(execute=True):
        response = client.post(
            reverse("agencies:members", args=[agency.code]), {"username": address, "role": role}
        )
    assert response.status_code == 302
    return re.search(r"http://testserver(/invitations/welcome/[^/\s]+/)", mail.outbox[-1].body)[1]


def test_a_person_without_an_account_joins_through_the_link(
    client, head_a, agency_a, django_capture_on_commit_callbacks
):
    link = invite(client, head_a, agency_a, capture=django_capture_on_commit_callbacks)
    message = mail.outbox[-1]
    assert message.to == ["somsri@lampang.go.th"] and "สำนักงานจังหวัดลำปาง" in message.subject
    secret = link.rstrip("/").rsplit("/", 1)[1]
    invitation = Invitation.objects.get(email="somsri@lampang.go.th")
    assert secret not in str(Invitation.objects.filter(pk=invitation.pk).values().get())
    client.logout()
    page = client.get(link, follow=True)
    assert page.redirect_chain == [(JOIN, 302)]  # the secret leaves the address
    assert page.status_code == 200 and "สำนักงานจังหวัดลำปาง" in page.content.decode()
    weak = client.post(JOIN, {**JOINER, "password1": "123", "password2": "123"})
    assert weak.status_code == 200 and 'value="somsri"' in weak.content.decode()
    assert not get_user_model().objects.filter(username="somsri").exists()
    joined = client.post(JOIN, JOINER)
    assert joined["Location"] == reverse("home") + f"#agency-{agency_a.code}"
    person = get_user_model().objects.get(username="somsri")
    assert person.email == "somsri@lampang.go.th" and person.check_password(JOINER["password1"])
    assert Membership.objects.get(user=person, agency=agency_a).role == Membership.Role.EDITOR
    assert client.get(reverse("home")).status_code == 200  # signed in
    client.logout()
    assert client.get(link).status_code == 404  # the link works once


def test_a_link_expires_and_a_new_one_replaces_it(
    client, head_a, agency_a, django_capture_on_commit_callbacks
):
    old = invite(client, head_a, agency_a, capture=django_capture_on_commit_callbacks)
    invitation = Invitation.objects.get(email="somsri@lampang.go.th")
    Invitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    assert client.get(old).status_code == 404
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("agencies:invitation_resend", args=[agency_a.code, invitation.pk]))
    new = re.search(r"http://testserver(/invitations/welcome/[^/\s]+/)", mail.outbox[-1].body)[1]
    assert new != old
    assert client.get(old).status_code == 404
    assert client.get(new, follow=True).status_code == 200


def test_a_withdrawn_invitation_leaves_a_dead_link(
    client, head_a, agency_a, django_capture_on_commit_callbacks
):
    link = invite(client, head_a, agency_a, capture=django_capture_on_commit_callbacks)
    invitation = Invitation.objects.get(email="somsri@lampang.go.th")
    client.post(reverse("agencies:invitation_withdraw", args=[agency_a.code, invitation.pk]))
    assert client.get(link).status_code == 404
    assert "ลิงก์นี้ใช้ไม่ได้แล้ว" in client.get(link).content.decode()  # this link no longer works


def test_an_address_that_is_not_one_is_said_so(client, head_a, agency_a):
    client.force_login(head_a)
    response = client.post(
        reverse("agencies:members", args=[agency_a.code]), {"username": "a@b@c", "role": "editor"}
    )
    assert response.status_code == 200 and "ไม่ใช่ที่อยู่อีเมล" in response.content.decode()
    assert mail.outbox == []


def test_the_standards_administrator_starts_an_agency_with_its_first_head(
    client, standards_admin, django_capture_on_commit_callbacks
):
    agency = Agency.objects.create(
        code="new-office", name_th="สำนักงานใหม่", kind=Agency.Kind.PROVINCIAL_OFFICE
    )
    client.force_login(standards_admin)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("agencies:first_head", args=[agency.code]), {"username": "Head@New.go.th"})
    assert mail.outbox == []  # until a second person confirms (test_invitation_ownership.py)
    with django_capture_on_commit_callbacks(execute=True):
        services.invitation_confirm(
            invitation_id=Invitation.objects.get(agency=agency).pk,
            by=institute_person("stdadmin2", InstituteRole.Role.STANDARDS_ADMIN),
        )
    link = re.search(r"https?://[^/\s]+(/invitations/welcome/[^/\s]+/)", mail.outbox[-1].body)[1]
    client.logout()
    client.get(link)
    client.post(JOIN, {**JOINER, "username": "newhead"})
    assert Membership.objects.get(agency=agency).role == Membership.Role.HEAD
    assert Membership.objects.get(agency=agency).user.email == "head@new.go.th"


def test_nobody_else_may_send_a_link_again(client, head_a, agency_a, outsider, editor_a):
    invitation = services.invitation_create(
        agency=agency_a, username="x@lampang.go.th", role="viewer", by=head_a
    )
    for person in (outsider, editor_a):
        client.force_login(person)
        assert (
            client.post(
                reverse("agencies:invitation_resend", args=[agency_a.code, invitation.pk])
            ).status_code
            == 404
        )
