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


def step3(project: Project, missions=None) -> Snapshot:
    """``missions`` (with their outcomes prefetched) when the page already
    loaded them; otherwise read now."""
    snapshot = {
        f"budget.{category}": (
            _("Budget: %(category)s") % {"category": MissionCategory(category).label},
            points_text(budget),
        )
        for category, budget in project.budgets().items()
    }
    if missions is None:
        missions = Mission.objects.filter(project=project).prefetch_related("outcomes")
    for mission in missions:
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


def step4(project: Project, criteria=None) -> Snapshot:
    if criteria is None:
        criteria = ProjectCriterion.objects.filter(project=project)
    return {f"weight.{c.code}": (c.name, "" if c.weight is None else points_text(c.weight)) for c in criteria}


def step5(project: Project, indicators=None) -> Snapshot:
    if indicators is None:
        indicators = Indicator.objects.filter(project=project).select_related("criterion")
    snapshot = {}
    for indicator in indicators:
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


def page_snapshot(number: int, state) -> Snapshot:
    """The snapshot of step ``number`` from what the page's state already
    loaded: the same (label, value) pairs the save compares under its lock."""
    if number == 3:
        return step3(state.project, missions=state.missions_with_outcomes)
    if number == 4:
        return step4(state.project, criteria=state.data.criteria)
    if number == 5:
        return step5(state.project, indicators=state.data.indicators)
    return STEP_SECTIONS[number].snapshot(state.project)


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
