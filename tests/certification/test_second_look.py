"""The committee's second look (issue 23): a review of a resubmission starts
from the committee's previous levels and comments, marked as carried over
until the committee changes them; the list of what the agency changed since
the request shows the agency's edits only."""

import pytest
from django.urls import reverse

from assessment.models import Project
from certification.models import ReviewCriterion
from certification.services import project_submit
from tests.utils import decide, review_form

pytestmark = pytest.mark.django_db


@pytest.fixture
def returned(client, submitted_project, committee_member, django_capture_on_commit_callbacks):
    project = submitted_project
    client.force_login(committee_member)
    changes = {"level_speed": "2", "comment_speed": "หลักฐานยังไม่ชัด", "overall_comment": "โปรดเพิ่มหลักฐาน"}
    client.post(reverse("certification:review", args=[project.pk]), review_form(client, project, **changes))
    with django_capture_on_commit_callbacks(execute=True):
        decide(client, project, "request_changes", reason="เพิ่มหลักฐานเกณฑ์ความรวดเร็ว")
    project.refresh_from_db()
    assert project.status == Project.Status.CHANGES_REQUESTED
    return project


def test_the_second_review_starts_from_the_first(
    client, returned, head_a, committee_member, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        project_submit(project_id=returned.pk, user=head_a)
    second = returned.reviews.get(number=2)
    row = ReviewCriterion.objects.get(review=second, criterion__code="speed")
    assert (row.level, row.comment, row.carried_over) == (2, "หลักฐานยังไม่ชัด", True)
    assert second.overall_comment == "โปรดเพิ่มหลักฐาน"
    assert not ReviewCriterion.objects.filter(review=second, carried_over=True).exclude(pk=row.pk).exists()
    client.force_login(committee_member)
    changes = {"comment_speed": "หลักฐานครบแล้ว"}
    client.post(reverse("certification:review", args=[returned.pk]), review_form(client, returned, **changes))
    row.refresh_from_db()
    assert (row.comment, row.carried_over) == ("หลักฐานครบแล้ว", False)


def test_what_changed_lists_the_agency_s_edits_only(
    client, returned, head_a, editor_a, committee_member, django_capture_on_commit_callbacks
):
    from tests.utils import page_form_data

    client.force_login(editor_a)
    step1 = reverse("assessment:step", args=[returned.pk, 1])
    data = page_form_data(client.get(step1), "form")
    client.post(step1, {**data, "vision": "วิสัยทัศน์ที่แก้ตามคำขอ"})
    returned.refresh_from_db()
    assert returned.vision == "วิสัยทัศน์ที่แก้ตามคำขอ"
    with django_capture_on_commit_callbacks(execute=True):
        project_submit(project_id=returned.pk, user=head_a)
    client.force_login(committee_member)
    page = client.get(reverse("certification:review", args=[returned.pk]))
    entries = list(page.context["changes_since"])
    assert entries and all(entry.user in ("Editor_A", "Head_A") for entry in entries), [
        (entry.user, entry.subject) for entry in entries
    ]
