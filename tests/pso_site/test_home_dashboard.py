"""The agency's home page as a dashboard: for each project, how many of
the nine steps are complete and what the next one misses, the latest total
against the target, overdue activities, the committee's open comments and
the certificate's standing — within the query cap."""

import pytest
from django.urls import reverse

from assessment.models import Project
from assessment.progress import progress_refresh
from tests.utils import decide, page_form_data, step_url

pytestmark = pytest.mark.django_db


def home(client, user) -> str:
    client.force_login(user)
    return " ".join(client.get(reverse("home")).content.decode().split())


def test_a_new_project_is_at_step_one(client, project, editor_a):
    assert project.progress["done"] == 0 and project.progress["next"] == 1
    assert "ถัดไป: ขั้นตอนที่ 1" in home(client, editor_a)


def test_a_save_through_a_form_moves_the_progress_on(client, project, editor_a):
    client.force_login(editor_a)
    url = step_url(project, 1)
    data = page_form_data(client.get(url), "form")
    data["vision"] = "เป็นหน่วยงานที่มีประสิทธิภาพ"
    assert client.post(url, data).status_code == 302
    project.refresh_from_db()
    assert project.progress["next"] == 2
    assert project.progress["done"] == 1


def test_the_planned_project_shows_its_step_its_target_and_its_overdue_work(
    client, planned_project, editor_a
):
    progress_refresh(Project.objects.filter(pk=planned_project.pk))
    planned_project.refresh_from_db()
    progress = planned_project.progress
    # Steps 1–7 complete; the short activity ended on 30 Sep 2025 with no progress recorded.
    assert progress["done"] == 7 and progress["next"] == 8
    assert progress["target"] == "100"
    page = home(client, editor_a)
    assert "7 จาก 9 ขั้นตอนเสร็จแล้ว" in page
    assert "กิจกรรมเลยกำหนด 1 รายการ" in page
    assert "/ 100.00" in page


def test_the_committee_comments_to_answer_are_counted(client, submitted_project, committee_member, head_a):
    client.force_login(committee_member)
    criteria = list(submitted_project.criteria.order_by("order"))[:2]
    decide(
        client,
        submitted_project,
        "request_changes",
        reason="โปรดเพิ่มหลักฐาน",
        **{f"comment_{criterion.code}": "เพิ่มหลักฐาน" for criterion in criteria},
    )
    submitted_project.refresh_from_db()
    assert submitted_project.status == Project.Status.CHANGES_REQUESTED
    assert "ความเห็นของคณะกรรมการที่ต้องตอบ 2 ข้อ" in home(client, head_a)


def test_a_submitted_or_certified_project_shows_its_status_not_steps_left(client, submitted_project, head_a):
    """Issue 23: after certification the home page still said "8 of 9 steps"."""
    page = home(client, head_a)
    assert "project-progress" not in page and "ขั้นตอนเสร็จแล้ว" not in page
