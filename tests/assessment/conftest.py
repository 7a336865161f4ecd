from decimal import Decimal

import pytest

from agencies.models import Standard
from assessment import services
from assessment.models import Assessment, Indicator, Mission, MissionCategory


@pytest.fixture
def project(catalogue, agency_a, editor_a):
    return services.project_create(
        agency=agency_a, standard=Standard.objects.get(code="1101"), fiscal_year=2025, user=editor_a
    )


def add_missions(project, count: int):
    """``count`` (≥ 3) missions whose points fit the 60/30/10 budgets: all but
    two main, one secondary, one support."""
    from assessment.scoring import split_evenly

    assert count >= 3
    plan = [(MissionCategory.MAIN, count - 2, 60), (MissionCategory.SECONDARY, 1, 30), (MissionCategory.SUPPORT, 1, 10)]
    missions = []
    for category, how_many, budget in plan:
        for points in split_evenly(Decimal(budget), how_many):
            order = len(missions) + 1
            missions.append(
                Mission(
                    project=project, code=str(order), name=f"ภารกิจที่ {order}", category=category, points=points, order=order
                )
            )
    return Mission.objects.bulk_create(missions)


def fill_weights(project):
    criteria = list(project.criteria.order_by("order"))
    weights = [Decimal(20), Decimal(15), Decimal(15), Decimal(10), Decimal(10), Decimal(10), Decimal(10), Decimal(5), Decimal(5)]
    for criterion, weight in zip(criteria, weights, strict=True):
        criterion.weight = weight
        criterion.save()


def add_indicators(project, per_criterion: int = 1):
    indicators = []
    for criterion in project.criteria.order_by("order"):
        for number in range(per_criterion):
            indicators.append(
                Indicator(
                    project=project,
                    criterion=criterion,
                    name=f"ตัวชี้วัด {criterion.code} {number + 1}",
                    level_0="ไม่มี",
                    level_1="มีบางส่วน",
                    level_2="มีเกือบครบ",
                    level_3="มีครบถ้วน",
                    order=number,
                )
            )
    return Indicator.objects.bulk_create(indicators)


def fill_round(assessment_round, level: int = 2, justification: str = "มีหลักฐานครบ"):
    Assessment.objects.filter(round=assessment_round).update(level=level, justification=justification)
    services.round_score_store(assessment_round=assessment_round)


@pytest.fixture
def filled_project(project, editor_a):
    """Steps 1–5 complete and a round of level 2 everywhere."""
    project.vision = "เป็นหน่วยงานที่มีประสิทธิภาพ"
    project.mission_statement = "ประสานราชการทั่วไปในจังหวัด"
    project.goals = "เป็นที่ยอมรับของประชาชน"
    project.objectives = "ปรับปรุงระบบการบริหาร"
    project.save()
    add_missions(project, 5)
    fill_weights(project)
    add_indicators(project)
    assessment_round = services.round_create(project=project, user=editor_a)
    fill_round(assessment_round)
    return project
