"""The upgrade planner's page and JSON (issue 26): the proposal from the
latest round, the same in both, what it would give checked by the scoring
engine, within a fixed number of queries, in Thai and in English."""

from decimal import Decimal
from fractions import Fraction

import pytest
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessment import scoring
from assessment.exchange import indicator_keys
from assessment.models import Assessment
from assessment.results import ProjectData
from tests.factories import add_missions

pytestmark = pytest.mark.django_db


def planned(client, user, project):
    client.force_login(user)
    return client.get(reverse("plans:planner_json", args=[project.pk])).json()


def test_the_json_proposal_reaches_the_threshold_by_the_engine(client, editor_a, filled_project):
    document = planned(client, editor_a, filled_project)
    assert set(document) == {"steps", "total_after", "criterion_levels_after", "reachable"}
    assert document["reachable"] and document["steps"]
    # Level 2 everywhere gives 66.67: the plan raises cells to reach 70.
    data = ProjectData.load(filled_project)
    latest = filled_project.rounds.order_by("-number").first()
    data = data.with_round(latest)
    keys = {key: str(pk) for pk, key in indicator_keys(data.indicators).items()}
    missions = {m.code: str(m.pk) for m in data.missions}
    levels = dict(data.levels)
    for step in document["steps"]:
        cell = (missions[step["mission"]], keys[step["indicator"]])
        assert levels[cell] == step["from"] < step["to"] <= 3
        levels[cell] = step["to"]
    after = scoring.score_round(**data.scoring_inputs(), levels=levels)
    assert document["total_after"] == f"{scoring.to_display(after.total):f}"
    assert Decimal(document["total_after"]) >= filled_project.standard.min_total_score
    assert document["criterion_levels_after"] == {
        code: f"{scoring.to_display(level):f}" for code, level in after.criterion_level.items()
    }
    total_points = sum(Fraction(step["points"]) for step in document["steps"])
    assert abs(total_points - (after.total - data.score().total)) < Fraction(1, 100) * len(document["steps"])


@pytest.mark.parametrize("language", ["th", "en"])
def test_the_page_shows_the_plan(client, editor_a, filled_project, language):
    client.force_login(editor_a)
    client.cookies["django_language"] = language
    page = client.get(reverse("plans:planner", args=[filled_project.pk]), HTTP_ACCEPT_LANGUAGE=language)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="planner-raises"' in html and 'id="planner-total"' in html
    document = client.get(reverse("plans:planner_json", args=[filled_project.pk])).json()
    assert f'id="planner-total">{document["total_after"]}<' in html
    assert ("เซลล์ที่ต้องยกระดับ" in html) == (language == "th")


def test_a_project_at_the_threshold_needs_nothing(client, editor_a, filled_project):
    Assessment.objects.filter(round__project=filled_project).update(level=3)
    document = planned(client, editor_a, filled_project)
    assert document["reachable"] and document["steps"] == []
    client.force_login(editor_a)
    html = client.get(reverse("plans:planner", args=[filled_project.pk])).content.decode()
    assert 'id="planner-ready"' in html


def test_out_of_reach_says_so_and_shows_the_best_reachable(client, editor_a, filled_project):
    # A criterion without indicators stays at level 0: the minimum level is out of reach.
    from assessment.models import Indicator

    criterion = filled_project.criteria.order_by("order").first()
    Indicator.objects.filter(criterion=criterion).delete()
    document = planned(client, editor_a, filled_project)
    assert document["reachable"] is False
    assert document["criterion_levels_after"][criterion.code] == "0.00"
    # The best reachable: every other cell raised to 3.
    assert all(step["to"] == 3 for step in document["steps"]) and document["steps"]
    html = client.get(reverse("plans:planner", args=[filled_project.pk])).content.decode()
    assert 'id="planner-unreachable"' in html


def test_before_any_round_there_is_nothing_to_plan(client, editor_a, project):
    document = planned(client, editor_a, project)
    assert document == {"steps": [], "total_after": None, "criterion_levels_after": {}, "reachable": False}
    html = client.get(reverse("plans:planner", args=[project.pk])).content.decode()
    assert 'id="planner-empty"' in html


def test_the_page_keeps_its_queries_whatever_the_project_size(client, editor_a, filled_project):
    from django.db import connection

    client.force_login(editor_a)
    url = reverse("plans:planner", args=[filled_project.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    add_missions(filled_project, 10)
    from assessment import services

    services.round_cells_ensure(assessment_round=filled_project.rounds.order_by("-number").first())
    with CaptureQueriesContext(connection) as large:
        assert client.get(url).status_code == 200
    assert len(large) == len(small) <= 25
