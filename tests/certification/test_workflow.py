"""Submit → request changes → resubmit → certify; do not certify; conflict
of interest; revocation; expiry; certificate numbering."""

import datetime
import threading

import pytest
from django.core import mail
from django.db import connection
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from agencies.models import Membership
from assessment.models import Project
from certification import services as review
from certification.models import Certificate, Decision, IssuedDossier
from certification.services import project_submit
from tests.utils import decide, review_form

pytestmark = pytest.mark.django_db


def test_submit_request_changes_resubmit_certify(
    client, submitted_project, committee_member, head_a, editor_a, django_capture_on_commit_callbacks
):
    head_a.email = "head@example.go.th"
    head_a.save()
    project = submitted_project
    client.force_login(committee_member)
    page = client.get(reverse("certification:review", args=[project.pk])).content.decode()
    assert 'id="self-total">100.00' in page
    project.refresh_from_db()
    assert project.status == Project.Status.SUBMITTED  # opening the page changes nothing

    changes = {
        "level_speed": "2",
        "comment_speed": "หลักฐานความรวดเร็วยังไม่ชัด",
        "overall_comment": "โปรดเพิ่มหลักฐาน",
    }
    client.post(reverse("certification:review", args=[project.pk]), review_form(client, project, **changes))
    project.refresh_from_db()
    assert project.status == Project.Status.UNDER_REVIEW
    page = client.get(reverse("certification:review", args=[project.pk])).content.decode()
    assert 'id="committee-total" aria-live="polite">96.67' in page  # 100 − 10·(1/3)

    with django_capture_on_commit_callbacks(execute=True):
        response = decide(client, project, "request_changes", reason="เพิ่มหลักฐานเกณฑ์ความรวดเร็ว")
    assert response.status_code == 302
    project.refresh_from_db()
    assert project.status == Project.Status.CHANGES_REQUESTED
    assert mail.outbox[-1].to == ["head@example.go.th"]

    # The agency sees the comment on the step it concerns and can edit again.
    client.force_login(editor_a)
    step6 = client.get(reverse("assessment:round", args=[project.pk, 1])).content.decode()
    assert "หลักฐานความรวดเร็วยังไม่ชัด" in step6
    assert "level-select" in step6

    project_submit(project_id=project.pk, user=head_a)
    assert project.reviews.count() == 2
    client.force_login(committee_member)
    today = timezone.localdate()
    with django_capture_on_commit_callbacks(execute=True):
        decide(client, project, "certify", valid_from=today.isoformat())
    project.refresh_from_db()
    assert project.status == Project.Status.CERTIFIED
    certificate = project.certificate
    assert certificate.number == f"PSO-1101-{today.year + 543}-0001"
    assert certificate.valid_until == review.validity_end(today)
    assert [d.kind for d in project.decisions.order_by("decided_at")] == ["request_changes", "certify"]
    occasions = list(
        IssuedDossier.objects.filter(project=project, kind="dossier").values_list("occasion", flat=True)
    )
    assert occasions.count("submission") == 2 and occasions.count("decision") == 2
    assert IssuedDossier.objects.get(project=project, kind="certificate").occasion == "decision"


def test_not_certifying_needs_a_reason(client, submitted_project, committee_member):
    client.force_login(committee_member)
    response = decide(client, submitted_project, "not_certify", reason="")
    assert "โปรดระบุเหตุผลที่ไม่รับรอง" in response.content.decode()
    submitted_project.refresh_from_db()
    assert submitted_project.status != Project.Status.NOT_CERTIFIED
    decide(client, submitted_project, "not_certify", reason="หลักฐานไม่เพียงพอ")
    submitted_project.refresh_from_db()
    assert submitted_project.status == Project.Status.NOT_CERTIFIED
    assert not Certificate.objects.exists()


def test_a_decision_needs_confirmation(client, submitted_project, committee_member):
    client.force_login(committee_member)
    response = decide(client, submitted_project, "certify", confirm=False)
    assert "ทำเครื่องหมายยืนยัน" in response.content.decode()
    assert not Decision.objects.exists()


def test_a_member_of_the_agency_cannot_review_it(client, submitted_project, committee_member, agency_a):
    Membership.objects.create(user=committee_member, agency=agency_a, role=Membership.Role.VIEWER)
    client.force_login(committee_member)
    assert client.get(reverse("certification:review", args=[submitted_project.pk])).status_code == 404
    assert decide(client, submitted_project, "certify").status_code == 404
    with pytest.raises(Http404):
        review.project_decide(project_id=submitted_project.pk, user=committee_member, kind="certify")
    assert submitted_project.pk not in [
        p.pk for p in client.get(reverse("certification:committee_queue")).context["page"]
    ]


def test_only_committee_members_review(client, submitted_project, auditor, head_a):
    for user in (auditor, head_a):
        client.force_login(user)
        assert client.get(reverse("certification:review", args=[submitted_project.pk])).status_code == 404
        assert decide(client, submitted_project, "certify").status_code == 404


def test_drafts_are_not_reviewable(client, ready_project, committee_member):
    client.force_login(committee_member)
    assert client.get(reverse("certification:review", args=[ready_project.pk])).status_code == 404


def test_revocation_needs_a_reason_and_is_recorded(client, submitted_project, committee_member):
    review.project_decide(project_id=submitted_project.pk, user=committee_member, kind="certify")
    certificate = Certificate.objects.get()
    client.force_login(committee_member)
    url = reverse("certification:revoke", args=[certificate.number])
    client.post(url, {"reason": ""})
    certificate.refresh_from_db()
    assert certificate.revoked_at is None
    client.post(url, {"reason": "พบการปลอมแปลงหลักฐาน"})
    certificate.refresh_from_db()
    assert certificate.status == Certificate.Status.REVOKED
    assert certificate.revoked_reason == "พบการปลอมแปลงหลักฐาน"


def test_validity_is_three_years_minus_one_day():
    assert review.validity_end(datetime.date(2001, 10, 9)) == datetime.date(2004, 10, 8)
    assert review.validity_end(datetime.date(2024, 2, 29)) == datetime.date(2027, 2, 27)


def test_expiry_is_computed_from_the_dates(submitted_project, committee_member):
    review.project_decide(
        project_id=submitted_project.pk,
        user=committee_member,
        kind="certify",
        valid_from=datetime.date(2001, 10, 9),
    )
    certificate = Certificate.objects.get()
    assert certificate.status_on(datetime.date(2004, 10, 8)) == Certificate.Status.VALID
    assert certificate.status_on(datetime.date(2004, 10, 9)) == Certificate.Status.EXPIRED
    assert certificate.status == Certificate.Status.EXPIRED


def test_numbers_run_per_standard_and_year():
    day = datetime.date(2026, 11, 22)
    assert review.next_certificate_number(standard_code="1101", day=day) == "PSO-1101-2569-0001"
    assert review.next_certificate_number(standard_code="1101", day=day) == "PSO-1101-2569-0002"
    assert review.next_certificate_number(standard_code="1107", day=day) == "PSO-1107-2569-0001"


@pytest.mark.django_db(transaction=True)
def test_numbering_is_unique_under_concurrent_decisions():
    if connection.vendor == "sqlite":
        pytest.skip("SQLite serialises writers; the race needs a server database")
    from django.db import close_old_connections, transaction

    numbers, errors = [], []
    barrier = threading.Barrier(6)

    def take():
        try:
            barrier.wait()
            with transaction.atomic():
                numbers.append(
                    review.next_certificate_number(standard_code="1101", day=datetime.date(2026, 11, 22))
                )
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            close_old_connections()

    threads = [threading.Thread(target=take) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(numbers) == [f"PSO-1101-2569-{n:04d}" for n in range(1, 7)]


def test_a_certificate_far_from_today_is_refused_with_a_message(client, submitted_project, committee_member):
    client.force_login(committee_member)
    for day in ("9999-12-31", "0001-01-01"):
        response = decide(client, submitted_project, "certify", valid_from=day)
        assert response.status_code == 200
        assert "ใบรับรองต้องเริ่มมีผลภายในหนึ่งปีจากวันนี้" in response.content.decode()
    assert not Certificate.objects.exists()
