"""A certificate as of today, everywhere a certified project shows: valid
with the days left, expiring soon (from the first reminder, 180 days
before its end), expired, or revoked. A certified project whose certificate
ran out does not read as plainly "certified"."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from assessment.models import Project
from certification.models import Certificate
from certification.selectors import projects_with_submitted_total
from certification.services import certificate_revoke, project_decide
from certification.workbooks import list_rows

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def certify(project, committee, valid_from):
    project_decide(project_id=project.pk, user=committee, kind="certify", valid_from=valid_from)
    return Certificate.objects.get(project=project)


@pytest.mark.parametrize(
    ("valid_from", "days_left", "standing"),
    [
        (TODAY, None, "valid"),
        (TODAY - datetime.timedelta(days=3 * 365 - 100), None, "soon"),
        (TODAY - datetime.timedelta(days=4 * 365), None, "expired"),
    ],
)
def test_the_standing_of_a_certificate_follows_the_calendar(
    submitted_project, committee_member, valid_from, days_left, standing
):
    certificate = certify(submitted_project, committee_member, valid_from)
    assert certificate.days_left == (certificate.valid_until - TODAY).days
    assert certificate.expiring_soon is (standing == "soon")
    expected = {"valid": "valid", "soon": "valid", "expired": "expired"}[standing]
    assert certificate.status == expected


def test_home_and_project_pages_say_the_certificate_expired(
    client, submitted_project, committee_member, head_a
):
    certificate = certify(submitted_project, committee_member, TODAY - datetime.timedelta(days=4 * 365))
    client.force_login(head_a)
    home = client.get(reverse("home")).content.decode()
    assert "ใบรับรองหมดอายุ" in home  # certificate expired
    page = client.get(reverse("assessment:project", args=[submitted_project.pk])).content.decode()
    assert "ใบรับรองหมดอายุ" in page
    assert certificate.status == "expired"


def test_days_left_and_expiring_soon_are_shown(client, submitted_project, committee_member, auditor):
    certificate = certify(submitted_project, committee_member, TODAY - datetime.timedelta(days=3 * 365 - 100))
    client.force_login(auditor)
    page = client.get(reverse("certification:audit")).content.decode()
    assert f"เหลือ {certificate.days_left} วัน" in page  # days left
    assert "text-bg-warning" in page
    projects = projects_with_submitted_total(Project.objects.filter(pk=submitted_project.pk))
    rows = list(list_rows(projects.select_related("certificate")))
    assert rows[0][-1] == "ใกล้หมดอายุ"  # expiring soon


def test_a_revoked_certificate_says_so(client, submitted_project, committee_member, head_a):
    certificate = certify(submitted_project, committee_member, TODAY)
    certificate_revoke(certificate_id=certificate.pk, user=committee_member, reason="ยกเลิกตามคำสั่ง")
    client.force_login(head_a)
    assert "ใบรับรองถูกเพิกถอน" in client.get(reverse("home")).content.decode()  # revoked


def test_the_certificate_page_explains_the_year_in_its_number(client, certified, head_a):
    """Issue 23: the number carries the calendar year it takes effect, beside a fiscal-year project."""
    from django.urls import reverse

    client.force_login(head_a)
    page = client.get(reverse("certification:certificate", args=[certified.pk])).content.decode()
    year = certified.certificate.valid_from.year + 543
    assert f"ปีในเลขที่ใบรับรอง ({year})" in page and str(year) in certified.certificate.number
