"""Steps 1–5: the texts, the missions and their budgets, the criteria's
weights, the indicators (docs/domain.md §2), each saved under the lock."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.http import Http404
from django.utils.translation import gettext as _

from assessment import rules, snapshots
from assessment.models import (
    Indicator,
    Mission,
    MissionCategory,
    Project,
    ProjectCriterion,
)
from assessment.services.refusals import RuleViolation
from assessment.services.rounds import rounds_rescore
from assessment.writes import check_unchanged, project_for_write
from pso_site.lib.models import model_update


def vision_save(*, project_id: int, user, token: str, vision: str) -> Project:
    with project_for_write(project_id=project_id, user=user) as project:
        check_unchanged(project=project, section=snapshots.STEP_SECTIONS[1], token=token)
        model_update(project, {"vision": vision}, also=("updated_at",))
        return project


def mission_statement_save(
    *, project_id: int, user, token: str, mission_statement: str, goals: str, objectives: str
) -> Project:
    with project_for_write(project_id=project_id, user=user) as project:
        check_unchanged(project=project, section=snapshots.STEP_SECTIONS[2], token=token)
        values = {"mission_statement": mission_statement, "goals": goals, "objectives": objectives}
        model_update(project, values, also=("updated_at",))
        return project


# Step 3 ----------------------------------------------------------------------


@dataclass(frozen=True)
class MissionRow:
    """One mission as a form submits it; ``id`` is None for a new one."""

    id: int | None
    code: str
    name: str
    category: str
    points: Decimal
    legal_basis: str = ""
    responsible_unit: str = ""
    outcome_ids: frozenset[int] = field(default_factory=frozenset)


MISSION_FIELDS = ("code", "name", "category", "points", "legal_basis", "responsible_unit")


def missions_save(*, project_id: int, user, token: str, budgets: dict[str, Decimal], rows: list[MissionRow]):
    """Step 3: the category budgets and every mission, in the order given.
    Missions of the project not in ``rows`` are removed."""
    with project_for_write(project_id=project_id, user=user) as project:
        check_unchanged(project=project, section=snapshots.STEP_SECTIONS[3], token=token)
        # The budgets must add up (the database holds them so); the missions'
        # sums may be completed later: the stepper and readiness say so.
        problems = rules.budget_problems(budgets)
        if any(row.points is None or row.points <= 0 for row in rows):
            problems.append(_("Points must be more than 0."))
        if problems:
            raise RuleViolation(problems)
        new_budgets = {
            "main_budget": budgets[MissionCategory.MAIN],
            "secondary_budget": budgets[MissionCategory.SECONDARY],
            "support_budget": budgets[MissionCategory.SUPPORT],
        }
        model_update(project, new_budgets, also=("updated_at",))

        existing = {m.pk: m for m in Mission.objects.filter(project=project).prefetch_related("outcomes")}
        kept = {row.id for row in rows if row.id in existing}
        for mission in existing.values():
            if mission.pk not in kept:
                mission.delete()
        for order, row in enumerate(rows, start=1):
            mission = existing.get(row.id) or Mission(project=project)
            values = {name: getattr(row, name) for name in MISSION_FIELDS}
            values["order"] = order
            model_update(mission, values)
            before = {o.pk for o in existing[mission.pk].outcomes.all()} if mission.pk in existing else set()
            if before - row.outcome_ids:
                mission.outcomes.remove(*(before - row.outcome_ids))
            if row.outcome_ids - before:
                mission.outcomes.add(*(row.outcome_ids - before))
        rounds_rescore(project=project)
        return project


# Step 4 ----------------------------------------------------------------------


def weights_save(*, project_id: int, user, token: str, weights: dict[str, Decimal]) -> Project:
    with project_for_write(project_id=project_id, user=user) as project:
        check_unchanged(project=project, section=snapshots.STEP_SECTIONS[4], token=token)
        criteria = list(ProjectCriterion.objects.filter(project=project))
        # Weights may be given a few at a time; only a weight of 0 or less is refused.
        if any(weight is not None and weight <= 0 for weight in weights.values()):
            raise RuleViolation([_("Every weight must be more than 0.")])
        for criterion in criteria:
            if criterion.weight != weights.get(criterion.code):
                criterion.weight = weights.get(criterion.code)
                criterion.save(update_fields=["weight"])
        rounds_rescore(project=project)
        return project


# Step 5 ----------------------------------------------------------------------


@dataclass(frozen=True)
class IndicatorRow:
    id: int | None
    criterion_id: int
    name: str
    weight: Decimal
    conditions: tuple[str, str, str, str]


def indicators_save(*, project_id: int, user, token: str, rows: list[IndicatorRow]) -> Project:
    """Step 5: every indicator, in the order given within each criterion.
    Indicators of the project not in ``rows`` are removed."""
    with project_for_write(project_id=project_id, user=user) as project:
        check_unchanged(project=project, section=snapshots.STEP_SECTIONS[5], token=token)
        criteria = {c.pk: c for c in ProjectCriterion.objects.filter(project=project)}
        if any(row.criterion_id not in criteria for row in rows):
            raise Http404("No such criterion.")
        # Criteria without indicators and empty conditions are a draft's:
        # the stepper and readiness list them.
        if any(row.weight is None or row.weight <= 0 for row in rows):
            raise RuleViolation([_("The weight must be more than 0.")])
        existing = {i.pk: i for i in Indicator.objects.filter(project=project)}
        kept = {row.id for row in rows if row.id in existing}
        for indicator in existing.values():
            if indicator.pk not in kept:
                indicator.delete()
        positions: dict[int, int] = {}
        for row in rows:
            positions[row.criterion_id] = positions.get(row.criterion_id, 0) + 1
            indicator = existing.get(row.id) or Indicator(project=project)
            values = {
                "criterion_id": row.criterion_id,
                "name": row.name,
                "weight": row.weight,
                "order": positions[row.criterion_id],
                **{f"level_{level}": text for level, text in enumerate(row.conditions)},
            }
            model_update(indicator, values)
        rounds_rescore(project=project)
        return project
