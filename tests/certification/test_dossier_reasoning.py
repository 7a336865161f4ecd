"""The dossier an auditor can work from (issue 25 item 4): every round's
levels and justifications, missions named as well as numbered, and the
score explained with the project's own numbers, each agreeing with the
scoring engine."""

from fractions import Fraction

import pytest

from assessment import results
from assessment.frame import ProjectState
from assessment.models import Assessment
from certification import dossier
from tests.test_thai_only import visible_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def lampang_project(catalogue):
    """The demo's Lampang project with its plan: a baseline and a re-assessment."""
    from django.contrib.auth import get_user_model

    from agencies.demo import demo_agencies_seed, demo_users_seed
    from assessment.demo import demo_lampang_project_seed
    from plans.demo import demo_lampang_plan_seed

    demo_users_seed(password="pw", agencies=demo_agencies_seed())
    project = demo_lampang_project_seed()
    demo_lampang_plan_seed(project, user=get_user_model().objects.get(username="lampang_editor"))
    return project


def test_every_rounds_reasoning_is_in_the_dossier(lampang_project):
    project = lampang_project
    rounds = list(project.rounds.order_by("number"))
    assert len(rounds) >= 2, "the demo project has a baseline and a re-assessment"
    text = " ".join(visible_text(dossier.dossier_html(project, draft=False)).split())
    for assessment_round in rounds:
        cells = Assessment.objects.filter(round=assessment_round).exclude(justification="")
        for cell in cells.select_related("mission")[:50]:
            assert " ".join(cell.justification.split()) in text, (assessment_round.number, cell.pk)
    assert "เหตุผลประกอบการให้ระดับ รอบที่ 1 (การประเมินครั้งแรก)" in text
    # Missions are named where the reasons are given, not only numbered.
    mission = project.missions.order_by("order").first()
    assert f"{mission.code} {' '.join(mission.name.split())}" in text


def test_the_score_is_explained_with_the_engines_numbers(lampang_project):
    state = ProjectState(lampang_project, None)
    score = state.latest_score
    explained = results.score_explained(state.data.with_round(state.latest_round), score)
    cell = explained.cell
    assert (
        cell.level
        == cell.weighted / cell.weights
        == score.cell_level[(str(explained.mission.pk), explained.criterion.code)]
    )
    assert explained.criterion_level == explained.criterion_sum / explained.points_sum
    assert explained.criterion_points == explained.criterion_weight * explained.criterion_level / 3
    assert explained.mission_score == explained.mission_sum / 3
    assert (
        explained.total
        == score.total
        == sum(p * score.mission_score[str(m.pk)] for m, p, _s, _ps in explained.criterion_terms)
        / explained.points_sum
    )
    assert explained.criterion.weight == max(c.weight for c in state.data.criteria)
    text = " ".join(visible_text(dossier.dossier_html(lampang_project, draft=False)).split())
    assert "วิธีคิดคะแนน: ตัวอย่างจากตัวเลขของโครงการนี้" in text
    assert f"= {scored(explained.criterion_points)} (ตรงกับตารางผลคะแนนรายเกณฑ์ข้างต้น)" in text
    assert f"M = {scored(explained.mission_sum)} ÷ 3 = {scored(explained.mission_score)}" in text


def scored(value: Fraction) -> str:
    from assessment.scoring import to_display

    return f"{to_display(value):f}"
