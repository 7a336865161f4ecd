import pytest
from django.urls import reverse

from assessment import services
from assessment.models import Assessment, Mission
from tests.factories import add_indicators, add_missions, fill_round, fill_weights
from tests.utils import count_queries

pytestmark = pytest.mark.django_db


def url(project):
    return reverse("assessment:results", args=[project.pk])


def test_results_show_the_total_table_and_radar(client, filled_project, editor_a):
    client.force_login(editor_a)
    page = client.get(url(filled_project)).content.decode()
    assert 'id="total-score">66.67' in page
    assert "ความครอบคลุม" in page
    assert "<svg" in page and "radar-chart" in page
    assert "คะแนนรวมอย่างน้อย 70.00" in page


def test_drill_down_names_the_missions_that_pulled_a_criterion_down(client, filled_project, editor_a):
    first = filled_project.missions.order_by("order").first()
    assessment_round = filled_project.rounds.get()
    Assessment.objects.filter(round=assessment_round).update(level=3)
    Assessment.objects.filter(
        round=assessment_round, mission=first, indicator__criterion__code="speed"
    ).update(level=0)
    services.round_score_store(assessment_round=assessment_round)
    client.force_login(editor_a)
    response = client.get(url(filled_project))
    speed = next(row for row in response.context["rows"] if row.criterion.code == "speed")
    assert [item.mission for item in speed.shortfalls] == [first]
    assert sum(item.points_lost for item in speed.shortfalls) == speed.missed


def test_results_query_count_is_the_same_for_5_and_60_missions(
    client, project, editor_a, django_assert_max_num_queries
):
    add_missions(project, 5)
    fill_weights(project)
    add_indicators(project, per_criterion=2)
    fill_round(services.round_create(project=project, user=editor_a))
    client.force_login(editor_a)
    few = count_queries(client, url(project))
    Mission.objects.filter(project=project).delete()
    add_missions(project, 60)
    assessment_round = project.rounds.get()
    services.round_cells_ensure(assessment_round=assessment_round)
    fill_round(assessment_round, level=1)
    with django_assert_max_num_queries(few):
        response = client.get(url(project))
    assert response.context["score"].total > 0


def test_results_page_without_a_round_says_what_to_do(client, project, editor_a):
    client.force_login(editor_a)
    assert "ยังไม่มีผลการประเมิน" in client.get(url(project)).content.decode()
