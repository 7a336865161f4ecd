"""Every project URL: 404 for the outsider, no writes for the viewer."""

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from assessment.models import Assessment, EvidenceFile, Project
from tests.utils import step_url

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def project_urls(project):
    assessment_round = project.rounds.get()
    cell = assessment_round.cells.first()
    evidence = EvidenceFile(
        cell=cell, original_name="x.pdf", content_type="application/pdf", size=8, sha256="0" * 64
    )
    evidence.file.save("x.pdf", ContentFile(b"%PDF-1.4"))
    return [
        reverse("assessment:project", args=[project.pk]),
        reverse("assessment:history", args=[project.pk]),
        reverse("certification:archive", args=[project.pk]),
        reverse("assessment:results", args=[project.pk]),
        reverse("assessment:round_current", args=[project.pk]),
        reverse("assessment:round", args=[project.pk, 1]),
        reverse("assessment:cell", args=[project.pk, 1, cell.pk]),
        reverse("assessment:evidence", args=[project.pk, evidence.pk]),
        *[step_url(project, number) for number in range(1, 10)],
    ]


WRITE_URLS = [
    ("assessment:step", [1], {"vision": "เขียนทับ"}),
    ("assessment:step", [2], {"mission_statement": "x", "goals": "x", "objectives": "x"}),
    ("assessment:step", [3], {"main_budget": "50", "secondary_budget": "40", "support_budget": "10"}),
    ("assessment:step", [4], {"weight_coverage": "100"}),
    ("assessment:step", [5], {"indicators-TOTAL_FORMS": "0", "indicators-INITIAL_FORMS": "0"}),
    ("assessment:round", [1], {}),
    ("assessment:round_start", [], {}),
]


def test_outsider_gets_404_on_every_project_url(client, filled_project, outsider):
    client.force_login(outsider)
    for url in project_urls(filled_project):
        assert client.get(url).status_code == 404, url
        # Read-only pages refuse any POST (405) before looking anything up.
        assert client.post(url, {}).status_code in (404, 405), url


def test_anonymous_users_are_sent_to_login(client, filled_project):
    for url in project_urls(filled_project):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], url


def test_members_read_every_project_url(client, filled_project, viewer_a):
    client.force_login(viewer_a)
    for url in project_urls(filled_project):
        assert client.get(url).status_code in (200, 302), url


def test_committee_and_auditor_never_see_drafts(client, filled_project, committee_member, auditor):
    for user in (committee_member, auditor):
        client.force_login(user)
        assert client.get(reverse("assessment:project", args=[filled_project.pk])).status_code == 404


def snapshot(project):
    project.refresh_from_db()
    return (
        project.vision,
        project.mission_statement,
        project.main_budget,
        list(project.criteria.values_list("weight", flat=True)),
        project.indicators.count(),
        project.rounds.count(),
        list(Assessment.objects.filter(round__project=project).values_list("level", "justification")),
    )


@pytest.mark.parametrize(("name", "args", "data"), WRITE_URLS)
def test_viewer_cannot_write_and_nothing_changes(client, filled_project, viewer_a, name, args, data):
    before = snapshot(filled_project)
    client.force_login(viewer_a)
    response = client.post(reverse(name, args=[filled_project.pk, *args]), data)
    assert response.status_code == 404
    assert snapshot(filled_project) == before


def test_viewer_sees_no_edit_controls(client, filled_project, viewer_a):
    client.force_login(viewer_a)
    page = client.get(reverse("assessment:step", args=[filled_project.pk, 1])).content.decode()
    assert "<fieldset disabled" in page
    assert 'type="submit">บันทึก' not in page


def test_a_submitted_project_refuses_agency_writes_with_a_message(client, filled_project, editor_a):
    Project.objects.filter(pk=filled_project.pk).update(status=Project.Status.SUBMITTED)
    before = snapshot(filled_project)
    client.force_login(editor_a)
    response = client.post(
        reverse("assessment:step", args=[filled_project.pk, 1]), {"vision": "x"}, follow=True
    )
    assert "ไม่สามารถแก้ไข" in response.content.decode()
    assert snapshot(filled_project) == before


def test_the_project_page_leads_to_the_first_step_to_do(client, project, editor_a, viewer_a):
    """A new project's primary button continues the work (issue 23: it was
    "see the results", of a project with no round); a reader gets no such button."""
    from django.urls import reverse

    client.force_login(editor_a)
    page = client.get(reverse("assessment:project", args=[project.pk])).content.decode()
    assert 'id="continue"' in page and reverse("assessment:step", args=[project.pk, 1]) in page
    assert "ดูผลการประเมิน" not in page  # no round yet: no button to see results
    client.force_login(viewer_a)
    assert (
        'id="continue"' not in client.get(reverse("assessment:project", args=[project.pk])).content.decode()
    )
