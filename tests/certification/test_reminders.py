"""Reminders before a certificate ends: 180, 90 and 30 days and once it has
ended, once each, to the agency's head and editors in their language (and
in the app), not after a renewal has started, as a task."""

import datetime
import io

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from assessment.models import Project
from certification import reminders
from certification import services as review
from certification.models import Certificate

pytestmark = pytest.mark.django_db

VALID_FROM = datetime.date(2025, 10, 9)  # valid until 8 October 2028


@pytest.fixture
def certificate(submitted_project, committee_member, head_a):
    head_a.email = "head@lampang.go.th"
    head_a.save()
    review.project_decide(
        project_id=submitted_project.pk, user=committee_member, kind="certify", valid_from=VALID_FROM
    )
    mail.outbox.clear()
    return Certificate.objects.get()


def days_before_end(certificate, days: int) -> datetime.date:
    return certificate.valid_until - datetime.timedelta(days=days)


def test_each_reminder_point_is_sent_once(certificate):
    assert reminders.send_expiry_reminders(days_before_end(certificate, 200)) == 0
    assert reminders.send_expiry_reminders(days_before_end(certificate, 170)) == 1
    assert reminders.send_expiry_reminders(days_before_end(certificate, 169)) == 0  # already told
    assert reminders.send_expiry_reminders(days_before_end(certificate, 85)) == 1
    assert reminders.send_expiry_reminders(days_before_end(certificate, 20)) == 1
    assert reminders.send_expiry_reminders(days_before_end(certificate, 5)) == 0
    assert reminders.send_expiry_reminders(certificate.valid_until) == 0  # its last day
    assert reminders.send_expiry_reminders(certificate.valid_until + datetime.timedelta(days=1)) == 1  # ended
    assert reminders.send_expiry_reminders(certificate.valid_until + datetime.timedelta(days=2)) == 0
    assert [message.to for message in mail.outbox] == [["head@lampang.go.th"]] * 4
    first, ended = mail.outbox[0], mail.outbox[-1]
    assert certificate.number in first.subject and "170 วัน" in first.subject
    assert "8 ตุลาคม 2571" in first.body
    assert "สิ้นสุดแล้ว" in ended.subject
    assert first.alternatives[0][1] == "text/html" and "<a href=" in first.alternatives[0][0]


def test_a_late_start_sends_only_the_nearest_reminder(certificate):
    assert reminders.send_expiry_reminders(days_before_end(certificate, 25)) == 1
    assert reminders.send_expiry_reminders(days_before_end(certificate, 10)) == 0
    assert len(mail.outbox) == 1


def test_no_reminder_for_a_revoked_certificate_or_once_the_renewal_started(certificate):
    Certificate.objects.filter(pk=certificate.pk).update(
        revoked_at=datetime.datetime(2028, 1, 1, tzinfo=datetime.UTC)
    )
    assert reminders.send_expiry_reminders(days_before_end(certificate, 100)) == 0
    Certificate.objects.filter(pk=certificate.pk).update(revoked_at=None)
    project = certificate.project
    Project.objects.create(
        agency=project.agency,
        standard=project.standard,
        fiscal_year=project.fiscal_year + 3,
        main_budget=project.main_budget,
        secondary_budget=project.secondary_budget,
        support_budget=project.support_budget,
    )
    assert reminders.send_expiry_reminders(days_before_end(certificate, 100)) == 0
    assert mail.outbox == []


def test_the_daily_command_queues_the_task_and_the_task_sends(certificate):
    Certificate.objects.filter(pk=certificate.pk).update(
        valid_until=timezone.localdate() + datetime.timedelta(days=60)
    )
    call_command("send_reminders", stdout=io.StringIO())  # the suite runs tasks at once
    assert len(mail.outbox) == 1
    assert Certificate.objects.get(pk=certificate.pk).reminded_before_days == 90


def test_an_old_certificate_gets_no_ended_notice(certificate):
    """Past the week after its end (a new installation, a long outage) nothing is sent."""
    assert reminders.send_expiry_reminders(certificate.valid_until + datetime.timedelta(days=8)) == 0
