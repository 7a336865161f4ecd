"""Confirming carried-over justifications: a renewal's first round starts
from the last cycle's words, each marked until someone rewrites it or says
it still holds. The grid's panel confirms the marked cells of the block
shown, in the latest round only, for the agency's head and editors."""

import pytest
from django.urls import reverse

from assessment import services
from assessment.models import Assessment

pytestmark = pytest.mark.django_db


def confirm_url(project, number=1):
    return reverse("assessment:carried_confirm", args=[project.pk, number])


@pytest.fixture
def carried(filled_project):
    """Round 1 with three justifications carried over from a last cycle."""
    assessment_round = filled_project.rounds.get()
    marked = list(Assessment.objects.filter(round=assessment_round).order_by("pk")[:3])
    Assessment.objects.filter(pk__in=[cell.pk for cell in marked]).update(carried_over=True)
    services.round_score_store(assessment_round=assessment_round)
    return marked


def test_the_panel_confirms_the_cells_it_shows_and_the_round_is_complete_again(
    client, filled_project, carried, editor_a
):
    assessment_round = filled_project.rounds.get()
    assessment_round.refresh_from_db()
    assert not assessment_round.is_complete  # carried words are not this cycle's evidence yet
    client.force_login(editor_a)
    grid = client.get(reverse("assessment:round", args=[filled_project.pk, 1]))
    assert 'id="carried-panel"' in grid.content.decode()
    assert sorted(grid.context["carried_cells"]) == sorted(cell.pk for cell in carried)
    response = client.post(
        confirm_url(filled_project), {"cell": grid.context["carried_cells"], "block": "1"}, follow=True
    )
    assert (
        response.redirect_chain[0][0] == reverse("assessment:round", args=[filled_project.pk, 1]) + "?block=1"
    )
    assert "ยืนยันเหตุผลที่ยกมา 3 ช่องสำหรับรอบนี้แล้ว" in response.content.decode()
    assert 'id="carried-panel"' not in response.content.decode()
    assert not Assessment.objects.filter(carried_over=True).exists()
    assessment_round.refresh_from_db()
    assert assessment_round.is_complete
    # The words and levels are kept as they were.
    assert set(
        Assessment.objects.filter(pk__in=[cell.pk for cell in carried]).values_list("level", "justification")
    ) == {(2, "มีหลักฐานครบ")}


def test_only_the_cells_sent_are_confirmed(client, filled_project, carried, head_a):
    client.force_login(head_a)
    unmarked = Assessment.objects.filter(round__project=filled_project, carried_over=False).first()
    client.post(confirm_url(filled_project), {"cell": [str(carried[0].pk), str(unmarked.pk), "x", ""]})
    assert set(Assessment.objects.filter(carried_over=True).values_list("pk", flat=True)) == {
        carried[1].pk,
        carried[2].pk,
    }


def test_an_earlier_round_is_kept_as_it_was(client, filled_project, carried, editor_a):
    services.round_create(project=filled_project, user=editor_a, prefill_from=filled_project.rounds.get())
    client.force_login(editor_a)
    response = client.post(
        confirm_url(filled_project, 1), {"cell": [str(cell.pk) for cell in carried]}, follow=True
    )
    assert "รอบที่ 1 ถูกเก็บไว้ตามเดิม แก้ไขได้เฉพาะรอบล่าสุด" in response.content.decode()
    assert Assessment.objects.filter(round__number=1, carried_over=True).count() == 3


def test_a_viewer_or_an_outsider_confirms_nothing(client, filled_project, carried, viewer_a, outsider):
    for person in (viewer_a, outsider):
        client.force_login(person)
        response = client.post(confirm_url(filled_project), {"cell": [str(cell.pk) for cell in carried]})
        assert response.status_code == 404
    assert Assessment.objects.filter(carried_over=True).count() == 3


def test_a_round_that_does_not_exist_is_a_404(client, filled_project, carried, editor_a):
    client.force_login(editor_a)
    assert client.post(confirm_url(filled_project, 7), {"cell": [str(carried[0].pk)]}).status_code == 404


def test_confirming_is_by_post_only(client, filled_project, carried, editor_a):
    client.force_login(editor_a)
    assert client.get(confirm_url(filled_project), {"cell": str(carried[0].pk)}).status_code == 405
    assert Assessment.objects.filter(carried_over=True).count() == 3


def test_a_digit_that_is_not_a_number_is_ignored(client, filled_project, carried, editor_a):
    client.force_login(editor_a)
    client.raise_request_exception = False
    response = client.post(confirm_url(filled_project), {"cell": ["²", str(carried[0].pk)]})
    assert response.status_code == 302
