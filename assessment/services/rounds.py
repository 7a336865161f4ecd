"""Step 6: assessment rounds, their cells and evidence, and the results each
round stores (computed by ``assessment.scoring``)."""

from collections.abc import Collection
from dataclasses import dataclass

from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from assessment import grid, results, rules, snapshots
from assessment.models import (
    Assessment,
    AssessmentRound,
    EvidenceFile,
    Indicator,
    Mission,
    Project,
)
from assessment.services.refusals import RoundNotEditable
from assessment.writes import EditConflict, last_editor_since, project_for_write


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
