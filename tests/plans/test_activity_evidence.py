"""A file attached to a progress update (step 8) is downloaded from the
activity's page, under the name it was uploaded with, by whoever reads the
project, and by nobody else; each download is in the access log."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from agencies.models import AccessEvent
from plans.models import Activity, ActivityEvidence

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n% minutes of the working group\n%%EOF\n"


def evidence_url(project, evidence):
    return reverse("plans:activity_evidence", args=[project.pk, evidence.pk])


def attach(client, project, editor, name="รายงานการประชุม.pdf"):
    """Upload a file with a progress update, as the activity's page does."""
    activity = Activity.objects.filter(plan__project=project).order_by("pk").first()
    client.force_login(editor)
    response = client.post(
        reverse("plans:activity", args=[project.pk, activity.pk]),
        {"status": "in_progress", "percent": "40", "date": "2025-08-20", "note": "ประชุมแล้ว",
         "file": SimpleUploadedFile(name, PDF, content_type="application/pdf")},
    )  # fmt: skip
    assert response.status_code == 302, response.status_code
    return activity, ActivityEvidence.objects.get(original_name=name)


def test_the_activity_page_links_the_file_and_a_viewer_downloads_it_as_uploaded(
    client, planned_project, editor_a, viewer_a
):
    activity, evidence = attach(client, planned_project, editor_a)
    client.force_login(viewer_a)
    page = client.get(reverse("plans:activity", args=[planned_project.pk, activity.pk])).content.decode()
    assert evidence_url(planned_project, evidence) in page and "รายงานการประชุม.pdf" in page
    response = client.get(evidence_url(planned_project, evidence))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "filename*=utf-8''" in response["Content-Disposition"]  # the Thai name, encoded


def test_each_download_is_in_the_access_log(client, planned_project, editor_a, head_a):
    _activity, evidence = attach(client, planned_project, editor_a)
    client.force_login(head_a)
    client.get(evidence_url(planned_project, evidence))
    event = AccessEvent.objects.get(user=head_a, action=AccessEvent.Action.EVIDENCE)
    assert event.subject.endswith("รายงานการประชุม.pdf")


def test_an_outsider_gets_404_and_nothing_is_logged(client, planned_project, editor_a, outsider):
    _activity, evidence = attach(client, planned_project, editor_a)
    client.force_login(outsider)
    assert client.get(evidence_url(planned_project, evidence)).status_code == 404
    assert not AccessEvent.objects.filter(user=outsider).exclude(action=AccessEvent.Action.SIGN_IN).exists()


def test_a_file_is_reached_only_through_its_own_project(
    client, planned_project, editor_a, outsider, agency_b, catalogue
):
    """Another agency's project, which its editor may read, is no way to the file."""
    from agencies.models import Standard
    from assessment.services import project_create

    _activity, evidence = attach(client, planned_project, editor_a)
    theirs = project_create(
        agency=agency_b, standard=Standard.objects.get(code="1101"), fiscal_year=2025, user=outsider
    )
    client.force_login(outsider)
    assert client.get(evidence_url(theirs, evidence)).status_code == 404


def test_a_file_missing_from_storage_is_a_404_not_an_error(client, planned_project, editor_a):
    _activity, evidence = attach(client, planned_project, editor_a)
    evidence.file.storage.delete(evidence.file.name)
    assert client.get(evidence_url(planned_project, evidence)).status_code == 404


def test_the_committee_reads_the_files_once_the_project_is_submitted(
    client, ready_project, editor_a, head_a, committee_member
):
    from certification.services import project_submit

    _activity, evidence = attach(client, ready_project, editor_a)
    client.force_login(committee_member)
    assert client.get(evidence_url(ready_project, evidence)).status_code == 404  # a draft: not theirs to read
    project_submit(project_id=ready_project.pk, user=head_a)
    assert client.get(evidence_url(ready_project, evidence)).status_code == 200


def test_a_download_takes_no_post(client, planned_project, editor_a):
    _activity, evidence = attach(client, planned_project, editor_a)
    assert client.post(evidence_url(planned_project, evidence)).status_code == 405
    assert ActivityEvidence.objects.filter(pk=evidence.pk).exists()
