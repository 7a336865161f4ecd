"""Starting a round of the grid (step 6, and the re-assessments of step 8):
the first round once missions and indicators exist, a later one once the
latest is complete; only the agency's head and editors start one, by POST."""

import pytest
from django.urls import reverse

from assessment.models import Assessment, AssessmentRound
from tests.factories import add_indicators, add_missions, fill_weights

pytestmark = pytest.mark.django_db


def start_url(project):
    return reverse("assessment:round_start", args=[project.pk])


@pytest.fixture
def ready_to_assess(project):
    """Steps 3–5 done, no round yet."""
    add_missions(project, 4)
    fill_weights(project)
    add_indicators(project)
    return project


def test_the_first_round_starts_with_an_empty_cell_for_every_mission_and_indicator(
    client, ready_to_assess, editor_a
):
    client.force_login(editor_a)
    page = client.get(reverse("assessment:round_current", args=[ready_to_assess.pk]))
    assert page.status_code == 200 and page.context["ready_to_start"]
    assert start_url(ready_to_assess) in page.content.decode()
    response = client.post(start_url(ready_to_assess), follow=True)
    first = AssessmentRound.objects.get(project=ready_to_assess)
    assert first.number == 1 and first.created_by == editor_a
    assert response.redirect_chain[-1][0] == reverse("assessment:round", args=[ready_to_assess.pk, 1])
    assert "เริ่มการประเมินรอบที่ 1 แล้ว" in response.content.decode()
    cells = Assessment.objects.filter(round=first)
    assert cells.count() == 4 * ready_to_assess.indicators.count()
    assert not cells.exclude(level=None).exists() and not cells.exclude(justification="").exists()


def test_a_round_needs_missions_and_indicators_first(client, project, head_a):
    client.force_login(head_a)
    response = client.post(start_url(project), follow=True)
    assert response.redirect_chain[-1][0] == reverse("assessment:round_current", args=[project.pk])
    assert "กรุณากำหนดภารกิจ (ขั้นตอนที่ 3) และตัวชี้วัด (ขั้นตอนที่ 5) ก่อนประเมิน" in response.content.decode()
    assert not AssessmentRound.objects.exists()


def test_a_second_round_starts_from_the_complete_first_one(client, filled_project, editor_a):
    client.force_login(editor_a)
    response = client.post(start_url(filled_project))
    assert response["Location"] == reverse("assessment:round", args=[filled_project.pk, 2])
    second = filled_project.rounds.get(number=2)
    assert set(second.cells.values_list("level", "justification")) == {(2, "มีหลักฐานครบ")}
    again = client.post(start_url(filled_project), follow=True)  # round 2 is complete too: a third
    assert "เริ่มการประเมินรอบที่ 3 แล้ว" in again.content.decode()


def test_no_new_round_while_the_latest_is_incomplete(client, filled_project, editor_a):
    Assessment.objects.filter(round__project=filled_project).update(level=None)
    filled_project.rounds.update(is_complete=False)
    client.force_login(editor_a)
    response = client.post(start_url(filled_project), follow=True)
    assert "กรุณาประเมินรอบที่ 1 ให้ครบก่อนเริ่มรอบใหม่" in response.content.decode()
    assert filled_project.rounds.count() == 1


def test_a_viewer_or_an_outsider_starts_nothing(client, ready_to_assess, viewer_a, outsider):
    for person in (viewer_a, outsider):
        client.force_login(person)
        assert client.post(start_url(ready_to_assess)).status_code == 404
    assert not AssessmentRound.objects.exists()


def test_a_round_is_started_by_post_only(client, ready_to_assess, editor_a):
    client.force_login(editor_a)
    assert client.get(start_url(ready_to_assess)).status_code == 405
    assert not AssessmentRound.objects.exists()


def test_a_submitted_project_starts_no_round_and_says_why(client, submitted_project, editor_a):
    client.force_login(editor_a)
    response = client.post(start_url(submitted_project), follow=True)
    assert response.redirect_chain[-1][0] == reverse("assessment:project", args=[submitted_project.pk])
    assert "โครงการนี้ยื่นขอการรับรองแล้ว หน่วยงานไม่สามารถแก้ไขได้อีก" in response.content.decode()
    assert submitted_project.rounds.count() == 1
