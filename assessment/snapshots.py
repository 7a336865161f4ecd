"""The data of each step as (label, value) pairs, for conflict detection
(``assessment.concurrency``). Keys are stable across languages; labels are
what the conflict message shows."""

from django.utils.translation import gettext as _

from assessment.grid import cell_value
from assessment.models import Assessment, AssessmentRound, Indicator, Mission, Project, ProjectCriterion
from assessment.rules import points_text

Snapshot = dict[str, tuple[str, str]]


def step1(project: Project) -> Snapshot:
    return {"vision": (_("Vision"), project.vision)}


def step2(project: Project) -> Snapshot:
    return {
        "mission_statement": (_("Mission statement"), project.mission_statement),
        "goals": (_("Goals"), project.goals),
        "objectives": (_("Objectives"), project.objectives),
    }


def step3(project: Project) -> Snapshot:
    snapshot = {
        f"budget.{category}": (_("Budget: %(category)s") % {"category": category}, points_text(budget))
        for category, budget in project.budgets().items()
    }
    for mission in Mission.objects.filter(project=project).prefetch_related("outcomes"):
        outcomes = ",".join(sorted(o.code for o in mission.outcomes.all()))
        value = " · ".join(
            [
                mission.code,
                mission.name,
                mission.get_category_display(),
                points_text(mission.points),
                mission.legal_basis,
                mission.responsible_unit,
                outcomes,
            ]
        )
        snapshot[f"mission.{mission.pk}"] = (_("Mission %(name)s") % {"name": mission.name}, value)
    return snapshot


def step4(project: Project) -> Snapshot:
    return {
        f"weight.{c.code}": (c.name, "" if c.weight is None else points_text(c.weight))
        for c in ProjectCriterion.objects.filter(project=project)
    }


def step5(project: Project) -> Snapshot:
    snapshot = {}
    for indicator in Indicator.objects.filter(project=project).select_related("criterion"):
        value = " | ".join(
            [indicator.criterion.code, indicator.name, points_text(indicator.weight), *indicator.conditions()]
        )
        snapshot[f"indicator.{indicator.pk}"] = (_("Indicator %(name)s") % {"name": indicator.name}, value)
    return snapshot


def step6(assessment_round: AssessmentRound) -> Snapshot:
    cells = Assessment.objects.filter(round=assessment_round).select_related("mission", "indicator")
    return {
        f"cell.{cell.mission_id}.{cell.indicator_id}": (
            f"{cell.mission} × {cell.indicator.name}",
            cell_value(cell.level, cell.justification),
        )
        for cell in cells
    }


STEP_SNAPSHOTS = {1: step1, 2: step2, 3: step3, 4: step4, 5: step5}
