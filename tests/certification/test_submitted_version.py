"""While a project is back with its agency, the committee and auditors read
the version that was submitted — its figures and dossier as issued, with a
note that the agency is revising it — never the agency's live edits."""

import pytest
from django.urls import reverse

from assessment import services as assessment
from assessment.grid import grid_token
from assessment.models import Assessment
from assessment.snapshots import round_cells
from certification import services as certification
from certification.models import IssuedDossier
from tests.pages import agency_pages

pytestmark = pytest.mark.django_db


@pytest.fixture
def revising(submitted_project, committee_member, editor_a, django_capture_on_commit_callbacks):
    """Changes requested; then the agency lowers every level (live total 0)."""
    with django_capture_on_commit_callbacks(execute=True):
        certification.project_decide(
            project_id=submitted_project.pk, user=committee_member, kind="request_changes", reason="แก้ไข"
        )
    latest = assessment.latest_round(submitted_project)
    assessment.round_cells_save(
        project_id=submitted_project.pk,
        round_number=latest.number,
        user=editor_a,
        token=grid_token(round_cells(latest), assessment_round=latest),
        values={cell.pk: (0, "ข้อความแก้ใหม่ของหน่วยงาน") for cell in Assessment.objects.filter(round=latest)},
    )
    latest.refresh_from_db()
    assert str(latest.total_score) == "0.00"
    return submitted_project


def test_institute_readers_are_sent_to_the_submitted_version(client, revising, committee_member, auditor):
    for user in (committee_member, auditor):
        client.force_login(user)
        for url in [u for u in agency_pages(revising) if "/projects/" in u and "dossier" not in u]:
            response = client.get(url)
            assert response.status_code in (302, 404), url
            if response.status_code == 302:
                assert response["Location"] == reverse("certification:submitted", args=[revising.pk]), url
        page = client.get(reverse("certification:submitted", args=[revising.pk])).content.decode()
        assert 'id="revising-note"' in page
        assert 'id="submitted-total">100.00' in page  # as submitted, not the live 0.00
        assert "ข้อความแก้ใหม่ของหน่วยงาน" not in page


def test_the_lists_show_the_submitted_total(client, revising, auditor):
    client.force_login(auditor)
    page = client.get(reverse("certification:audit")).content.decode()
    assert ">100.00<" in page and ">0.00<" not in page


def test_the_dossier_of_the_institute_is_the_issued_one(
    client, revising, auditor, editor_a, django_capture_on_commit_callbacks
):
    client.force_login(auditor)
    response = client.get(reverse("certification:dossier", args=[revising.pk]))
    issued = IssuedDossier.objects.filter(project=revising).order_by("-issued_at", "-pk").first()
    assert response["X-Content-SHA256"] == issued.sha256
    # The agency, meanwhile, previews its live draft.
    client.force_login(editor_a)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("certification:draft_prepare", args=[revising.pk]))
    assert (
        client.get(reverse("certification:dossier", args=[revising.pk]))["Content-Type"] == "application/pdf"
    )


def test_outsiders_do_not_read_the_submitted_version(client, revising, outsider, viewer_a):
    for user in (outsider, viewer_a):
        client.force_login(user)
        assert client.get(reverse("certification:submitted", args=[revising.pk])).status_code == 404
