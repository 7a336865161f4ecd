"""Deliberation stays with the committee until it decides (issue 22): the
provisional levels, comments and the reviewer's name of an undecided review
reach neither the agency's history page nor its archive; with the decision
they show what the committee page shows."""

import pytest
from django.urls import reverse

from tests.utils import decide, review_form

pytestmark = pytest.mark.django_db
COMMENT = "หลักฐานความรวดเร็วยังไม่ชัด-ร่าง"


def history_page(client, user, project) -> str:
    client.force_login(user)
    response = client.get(reverse("assessment:history", args=[project.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_an_undecided_review_is_not_in_the_agency_history(
    client, submitted_project, committee_member, head_a, viewer_a, django_capture_on_commit_callbacks
):
    project = submitted_project
    committee_member.first_name = "ผู้พิจารณาลับ"
    committee_member.save()
    client.force_login(committee_member)
    changes = {"level_speed": "2", "comment_speed": COMMENT, "overall_comment": "ความเห็นร่าง"}
    client.post(reverse("certification:review", args=[project.pk]), review_form(client, project, **changes))
    for person in (head_a, viewer_a):
        page = history_page(client, person, project)
        assert COMMENT not in page and "ความเห็นร่าง" not in page and "ผู้พิจารณาลับ" not in page
    assert COMMENT not in history_page(client, committee_member, project)

    client.force_login(committee_member)
    with django_capture_on_commit_callbacks(execute=True):
        decide(client, project, "request_changes", reason="เพิ่มหลักฐานเกณฑ์ความรวดเร็ว")
    page = history_page(client, head_a, project)
    assert COMMENT in page and "ความเห็นร่าง" in page and "ผู้พิจารณาลับ" in page


def test_an_undecided_review_is_not_in_the_agency_archive_but_in_the_operator_s(
    client, submitted_project, committee_member, head_a, viewer_a, django_capture_on_commit_callbacks
):
    import json

    from certification.archive import archive_export

    project = submitted_project
    client.force_login(committee_member)
    changes = {"comment_speed": COMMENT, "overall_comment": "ความเห็นร่าง"}
    client.post(reverse("certification:review", args=[project.pk]), review_form(client, project, **changes))
    for person in (head_a, viewer_a):
        client.force_login(person)
        response = client.get(reverse("certification:archive", args=[project.pk]))
        assert response.status_code == 200
        text = b"".join(response.streaming_content) if response.streaming else response.content
        assert COMMENT.encode() not in text and "ความเห็นร่าง".encode() not in text
    assert archive_export(project).document["reviews"] == []
    operator = archive_export(project, deliberation=True).document
    assert operator["reviews"][0]["overall_comment"] == "ความเห็นร่าง"
    client.force_login(committee_member)
    with django_capture_on_commit_callbacks(execute=True):
        decide(client, project, "request_changes", reason="เพิ่มหลักฐาน")
    decided = json.dumps(archive_export(project).document, ensure_ascii=False)
    assert COMMENT in decided and "ความเห็นร่าง" in decided


def test_an_imported_decided_review_is_in_the_history(
    client, submitted_project, committee_member, head_a, django_capture_on_commit_callbacks
):
    from certification.archive import archive_export, project_archive_import
    from tests.certification.test_archive import empty_installation

    project = submitted_project
    client.force_login(committee_member)
    changes = {"comment_speed": COMMENT}
    client.post(reverse("certification:review", args=[project.pk]), review_form(client, project, **changes))
    with django_capture_on_commit_callbacks(execute=True):
        decide(client, project, "request_changes", reason="เพิ่มหลักฐาน")
    archive = archive_export(project)
    content = archive.content()
    empty_installation()
    (imported,) = project_archive_import(content)
    from assessment.history import project_changes

    subjects = " ".join(entry.subject for entry in project_changes(imported))
    assert "Committee" in subjects or "คณะกรรมการ" in subjects
