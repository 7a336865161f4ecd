"""Building project data for tests quickly (bulk inserts, no forms)."""

from decimal import Decimal

from assessment import services
from assessment.models import Assessment, Indicator, Mission, MissionCategory


def add_missions(project, count: int):
    """``count`` (≥ 3) missions whose points fit the 60/30/10 budgets: all but
    two main, one secondary, one support."""
    from assessment.scoring import split_evenly

    assert count >= 3
    plan = [
        (MissionCategory.MAIN, count - 2, 60),
        (MissionCategory.SECONDARY, 1, 30),
        (MissionCategory.SUPPORT, 1, 10),
    ]
    missions = []
    for category, how_many, budget in plan:
        for points in split_evenly(Decimal(budget), how_many):
            order = len(missions) + 1
            missions.append(
                Mission(
                    project=project,
                    code=str(order),
                    name=f"ภารกิจที่ {order}",
                    category=category,
                    points=points,
                    order=order,
                )
            )
    return Mission.objects.bulk_create(missions)


def fill_weights(project):
    criteria = list(project.criteria.order_by("order"))
    weights = [
        Decimal(20),
        Decimal(15),
        Decimal(15),
        Decimal(10),
        Decimal(10),
        Decimal(10),
        Decimal(10),
        Decimal(5),
        Decimal(5),
    ]
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
