"""A project: created from the catalogue, or copied from the last cycle for
a renewal (steps 1–5, the targets, a first round from the last round)."""

from decimal import Decimal

from django.db import transaction

from agencies.models import Agency, Standard
from agencies.models import MissionCategory as CatalogueCategory
from assessment import rules
from assessment.models import (
    Assessment,
    AssessmentRound,
    Indicator,
    Mission,
    MissionCategory,
    Project,
    ProjectCriterion,
)
from assessment.progress import progress_store
from assessment.services.rounds import latest_round, round_cells_ensure, round_score_store

DEFAULT_BUDGETS = {
    MissionCategory.MAIN: Decimal(60),
    MissionCategory.SECONDARY: Decimal(30),
    MissionCategory.SUPPORT: Decimal(10),
}


def catalogue_budgets() -> dict[str, Decimal]:
    """The mission-category budgets new projects start with, from the
    catalogue (the standards administrator may change them); the domain's
    60/30/10 when the catalogue's budgets do not add up to 100."""
    budgets = dict(DEFAULT_BUDGETS)
    budgets.update(
        {
            code: budget
            for code, budget in CatalogueCategory.objects.filter(code__in=MissionCategory.values).values_list(
                "code", "default_budget"
            )
        }
    )
    if rules.budget_problems(budgets):
        return dict(DEFAULT_BUDGETS)
    return budgets


def criterion_copy(project: Project, criterion, **values) -> ProjectCriterion:
    """The project's own copy of a catalogue criterion (unsaved)."""
    return ProjectCriterion(
        project=project,
        source=criterion,
        code=criterion.code,
        name_th=criterion.name_th,
        name_en=criterion.name_en,
        order=criterion.order,
        provisional=criterion.provisional,
        **values,
    )


def project_create(
    *, agency: Agency, standard: Standard, fiscal_year: int, user=None, copy_from: Project | None = None
) -> Project:
    """Create a project with its own copy of the standard's criteria and the
    catalogue's category budgets.

    With ``copy_from`` (a project of the same agency), steps 1–3 start from that
    project: vision, mission statement, goals, objectives, budgets and missions.
    """
    if copy_from is not None and copy_from.agency_id != agency.pk:
        raise ValueError("Steps 1–3 can only be copied from a project of the same agency.")
    budgets = catalogue_budgets()
    project = Project(
        agency=agency,
        standard=standard,
        fiscal_year=fiscal_year,
        created_by=user,
        main_budget=budgets[MissionCategory.MAIN],
        secondary_budget=budgets[MissionCategory.SECONDARY],
        support_budget=budgets[MissionCategory.SUPPORT],
    )
    if copy_from is not None:
        for name in (
            "vision",
            "mission_statement",
            "goals",
            "objectives",
            "main_budget",
            "secondary_budget",
            "support_budget",
        ):
            setattr(project, name, getattr(copy_from, name))
    project.save()
    ProjectCriterion.objects.bulk_create(
        criterion_copy(project, criterion) for criterion in standard.criteria.order_by("order")
    )
    if copy_from is not None:
        for mission in Mission.objects.filter(project=copy_from).prefetch_related("outcomes"):
            outcomes = [o.pk for o in mission.outcomes.all()]
            mission.pk = None
            mission.project = project
            mission.save()
            if outcomes:
                mission.outcomes.add(*outcomes)
    progress_store(project)
    return project


@transaction.atomic
def project_copy_for_renewal(*, project: Project, fiscal_year: int, user=None) -> Project:
    """The assessment part of a renewal (``certification.services.project_renew``):
    a project for the next cycle with steps 1–5 and the target levels of the
    last one, and a first round pre-filled from its last round."""
    renewal = project_create(
        agency=project.agency,
        standard=project.standard,
        fiscal_year=fiscal_year,
        user=user,
        copy_from=project,
    )
    old_criteria = {c.code: c for c in ProjectCriterion.objects.filter(project=project)}
    for criterion in ProjectCriterion.objects.filter(project=renewal):
        source = old_criteria.get(criterion.code)
        if source is not None:
            criterion.weight = source.weight
            criterion.target_level = source.target_level
            criterion.save(update_fields=["weight", "target_level"])
    criteria = {c.code: c for c in ProjectCriterion.objects.filter(project=renewal)}
    indicator_map = {}
    for indicator in (
        Indicator.objects.filter(project=project)
        .select_related("criterion")
        .order_by("criterion__order", "order", "id")
    ):
        if indicator.criterion.code not in criteria:
            continue
        old_pk = indicator.pk
        indicator.pk = None
        indicator.project = renewal
        indicator.criterion = criteria[indicator.criterion.code]
        indicator.save()
        indicator_map[old_pk] = indicator.pk
    mission_map = {
        old: new
        for old, new in zip(
            Mission.objects.filter(project=project).order_by("order", "id").values_list("pk", flat=True),
            Mission.objects.filter(project=renewal).order_by("order", "id").values_list("pk", flat=True),
            strict=True,
        )
    }
    last = latest_round(project)
    if last is not None:
        previous = {
            (mission_map[cell.mission_id], indicator_map[cell.indicator_id]): cell
            for cell in Assessment.objects.filter(round=last)
            if cell.indicator_id in indicator_map
        }
        assessment_round = AssessmentRound.objects.create(
            project=renewal,
            number=1,
            created_by=user,
            note=f"ตั้งต้นจากผลการประเมินรอบสุดท้ายของปีงบประมาณ {project.fiscal_year_be}",
        )
        round_cells_ensure(assessment_round=assessment_round, previous=previous)
        # Last cycle's words are a starting point, not this cycle's evidence.
        Assessment.objects.filter(round=assessment_round).exclude(justification="").update(carried_over=True)
        round_score_store(assessment_round=assessment_round)
    return renewal
