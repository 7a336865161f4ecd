"""What each form of steps 1–6 edits, as (label, value) pairs, for conflict
detection (``assessment.writes``). Keys are stable across languages; labels
are what the conflict message shows."""

from django.utils.translation import gettext as _

from assessment.grid import cell_value
from assessment.models import (
    Assessment,
    AssessmentRound,
    Indicator,
    Mission,
    MissionCategory,
    Project,
    ProjectCriterion,
)
from assessment.rules import points_text
from assessment.writes import Section, Snapshot


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
        f"budget.{category}": (
            _("Budget: %(category)s") % {"category": MissionCategory(category).label},
            points_text(budget),
        )
        for category, budget in project.budgets().items()
    }
    for mission in Mission.objects.filter(project=project).prefetch_related("outcomes"):
        outcomes = ",".join(sorted(o.code for o in mission.outcomes.all()))
        value = " · ".join(
            [
                mission.code,
                mission.name,
                str(mission.get_category_display()),
                points_text(mission.points),
                mission.legal_basis,
                mission.responsible_unit,
                outcomes,
                str(mission.order),
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
            [
                indicator.criterion.name,
                indicator.name,
                points_text(indicator.weight),
                *indicator.conditions(),
                str(indicator.order),
            ]
        )
        snapshot[f"indicator.{indicator.pk}"] = (_("Indicator %(name)s") % {"name": indicator.name}, value)
    return snapshot


def round_cells(assessment_round: AssessmentRound) -> Snapshot:
    cells = Assessment.objects.filter(round=assessment_round).select_related("mission", "indicator")
    return {
        cell_key(cell): (
            f"{cell.mission} × {cell.indicator.name}",
            cell_value(cell.level, cell.justification),
        )
        for cell in cells
    }


def cell_key(cell: Assessment) -> str:
    return f"cell.{cell.mission_id}.{cell.indicator_id}"


def _project_history(project):
    return [Project.history.filter(id=project.pk)]


STEP_SECTIONS = {
    1: Section(step1, _project_history),
    2: Section(step2, _project_history),
    3: Section(
        step3, lambda project: [*_project_history(project), Mission.history.filter(project_id=project.pk)]
    ),
    4: Section(step4, lambda project: [ProjectCriterion.history.filter(project_id=project.pk)]),
    5: Section(step5, lambda project: [Indicator.history.filter(project_id=project.pk)]),
}


def round_history(assessment_round: AssessmentRound) -> list:
    return [Assessment.history.filter(round_id=assessment_round.pk)]
