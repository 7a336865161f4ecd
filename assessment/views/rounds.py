"""Step 6 (and the re-assessments of step 8): the assessment grid."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST, require_safe

from agencies import audit
from agencies.models import AccessEvent
from assessment import grid as grid_module
from assessment import services
from assessment.access import get_project_for_user
from assessment.evidence import CellEvidenceForm
from assessment.frame import project_frame, project_state
from assessment.grid import parse_grid
from assessment.models import Assessment, AssessmentRound, EvidenceFile
from assessment.views.grid_cells import GridInput, grid_page
from assessment.writes import EditConflict
from pso_site.lib.files import stored_file_response
from pso_site.lib.ids import parse_id
from pso_site.lib.uploads import too_large


def _round_for(state, number: int) -> AssessmentRound:
    for assessment_round in state.rounds:
        if assessment_round.number == number:
            return assessment_round
    return get_object_or_404(AssessmentRound, project=state.project, number=number)


def round_is_editable(state, assessment_round: AssessmentRound) -> bool:
    """Only the latest round changes; earlier rounds are kept as they were."""
    latest = state.latest_round
    return state.can_edit and latest is not None and assessment_round.pk == latest.pk


@login_required
@require_safe
def round_current(request, pk: int):
    project = get_project_for_user(request.user, pk)
    state = project_state(request, project)
    if state.latest_round is not None:
        return redirect("assessment:round", pk=pk, number=state.latest_round.number)
    context = project_frame(request, project, current_step=6)
    context["ready_to_start"] = bool(state.data.missions and state.data.indicators)
    return render(request, "assessment/round_start.html", context)


@login_required
@require_POST
def round_start(request, pk: int):
    get_project_for_user(request.user, pk, write=True)
    try:
        new_round = services.round_start(project_id=pk, user=request.user)
    except services.RoundNotEditable as refusal:
        messages.error(request, refusal.message)
        return redirect("assessment:round_current", pk=pk)
    messages.success(request, _("Round %(number)s started.") % {"number": new_round.number})
    return redirect("assessment:round", pk=pk, number=new_round.number)


@login_required
@require_POST
def carried_confirm(request, pk: int, number: int):
    """Confirm the carried-over justifications of the cells the page showed."""
    get_project_for_user(request.user, pk, write=True)
    ids = [cell for cell in map(parse_id, request.POST.getlist("cell")) if cell is not None][
        : grid_module.CELLS_PER_BLOCK
    ]
    try:
        count = services.carried_confirm(project_id=pk, round_number=number, user=request.user, cell_ids=ids)
    except services.RoundNotEditable as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(
            request, _("%(count)s carried-over justifications confirmed for this cycle.") % {"count": count}
        )
    block = request.POST.get("block", "")
    url = reverse("assessment:round", args=[pk, number])
    return redirect(f"{url}?block={block}" if parse_id(block) is not None else url)


@login_required
@require_POST
def round_discard(request, pk: int, number: int):
    get_project_for_user(request.user, pk, write=True)
    try:
        latest = services.round_discard(project_id=pk, round_number=number, user=request.user)
    except services.RoundNotEditable as refusal:
        messages.error(request, refusal.message)
        return redirect("assessment:round", pk=pk, number=number)
    messages.success(
        request, _("Round %(number)s was removed; nothing had been entered in it.") % {"number": number}
    )
    return (
        redirect("assessment:round", pk=pk, number=latest)
        if latest
        else redirect("assessment:round_current", pk=pk)
    )


def _block_number(raw, blocks, default: int = 1) -> int:
    """The block asked for, within the blocks there are."""
    try:
        number = int(raw)
    except (TypeError, ValueError):
        number = default
    return min(max(number, 1), max(len(blocks), 1))


def _grid(state, assessment_round, missions):
    """Rows of one block of the grid, with the evidence count of each cell
    (fixed queries)."""
    data = state.data
    cells = list(
        Assessment.objects.filter(round=assessment_round, mission__in=[mission.pk for mission in missions])
        .annotate(evidence_count=Count("evidence"))
        .order_by("mission_id", "indicator_id")
    )
    indicators_by_pk = {indicator.pk: indicator for indicator in data.indicators}
    for cell in cells:
        cell.indicator = indicators_by_pk.get(cell.indicator_id)
    by_pair = {(cell.mission_id, cell.indicator_id): cell for cell in cells}
    rows = [
        {
            "mission": mission,
            "cells": [by_pair.get((mission.pk, indicator.pk)) for indicator in data.indicators],
        }
        for mission in missions
    ]
    return {"indicators": data.indicators, "rows": rows, "cells": cells}


def _cells_to_parse(request, assessment_round, block_cells):
    """The cells a submission may set: those of the block shown, and, when
    a column is filled, the rest of that column in the round."""
    filled = grid_module.column_fills(request.POST)
    if not filled:
        return block_cells
    shown = {cell.pk for cell in block_cells}
    others = Assessment.objects.filter(round=assessment_round, indicator__in=filled.keys()).exclude(
        pk__in=shown
    )
    return block_cells + list(others)


@login_required
def round_grid(request, pk: int, number: int):
    """A block of the round's grid: shown, or saved (parse → save), and on a
    refusal shown again with what was typed (``grid_cells.grid_page``)."""
    project = get_project_for_user(request.user, pk, write=request.method == "POST")
    state = project_state(request, project)
    assessment_round = _round_for(state, number)
    missions = state.data.missions
    blocks = grid_module.mission_blocks(len(missions), len(state.data.indicators))
    block = _block_number(
        request.POST.get("block") if request.method == "POST" else request.GET.get("block"), blocks
    )
    grid = _grid(state, assessment_round, [missions[i] for i in blocks[block - 1]] if blocks else [])
    typed = GridInput()
    if request.method == "POST":
        outcome = _grid_save(request, project, assessment_round, grid["cells"], blocks, block)
        if isinstance(outcome, HttpResponseRedirect):
            return outcome
        typed = outcome
    editable = round_is_editable(state, assessment_round)
    context = project_frame(request, project, current_step=6)
    context.update(
        grid_page(
            state,
            assessment_round,
            grid,
            typed,
            editable=editable,
            round_url=reverse("assessment:round", args=[pk, number]),
            blocks=blocks,
            block=block,
        )
    )
    context["discardable"] = (
        # Only a later round can be removed (the first is where work starts).
        editable
        and assessment_round.number > 1
        and assessment_round.pk == state.latest_round.pk
        and services.round_is_untouched(assessment_round)
    )
    return render(request, "assessment/round_grid.html", context)


def _grid_save(request, project, assessment_round, cells, blocks, block) -> HttpResponseRedirect | GridInput:
    """Parse the block (and any column filled) and save it through the one
    write path: a redirect when saved or refused outright, else what was
    typed and why it was not saved, to show again."""
    token = request.POST.get("snapshot", "")
    loaded = grid_module.loaded_cells(token, assessment_round=assessment_round)
    submission = parse_grid(request.POST, _cells_to_parse(request, assessment_round, cells), loaded)
    typed = GridInput(
        submitted=submission.values,
        errors=submission.errors,
        fill_errors=submission.fill_errors,
        loaded=loaded,
        token=token,
        post=request.POST,
    )
    if not submission.is_valid:
        messages.error(request, _("Nothing was saved: correct the highlighted cells and save again."))
        return typed
    try:
        count = services.round_cells_save(
            project_id=project.pk,
            round_number=assessment_round.number,
            user=request.user,
            token=token,
            values=submission.values,
            typed=submission.typed,
        )
    except services.RoundNotEditable as refusal:
        messages.error(request, refusal.message)
        return redirect("assessment:round", pk=project.pk, number=assessment_round.number)
    except services.GridConflict as error:
        typed.conflicts = error.conflicts
        typed.conflict = EditConflict(editor=error.editor).as_context()
        typed.token = None
        return typed
    except EditConflict as error:
        typed.conflict = error.as_context()
        typed.token = None
        return typed
    messages.success(
        request,
        ngettext(
            "Saved %(count)s changed cell of round %(number)s.",
            "Saved %(count)s changed cells of round %(number)s.",
            count,
        )
        % {"count": count, "number": assessment_round.number},
    )
    go_to = _block_number(request.POST.get("go"), blocks, default=block)
    return redirect(_grid_url(project.pk, assessment_round.number, go_to, len(blocks)))


def _grid_url(pk: int, number: int, block: int, block_count: int) -> str:
    url = reverse("assessment:round", args=[pk, number])
    return f"{url}?block={block}" if block_count > 1 else url


@login_required
def cell_detail(request, pk: int, number: int, cell_id: int):
    project = get_project_for_user(request.user, pk, write=request.method == "POST")
    state = project_state(request, project)
    assessment_round = _round_for(state, number)
    cell = get_object_or_404(
        Assessment.objects.select_related("mission", "indicator__criterion"),
        pk=cell_id,
        round=assessment_round,
    )
    form = CellEvidenceForm()
    if request.method == "POST":
        form = CellEvidenceForm(request.POST, request.FILES, too_large=too_large(request))
        if form.is_valid():
            try:
                attached = services.evidence_attach(
                    project_id=project.pk,
                    round_number=number,
                    cell_id=cell.pk,
                    user=request.user,
                    upload=form.cleaned_data["file"],
                    sha256=form.sha256,
                    content_type=form.content_type,
                    scope=form.cleaned_data["scope"],
                )
            except services.RoundNotEditable as refusal:
                messages.error(request, refusal.message)
            else:
                messages.success(
                    request,
                    ngettext(
                        "Evidence file %(name)s attached to %(count)s cell.",
                        "Evidence file %(name)s attached to %(count)s cells.",
                        len(attached),
                    )
                    % {"name": attached[0].original_name, "count": len(attached)},
                )
            return redirect("assessment:cell", pk=pk, number=number, cell_id=cell.pk)
    context = project_frame(request, project, current_step=6)
    context.update(
        {
            "round": assessment_round,
            "cell": cell,
            "evidence": cell.evidence.select_related("uploaded_by"),
            "form": form,
            "editable": round_is_editable(state, assessment_round),
        }
    )
    return render(request, "assessment/cell.html", context)


@login_required
@require_safe
def evidence_download(request, pk: int, evidence_id: int):
    project = get_project_for_user(request.user, pk)
    evidence = get_object_or_404(EvidenceFile, pk=evidence_id, cell__round__project=project)
    audit.record(request, AccessEvent.Action.EVIDENCE, f"{project} · {evidence.original_name}")
    return stored_file_response(evidence)
