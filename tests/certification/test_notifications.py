"""Notifications reach the right people: a submission the committee members
who may review it (not those of the agency), a decision the agency's head
and editors, each in their language, by e-mail (text and HTML) and in the
app, with links to the page that answers them, built from the address the
request came in on."""

import pytest
from django.core import mail
from django.urls import reverse

from agencies.models import InstituteRole, Membership, Notification, Person
from agencies.services import institute_role_grant
from assessment.models import Project
from tests.conftest import institute_person, make_user
from tests.utils import decide

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(head_a, editor_a, viewer_a, committee_member, agency_a):
    for person in (head_a, editor_a, viewer_a, committee_member):
        person.email = f"{person.username}@example.go.th"
        person.save()
    english = institute_person("english_member", InstituteRole.Role.COMMITTEE)
    english.email = "english@example.go.th"
    english.save()
    Person.objects.create(user=english, language="en")
    conflicted = institute_person("member_of_a", InstituteRole.Role.COMMITTEE)
    conflicted.email = "conflicted@example.go.th"
    conflicted.save()
    Membership.objects.create(user=conflicted, agency=agency_a, role=Membership.Role.VIEWER)
    return {"english": english, "conflicted": conflicted}


def submit(client, project, head, capture):
    client.force_login(head)
    with capture(execute=True):
        response = client.post(reverse("certification:submit", args=[project.pk]), {"confirm": "yes"})
    assert response.status_code == 302


def test_a_submission_reaches_the_reviewers_in_their_language(
    client, ready_project, head_a, people, django_capture_on_commit_callbacks
):
    submit(client, ready_project, head_a, django_capture_on_commit_callbacks)
    sent = {message.to[0]: message for message in mail.outbox}
    assert set(sent) == {"committee@example.go.th", "english@example.go.th"}  # not the agency's member
    link = "http://testserver" + reverse("certification:review", args=[ready_project.pk])
    thai, english = sent["committee@example.go.th"], sent["english@example.go.th"]
    assert "ยื่นขอการรับรอง" in thai.subject and link in thai.body
    assert "submitted P.S.O. 1101 for certification" in english.subject
    assert "Lampang Provincial Office" in english.body
    assert f'href="{link}"' in english.alternatives[0][0]
    titles = dict(Notification.objects.values_list("user__username", "title"))
    assert set(titles) == {"committee", "english_member"}


def test_a_request_for_changes_reaches_the_head_and_editors_with_the_comments(
    client, submitted_project, committee_member, people, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    client.force_login(committee_member)
    with django_capture_on_commit_callbacks(execute=True):
        decide(client, submitted_project, "request_changes", reason="โปรดเพิ่มหลักฐาน")
    assert sorted(message.to[0] for message in mail.outbox) == [
        "editor_a@example.go.th",
        "head_a@example.go.th",
    ]
    message = mail.outbox[0]
    assert reverse("certification:committee_view", args=[submitted_project.pk]) in message.body
    assert "โปรดเพิ่มหลักฐาน" in message.body
    assert not Notification.objects.filter(user__username="viewer_a").exists()


def test_a_resubmission_says_what_changed(
    client, submitted_project, committee_member, head_a, editor_a, people, django_capture_on_commit_callbacks
):
    client.force_login(committee_member)
    decide(client, submitted_project, "request_changes", reason="โปรดแก้วิสัยทัศน์")
    assert Project.objects.get(pk=submitted_project.pk).status == Project.Status.CHANGES_REQUESTED
    from tests.utils import page_form_data, step_url

    client.force_login(editor_a)
    data = page_form_data(client.get(step_url(submitted_project, 1)), "form")
    data["vision"] = "วิสัยทัศน์ที่แก้ไขแล้ว"
    assert client.post(step_url(submitted_project, 1), data).status_code == 302
    mail.outbox.clear()
    submit(client, submitted_project, head_a, django_capture_on_commit_callbacks)
    thai = next(message for message in mail.outbox if message.to == ["committee@example.go.th"])
    assert "อีกครั้ง" in thai.subject  # resubmitted
    assert "มีการแก้ไข 1 รายการหลังคณะกรรมการขอ" in thai.body


def test_the_language_a_person_chooses_is_kept_for_their_mail(client, editor_a):
    client.force_login(editor_a)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert Person.objects.get(user=editor_a).language == "en"
    client.post(reverse("set_language"), {"language": "xx", "next": "/"})
    assert Person.objects.get(user=editor_a).language == "en"


def test_notifications_in_the_app_are_read_one_by_one_or_all(client, editor_a, outsider):
    first = Notification.objects.create(user=editor_a, title="หนึ่ง", url="/projects/1/")
    Notification.objects.create(user=editor_a, title="สอง", url="/projects/2/")
    theirs = Notification.objects.create(user=outsider, title="ของคนอื่น", url="/")
    client.force_login(editor_a)
    page = client.get(reverse("home")).content.decode()
    assert 'id="nav-notifications"' in page and ">2<" in page
    listing = client.get(reverse("agencies:notifications")).content.decode()
    assert "หนึ่ง" in listing and "ของคนอื่น" not in listing
    opened = client.post(reverse("agencies:notifications_read"), {"notification": first.pk})
    assert opened["Location"] == "/projects/1/"
    assert client.post(reverse("agencies:notifications_read"), {"notification": theirs.pk}).status_code == 404
    client.post(reverse("agencies:notifications_read"))
    assert not Notification.objects.filter(user=editor_a, read_at__isnull=True).exists()
    assert Notification.objects.get(pk=theirs.pk).read_at is None


def test_nobody_without_a_role_is_told(ready_project, head_a):
    from certification import notifications

    make_user("nobody")
    institute_role_grant(user=head_a, role=InstituteRole.Role.COMMITTEE)  # a head who joins the committee
    assert head_a not in notifications.reviewers(ready_project)
