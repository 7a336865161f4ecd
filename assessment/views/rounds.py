"""Step 6 (and the re-assessments of step 8): the assessment grid."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from assessment import concurrency, services, snapshots
from assessment.access import get_project_for_user
from assessment.evidence import EvidenceForm
from assessment.grid import grid_changes, parse_grid
from assessment.models import Assessment, AssessmentRound, EvidenceFile, Indicator, Mission
from assessment.results import ProjectData
from assessment.views.common import conflict_message, last_editor_since, project_frame
from assessment.views.steps import lock_project
from pso_site.files import stored_file_response


def _round_for(project, number: int) -> AssessmentRound:
    return get_object_or_404(AssessmentRound, project=project, number=number)


def round_is_editable(project, assessment_round: AssessmentRound, latest: AssessmentRound | None) -> bool:
    """Only the latest round changes; earlier rounds are kept as they were."""
    return project.is_editable and latest is not None and assessment_round.pk == latest.pk


@login_required
@require_safe
def round_current(request, pk: int):
    project = get_project_for_user(request.user, pk)
    latest = services.latest_round(project)
    if latest is not None:
        return redirect("assessment:round", pk=pk, number=latest.number)
    data = ProjectData.load(project)
    context = project_frame(request, project, data=data, current_step=6)
    context["ready_to_start"] = bool(data.missions and data.indicators)
    return render(request, "assessment/round_start.html", context)


@login_required
@require_POST
def round_start(request, pk: int):
    project = get_project_for_user(request.user, pk, write=True)
    latest = services.latest_round(project)
    data = ProjectData.load(project)
    if not (data.missions and data.indicators):
        messages.error(request, _("Define the missions (step 3) and indicators (step 5) before assessing."))
        return redirect("assessment:round_current", pk=pk)
    if latest is not None and not latest.is_complete:
        messages.error(
            request, _("Complete round %(number)s before starting a new one.") % {"number": latest.number}
        )
        return redirect("assessment:round", pk=pk, number=latest.number)
    new_round = services.round_create(project=project, user=request.user, prefill_from=latest)
    messages.success(request, _("Round %(number)s started.") % {"number": new_round.number})
    return redirect("assessment:round", pk=pk, number=new_round.number)


def _grid_context(request, project, assessment_round, latest):
    missions = list(Mission.objects.filter(project=project).order_by("order", "id"))
    indicators = list(
        Indicator.objects.filter(project=project)
        .select_related("criterion")
        .order_by("criterion__order", "order", "id")
    )
    cells = list(Assessment.objects.filter(round=assessment_round))
    evidence_counts = {}
    for cell_id in EvidenceFile.objects.filter(cell__round=assessment_round).values_list(
        "cell_id", flat=True
    ):
        evidence_counts[cell_id] = evidence_counts.get(cell_id, 0) + 1
    by_pair = {(cell.mission_id, cell.indicator_id): cell for cell in cells}
    rows = [
        {"mission": mission, "cells": [by_pair.get((mission.pk, indicator.pk)) for indicator in indicators]}
        for mission in missions
    ]
    for cell in cells:
        cell.evidence_count = evidence_counts.get(cell.pk, 0)
    return {"missions": missions, "indicators": indicators, "rows": rows, "cells": cells}


@login_required
def round_grid(request, pk: int, number: int):
    if request.method != "POST":
        return _round_grid(request, pk, number)
    with transaction.atomic():
        lock_project(pk)
        return _round_grid(request, pk, number)


def _round_grid(request, pk: int, number: int):
    project = get_project_for_user(request.user, pk, write=request.method == "POST")
    assessment_round = _round_for(project, number)
    latest = services.latest_round(project)
    editable = round_is_editable(project, assessment_round, latest)
    if editable and request.method == "GET":
        services.round_cells_ensure(assessment_round=assessment_round)
    if request.method == "POST" and not editable:
        messages.error(
            request,
            _("Round %(number)s is kept as it was: only the latest round can change.") % {"number": number},
        )
        return redirect("assessment:round", pk=pk, number=number)

    grid = _grid_context(request, project, assessment_round, latest)
    submitted, errors, conflicts, conflict = {}, {}, [], None
    if request.method == "POST":
        submission = parse_grid(request.POST, grid["cells"])
        submitted, errors = submission.values, submission.errors
        loaded = concurrency.loaded_snapshot(request.POST.get("snapshot", "")) or {}
        mine, conflicts = grid_changes(submission, grid["cells"], loaded)
        if conflicts:
            editor = last_editor_since(
                project, 6, request.POST.get("snapshot", ""), round_id=assessment_round.pk
            )
            conflict = {"message": conflict_message(editor), "changes": []}
        if submission.is_valid and not conflicts:
            with transaction.atomic():
                for cell in mine:
                    cell.level, cell.justification = submission.values[cell.pk]
                    cell.save(update_fields=["level", "justification"])
                services.round_score_store(assessment_round=assessment_round)
            messages.success(
                request,
                _("Saved %(count)s changed cells of round %(number)s.")
                % {"count": len(mine), "number": number},
            )
            return redirect("assessment:round", pk=pk, number=number)
        if errors:
            messages.error(request, _("Nothing was saved: correct the highlighted cells and save again."))
    for cell in grid["cells"]:
        if cell.pk in submitted:
            cell.shown_level, cell.shown_justification = submitted[cell.pk]
        else:
            cell.shown_level, cell.shown_justification = cell.level, cell.justification
        cell.error = errors.get(cell.pk, "")
    context = project_frame(request, project, current_step=6)
    context.update(grid)
    context.update(
        {
            "round": assessment_round,
            "rounds": list(project.rounds.order_by("number")),
            "editable": editable and context["can_edit"],
            "snapshot_token": concurrency.snapshot_token(snapshots.step6(assessment_round)),
            "conflict": conflict,
            "grid_conflicts": conflicts,
            "levels": range(4),
        }
    )
    return render(request, "assessment/round_grid.html", context, status=200)


@login_required
def cell_detail(request, pk: int, number: int, cell_id: int):
    project = get_project_for_user(request.user, pk, write=request.method == "POST")
    assessment_round = _round_for(project, number)
    cell = get_object_or_404(
        Assessment.objects.select_related("mission", "indicator__criterion"),
        pk=cell_id,
        round=assessment_round,
    )
    latest = services.latest_round(project)
    editable = round_is_editable(project, assessment_round, latest)
    form = EvidenceForm()
    if request.method == "POST":
        if not editable:
            raise Http404
        form = EvidenceForm(request.POST, request.FILES)
        if form.is_valid():
            evidence = EvidenceFile(cell=cell)
            evidence.fill_from_upload(
                upload=form.cleaned_data["file"],
                sha256=form.sha256,
                content_type=form.content_type,
                user=request.user,
            )
            messages.success(
                request, _("Evidence file %(name)s attached.") % {"name": evidence.original_name}
            )
            return redirect("assessment:cell", pk=pk, number=number, cell_id=cell.pk)
    context = project_frame(request, project, current_step=6)
    context.update(
        {
            "round": assessment_round,
            "cell": cell,
            "evidence": cell.evidence.select_related("uploaded_by"),
            "form": form,
            "editable": editable and context["can_edit"],
        }
    )
    return render(request, "assessment/cell.html", context)


@login_required
@require_safe
def evidence_download(request, pk: int, evidence_id: int):
    project = get_project_for_user(request.user, pk)
    evidence = get_object_or_404(EvidenceFile, pk=evidence_id, cell__round__project=project)
    return stored_file_response(evidence)
