"""Changes of certification projects (steps 1–6): one service per change,
called by views, import, the demo and admin actions alike. Every service
that changes a project runs inside ``writes.project_for_write`` (row lock
first, then state, role and conflicts)."""

from collections.abc import Collection
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from agencies.models import Agency, Standard
from agencies.models import MissionCategory as CatalogueCategory
from assessment import grid, results, rules, snapshots
from assessment.models import (
    Assessment,
    AssessmentRound,
    EvidenceFile,
    Indicator,
    Mission,
    MissionCategory,
    Project,
    ProjectCriterion,
)
from assessment.progress import progress_store
from assessment.writes import EditConflict, check_unchanged, last_editor_since, project_for_write
from pso_site.lib.refusals import Refusal

DEFAULT_BUDGETS = {
    MissionCategory.MAIN: Decimal(60),
    MissionCategory.SECONDARY: Decimal(30),
    MissionCategory.SUPPORT: Decimal(10),
}


class RuleViolation(Refusal):
    """Input that breaks a rule of docs/domain.md §2, found under the lock."""

    def __init__(self, problems: list[str]):
        super().__init__(*problems)

    @property
    def problems(self) -> list[str]:
        return self.messages


class RoundNotEditable(Refusal):
    """The round cannot change (not the latest, or the project is not a draft)."""


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


@transaction.atomic
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


# Steps 1–2 -----------------------------------------------------------------


def vision_save(*, project_id: int, user, token: str, vision: str) -> Project:
    with project_for_write(project_id=project_id, user=user) as project:
        check_unchanged(project=project, section=snapshots.STEP_SECTIONS[1], token=token)
        if project.vision != vision:
            project.vision = vision
            project.save(update_fields=["vision", "updated_at"])
        return project


def mission_statement_save(
    *, project_id: int, user, token: str, mission_statement: str, goals: str, objectives: str
) -> Project:
    with project_for_write(project_id=project_id, user=user) as project:
        check_unchanged(project=project, section=snapshots.STEP_SECTIONS[2], token=token)
        values = {"mission_statement": mission_statement, "goals": goals, "objectives": objectives}
        changed = [name for name, value in values.items() if getattr(project, name) != value]
        if changed:
            for name in changed:
                setattr(project, name, values[name])
            project.save(update_fields=[*changed, "updated_at"])
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
        changed = [name for name, value in new_budgets.items() if getattr(project, name) != value]
        if changed:
            for name in changed:
                setattr(project, name, new_budgets[name])
            project.save(update_fields=[*changed, "updated_at"])

        existing = {m.pk: m for m in Mission.objects.filter(project=project).prefetch_related("outcomes")}
        kept = {row.id for row in rows if row.id in existing}
        for mission in existing.values():
            if mission.pk not in kept:
                mission.delete()
        for order, row in enumerate(rows, start=1):
            mission = existing.get(row.id) or Mission(project=project)
            values = {name: getattr(row, name) for name in MISSION_FIELDS}
            values["order"] = order
            if mission.pk is None or any(getattr(mission, name) != value for name, value in values.items()):
                for name, value in values.items():
                    setattr(mission, name, value)
                mission.save()
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
            if indicator.pk is None or any(
                getattr(indicator, name) != value for name, value in values.items()
            ):
                for name, value in values.items():
                    setattr(indicator, name, value)
                indicator.save()
        rounds_rescore(project=project)
        return project


# Step 6: rounds, cells, evidence ------------------------------------------------


def latest_round(project: Project) -> AssessmentRound | None:
    return AssessmentRound.objects.filter(project=project).order_by("-number").first()


def round_start(*, project_id: int, user) -> AssessmentRound:
    """A new round, pre-filled from the latest one, once that one is complete."""
    with project_for_write(project_id=project_id, user=user) as project:
        latest = latest_round(project)
        if not (
            Mission.objects.filter(project=project).exists()
            and Indicator.objects.filter(project=project).exists()
        ):
            raise RoundNotEditable(
                _("Define the missions (step 3) and indicators (step 5) before assessing.")
            )
        if latest is not None and not latest.is_complete:
            raise RoundNotEditable(
                _("Complete round %(number)s before starting a new one.") % {"number": latest.number}
            )
        return round_create(project=project, user=user, prefill_from=latest)


def round_is_untouched(assessment_round: AssessmentRound) -> bool:
    """Nothing entered since the round started: every cell as it was
    pre-filled (empty for a first round, the previous round's values
    otherwise) and no evidence attached."""
    if EvidenceFile.objects.filter(cell__round=assessment_round, from_round__isnull=True).exists():
        return False  # evidence carried from the earlier round is not work entered in this one
    previous = (
        AssessmentRound.objects.filter(
            project_id=assessment_round.project_id, number__lt=assessment_round.number
        )
        .order_by("-number")
        .first()
    )
    before = {}
    if previous is not None:
        before = {
            (mission, indicator): (level, justification)
            for mission, indicator, level, justification in Assessment.objects.filter(
                round=previous
            ).values_list("mission_id", "indicator_id", "level", "justification")
        }
    for mission, indicator, level, justification in Assessment.objects.filter(
        round=assessment_round
    ).values_list("mission_id", "indicator_id", "level", "justification"):
        if (level, justification) != before.get((mission, indicator), (None, "")):
            return False
    return True


def round_discard(*, project_id: int, round_number: int, user) -> int:
    """Remove the latest round when it was started by mistake: only while
    nothing has been entered in it. Returns the number of the round that is
    the latest again (0 when none is left)."""
    with project_for_write(project_id=project_id, user=user) as project:
        assessment_round = _latest_round_for_write(project, round_number)
        if not round_is_untouched(assessment_round):
            raise RoundNotEditable(
                _("Round %(number)s already holds entered work: it cannot be removed.")
                % {"number": round_number}
            )
        assessment_round.delete()
        latest = latest_round(project)
        return latest.number if latest else 0


def _latest_round_for_write(project: Project, number: int) -> AssessmentRound:
    assessment_round = AssessmentRound.objects.filter(project=project, number=number).first()
    if assessment_round is None:
        raise Http404("No such round.")
    if assessment_round.pk != latest_round(project).pk:
        raise RoundNotEditable(
            _("Round %(number)s is kept as it was: only the latest round can change.") % {"number": number}
        )
    return assessment_round


@dataclass
class GridConflict(Exception):
    conflicts: list[grid.CellConflict]
    editor: str = ""


def round_cells_save(
    *,
    project_id: int,
    round_number: int,
    user,
    token: str,
    values: dict[int, tuple[int | None, str]],
    typed: Collection[int] = (),
    form: str = "grid",
) -> int:
    """Save the cells in ``values`` (cell id → level, justification); cells
    not in it are unchanged. Only cells that someone else changed since the
    grid was loaded, and to something else, conflict. The token must be the
    one ``form`` was made with for this round, and describe every cell the
    person ``typed`` (not one of another block or page): otherwise the save
    is refused as stale. Returns how many cells changed."""
    with project_for_write(project_id=project_id, user=user) as project:
        assessment_round = _latest_round_for_write(project, round_number)
        loaded = grid.loaded_cells(token, assessment_round=assessment_round, form=form)
        if loaded is None:
            raise EditConflict(stale=True)
        cells = list(
            Assessment.objects.filter(round=assessment_round, pk__in=values.keys()).select_related(
                "mission", "indicator"
            )
        )
        for cell in cells:
            cell.round = assessment_round  # the history names the round without a query per cell
        if len(cells) != len(values):
            raise Http404("No such cell.")
        if any(cell.pk in typed and snapshots.cell_key(cell) not in loaded for cell in cells):
            raise EditConflict(stale=True)
        mine, conflicts = grid.cell_changes(values, cells, loaded)
        if conflicts:
            raise GridConflict(conflicts, last_editor_since(token, snapshots.round_history(assessment_round)))
        for cell in mine:
            if cell.justification != values[cell.pk][1]:
                cell.carried_over = False  # rewritten for this cycle
            cell.level, cell.justification = values[cell.pk]
            cell.save(update_fields=["level", "justification", "carried_over"])
        if mine:
            round_score_store(assessment_round=assessment_round)
        return len(mine)


def evidence_attach(
    *,
    project_id: int,
    round_number: int,
    cell_id: int,
    user,
    upload,
    sha256: str,
    content_type: str,
    scope: str = "cell",
) -> list[EvidenceFile]:
    """Attach a checked upload (``assessment.evidence.CellEvidenceForm``) to a
    cell of the latest round, and with ``scope`` "column" or "row" to every
    cell of its indicator or its mission: the bytes are stored once, each
    cell lists the file."""
    with project_for_write(project_id=project_id, user=user) as project:
        assessment_round = _latest_round_for_write(project, round_number)
        cell = Assessment.objects.filter(round=assessment_round, pk=cell_id).first()
        if cell is None:
            raise Http404("No such cell.")
        cells = Assessment.objects.filter(round=assessment_round).select_related("mission", "indicator")
        if scope == "column":
            cells = cells.filter(indicator_id=cell.indicator_id)
        elif scope == "row":
            cells = cells.filter(mission_id=cell.mission_id)
        else:
            cells = cells.filter(pk=cell.pk)
        attached = []
        for target in cells.order_by("mission__order", "indicator__order", "pk"):
            target.round = assessment_round  # the history names the round without a query per cell
            if not attached:
                evidence = EvidenceFile(cell=target)
                evidence.fill_from_upload(upload=upload, sha256=sha256, content_type=content_type, user=user)
            else:
                evidence = attached[0].sharing(cell=target, uploaded_by=user)
                evidence.save()
            attached.append(evidence)
        return attached


def carried_confirm(*, project_id: int, round_number: int, user, cell_ids: list[int]) -> int:
    """The person read these carried-over justifications and they still
    hold for this cycle: they stop being marked."""
    with project_for_write(project_id=project_id, user=user) as project:
        assessment_round = _latest_round_for_write(project, round_number)
        cells = list(
            Assessment.objects.filter(
                round=assessment_round, pk__in=cell_ids, carried_over=True
            ).select_related("mission", "indicator")
        )
        for cell in cells:
            cell.round = assessment_round
            cell.carried_over = False
            cell.save(update_fields=["carried_over"])
        if cells:
            round_score_store(assessment_round=assessment_round)
        return len(cells)


def evidence_carry(*, previous: AssessmentRound, assessment_round: AssessmentRound) -> int:
    """Give the cells of a new round the evidence of the same cells in the
    round it starts from, marked as from that round (the bytes are shared)."""
    new_cells = {
        (mission, indicator): pk
        for pk, mission, indicator in Assessment.objects.filter(round=assessment_round).values_list(
            "pk", "mission_id", "indicator_id"
        )
    }
    carried = [
        item.sharing(
            cell_id=new_cells[(item.cell.mission_id, item.cell.indicator_id)],
            from_round=item.from_round or previous.number,
        )
        for item in EvidenceFile.objects.filter(cell__round=previous).select_related("cell")
        if (item.cell.mission_id, item.cell.indicator_id) in new_cells
    ]
    EvidenceFile.objects.bulk_create(carried)
    return len(carried)


@transaction.atomic
def round_create(
    *, project: Project, user=None, prefill_from: AssessmentRound | None = None, note: str = ""
) -> AssessmentRound:
    """Start an assessment round with a cell for every (mission, indicator)
    pair, pre-filled from ``prefill_from`` when given. Callers hold the lock."""
    last = latest_round(project)
    assessment_round = AssessmentRound.objects.create(
        project=project, number=(last.number + 1) if last else 1, created_by=user, note=note
    )
    previous = {}
    if prefill_from is not None:
        previous = {
            (cell.mission_id, cell.indicator_id): cell
            for cell in Assessment.objects.filter(round=prefill_from).only(
                "mission_id", "indicator_id", "level", "justification"
            )
        }
    round_cells_ensure(assessment_round=assessment_round, previous=previous)
    if prefill_from is not None:
        evidence_carry(previous=prefill_from, assessment_round=assessment_round)
    round_score_store(assessment_round=assessment_round)
    return assessment_round


def round_cells_ensure(*, assessment_round: AssessmentRound, previous: dict | None = None) -> None:
    """Create the cells a round lacks (missions or indicators added since it
    started); existing cells are left alone."""
    previous = previous or {}
    project_id = assessment_round.project_id
    existing = set(
        Assessment.objects.filter(round=assessment_round).values_list("mission_id", "indicator_id")
    )
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
    # Weights saved as a draft that do not add up to 100 give a meaningless
    # total (beyond 100, even): the round keeps the total of its last valid
    # weights and counts as incomplete until the weights add up again.
    weights = assessment_round.project.criteria.values_list("weight", flat=True)
    total_valid = not rules.weight_problems(list(weights)) and 0 <= score.total <= 100
    if total_valid:
        assessment_round.total_score = results.display(score.total)
    assessment_round.criterion_levels = {
        key: str(results.display(level)) for key, level in score.criterion_level.items()
    }
    complete = (
        total_valid
        and score.is_complete
        and not score.criteria_without_indicators
        and bool(score.mission_score)
    )
    if complete and not results.round_has_missing_justification(assessment_round):
        if assessment_round.completed_at is None:
            assessment_round.completed_at = timezone.now()
        assessment_round.is_complete = True
    else:
        assessment_round.completed_at = None
        assessment_round.is_complete = False
    assessment_round.save(update_fields=["total_score", "criterion_levels", "completed_at", "is_complete"])
    return assessment_round


def rounds_rescore(*, project: Project) -> None:
    """After a change to missions, weights or indicators: give the latest
    round the cells it lacks and store its results again (earlier rounds are
    kept as they were)."""
    assessment_round = latest_round(project)
    if assessment_round is not None:
        round_cells_ensure(assessment_round=assessment_round)
        round_score_store(assessment_round=assessment_round)


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
