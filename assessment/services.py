"""Workflows on certification projects (steps 1–6)."""

from django.db import transaction
from django.utils import timezone

from agencies.models import Agency, Standard
from assessment import results
from assessment.models import Assessment, AssessmentRound, Indicator, Mission, Project, ProjectCriterion


@transaction.atomic
def project_create(
    *, agency: Agency, standard: Standard, fiscal_year: int, user=None, copy_from: Project | None = None
) -> Project:
    """Create a project with its own copy of the standard's criteria.

    With ``copy_from`` (a project of the same agency), steps 1–3 start from that
    project: vision, mission statement, goals, objectives, budgets and missions.
    """
    if copy_from is not None and copy_from.agency_id != agency.pk:
        raise ValueError("Steps 1–3 can only be copied from a project of the same agency.")
    project = Project(agency=agency, standard=standard, fiscal_year=fiscal_year, created_by=user)
    if copy_from is not None:
        for field in (
            "vision",
            "mission_statement",
            "goals",
            "objectives",
            "main_budget",
            "secondary_budget",
            "support_budget",
        ):
            setattr(project, field, getattr(copy_from, field))
    project.save()
    ProjectCriterion.objects.bulk_create(
        ProjectCriterion(
            project=project,
            source=criterion,
            code=criterion.code,
            name_th=criterion.name_th,
            name_en=criterion.name_en,
            order=criterion.order,
            provisional=criterion.provisional,
        )
        for criterion in standard.criteria.order_by("order")
    )
    if copy_from is not None:
        for mission in copy_from.missions.prefetch_related("outcomes"):
            outcomes = list(mission.outcomes.all())
            mission.pk = None
            mission.project = project
            mission.save()
            mission.outcomes.set(outcomes)
    return project


@transaction.atomic
def round_create(
    *, project: Project, user=None, prefill_from: AssessmentRound | None = None
) -> AssessmentRound:
    """Start an assessment round with a cell for every (mission, indicator)
    pair, pre-filled from ``prefill_from`` when given."""
    last = project.rounds.order_by("-number").first()
    assessment_round = AssessmentRound.objects.create(
        project=project, number=(last.number + 1) if last else 1, created_by=user
    )
    previous = {}
    if prefill_from is not None:
        previous = {
            (cell.mission_id, cell.indicator_id): cell
            for cell in prefill_from.cells.only("mission_id", "indicator_id", "level", "justification")
        }
    round_cells_ensure(assessment_round=assessment_round, previous=previous)
    round_score_store(assessment_round=assessment_round)
    return assessment_round


def round_cells_ensure(*, assessment_round: AssessmentRound, previous: dict | None = None) -> None:
    """Create the cells a round lacks (missions or indicators added since it
    started); existing cells are left alone."""
    previous = previous or {}
    project_id = assessment_round.project_id
    existing = set(assessment_round.cells.values_list("mission_id", "indicator_id"))
    mission_ids = Mission.objects.filter(project_id=project_id).values_list("pk", flat=True)
    indicator_ids = list(Indicator.objects.filter(project_id=project_id).values_list("pk", flat=True))
    new_cells = []
    for mission_id in mission_ids:
        for indicator_id in indicator_ids:
            if (mission_id, indicator_id) in existing:
                continue
            source = previous.get((mission_id, indicator_id))
            new_cells.append(
                Assessment(
                    round=assessment_round,
                    mission_id=mission_id,
                    indicator_id=indicator_id,
                    level=source.level if source else None,
                    justification=source.justification if source else "",
                )
            )
    Assessment.objects.bulk_create(new_cells)


@transaction.atomic
def round_score_store(*, assessment_round: AssessmentRound) -> AssessmentRound:
    """Compute the round with the scoring engine and store its total and
    criterion levels, so lists and dashboards read them instead of recomputing."""
    score = results.round_score(assessment_round)
    assessment_round.total_score = results.display(score.total)
    assessment_round.criterion_levels = {
        key: str(results.display(level)) for key, level in score.criterion_level.items()
    }
    complete = score.is_complete and not score.criteria_without_indicators and bool(score.mission_score)
    if complete and not results.round_has_missing_justification(assessment_round):
        if assessment_round.completed_at is None:
            assessment_round.completed_at = timezone.now()
        assessment_round.is_complete = True
    else:
        assessment_round.completed_at = None
        assessment_round.is_complete = False
    assessment_round.save(update_fields=["total_score", "criterion_levels", "completed_at", "is_complete"])
    return assessment_round


def latest_round(project: Project) -> AssessmentRound | None:
    return project.rounds.order_by("-number").first()


def rounds_rescore(*, project: Project) -> None:
    """Recompute stored results after a change to missions, weights or
    indicators; only the latest round can change (earlier ones are frozen)."""
    assessment_round = latest_round(project)
    if assessment_round is not None:
        round_cells_ensure(assessment_round=assessment_round)
        round_score_store(assessment_round=assessment_round)


@transaction.atomic
def project_renew(*, project: Project, fiscal_year: int, user=None) -> Project:
    """Renewal: a project for the next cycle that starts from the last one —
    steps 1–5, the target levels, and a first round pre-filled from the last
    round. The upgrade plan is copied by the plans app (``plans.services``)."""
    renewal = project_create(
        agency=project.agency,
        standard=project.standard,
        fiscal_year=fiscal_year,
        user=user,
        copy_from=project,
    )
    old_criteria = {c.code: c for c in project.criteria.all()}
    for criterion in renewal.criteria.all():
        source = old_criteria.get(criterion.code)
        if source is not None:
            criterion.weight = source.weight
            criterion.target_level = source.target_level
            criterion.save(update_fields=["weight", "target_level"])
    criteria = {c.code: c for c in renewal.criteria.all()}
    indicator_map = {}
    for indicator in project.indicators.select_related("criterion").order_by(
        "criterion__order", "order", "id"
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
        old.pk: new.pk
        for old, new in zip(
            project.missions.order_by("order", "id"), renewal.missions.order_by("order", "id"), strict=True
        )
    }
    last = latest_round(project)
    if last is not None:
        previous = {
            (mission_map[cell.mission_id], indicator_map[cell.indicator_id]): cell
            for cell in last.cells.all()
            if cell.indicator_id in indicator_map
        }
        assessment_round = AssessmentRound.objects.create(
            project=renewal,
            number=1,
            created_by=user,
            note=f"ตั้งต้นจากผลการประเมินรอบสุดท้ายของปีงบประมาณ {project.fiscal_year + 543}",
        )
        round_cells_ensure(assessment_round=assessment_round, previous=previous)
        round_score_store(assessment_round=assessment_round)
    return renewal
