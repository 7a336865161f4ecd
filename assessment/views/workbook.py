"""The grid of a round as an Excel workbook: download, upload with a
preview of every change, and apply after confirmation through the same
write path as the web grid (``services.round_cells_save``)."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST, require_safe

from agencies import audit
from agencies.models import AccessEvent
from assessment import grid, services
from assessment.access import get_project_for_user
from assessment.frame import project_frame, project_state
from assessment.models import Assessment
from assessment.views.rounds import _round_for, round_is_editable
from assessment.workbook_upload import WorkbookRefused, read_grid_workbook
from assessment.workbooks import MAX_UPLOAD, grid_workbook
from assessment.writes import EditConflict
from pso_site.lib.uploads import too_large
from pso_site.lib.xlsx import XLSX


class WorkbookForm(forms.Form):
    workbook = forms.FileField(
        label=gettext_lazy("Filled workbook (.xlsx)"),
        error_messages={
            "required": gettext_lazy("Choose the workbook to upload."),
            "empty": gettext_lazy("The file is empty."),
        },
    )

    def clean_workbook(self):
        upload = self.cleaned_data["workbook"]
        if not upload.name.lower().endswith(".xlsx"):
            raise forms.ValidationError(_("Upload the .xlsx workbook downloaded from this round."))
        if upload.size > MAX_UPLOAD:
            raise forms.ValidationError(_("The file is too large (at most 10 MB)."))
        return upload


@login_required
@require_safe
def workbook_download(request, pk: int, number: int):
    project = get_project_for_user(request.user, pk)
    state = project_state(request, project)
    assessment_round = _round_for(state, number)
    content = grid_workbook(project, assessment_round, state.data.missions, state.data.indicators)
    audit.record(request, AccessEvent.Action.EXPORT, f"{project} · round {number}.xlsx")
    response = HttpResponse(content, content_type=XLSX)
    filename = (
        f"pso-{project.standard.code}-{project.agency.code}-{project.fiscal_year_be}-round-{number}.xlsx"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
@require_POST
def workbook_upload(request, pk: int, number: int):
    """Read the workbook and show what it would change; saves nothing."""
    project = get_project_for_user(request.user, pk, write=True)
    state = project_state(request, project)
    assessment_round = _round_for(state, number)
    context = project_frame(request, project, current_step=6)
    context.update({"round": assessment_round, "editable": round_is_editable(state, assessment_round)})
    form = WorkbookForm(request.POST, request.FILES)
    reading, problems = None, []
    if too_large(request):  # the body was over the upload limit: its file was dropped unread
        problems = [_("The file is too large (at most 10 MB).")]
    elif form.is_valid():
        try:
            reading = read_grid_workbook(
                form.cleaned_data["workbook"].read(), project=project, assessment_round=assessment_round
            )
        except WorkbookRefused as refusal:
            problems = refusal.messages
    missions = {mission.pk: mission for mission in state.data.missions}
    indicators = {indicator.pk: indicator for indicator in state.data.indicators}
    if reading is not None:
        for change in reading.changes + reading.conflicts:
            change.mission = missions.get(change.cell.mission_id)
            change.indicator = indicators.get(change.cell.indicator_id)
        context["apply_token"] = reading.apply_token(missions, assessment_round)
    context.update({"form": form, "reading": reading, "problems": problems})
    status = 200 if reading is not None else 400
    return render(request, "assessment/workbook_preview.html", context, status=status)


@login_required
@require_POST
def workbook_apply(request, pk: int, number: int):
    """Apply the previewed changes: the same service as the web grid, which
    takes the project's lock and refuses cells changed since the download."""
    project = get_project_for_user(request.user, pk, write=True)
    assessment_round = _round_for(project_state(request, project), number)
    cells = list(Assessment.objects.filter(round=assessment_round))
    loaded = grid.loaded_cells(
        request.POST.get("snapshot", ""), assessment_round=assessment_round, form="workbook"
    )
    submission = grid.parse_grid(request.POST, cells, loaded)
    if not submission.is_valid or not submission.values:
        messages.error(request, _("Nothing was saved: upload the workbook again."))
        return redirect("assessment:round", pk=pk, number=number)
    try:
        count = services.round_cells_save(
            project_id=project.pk,
            round_number=number,
            user=request.user,
            token=request.POST.get("snapshot", ""),
            values=submission.values,
            typed=submission.typed,
            form="workbook",
        )
    except services.RoundNotEditable as refusal:
        messages.error(request, refusal.message)
    except services.GridConflict as conflict:
        messages.error(
            request,
            _(
                "Nothing was saved: %(count)s of these cells were changed by someone else since the preview. Upload the workbook again to see them."
            )
            % {"count": len(conflict.conflicts)},
        )
    except EditConflict:
        messages.error(request, _("Nothing was saved: the preview is too old. Upload the workbook again."))
    else:
        messages.success(
            request,
            ngettext(
                "Saved %(count)s changed cell of round %(number)s from the workbook.",
                "Saved %(count)s changed cells of round %(number)s from the workbook.",
                count,
            )
            % {"count": count, "number": number},
        )
    return redirect("assessment:round", pk=pk, number=number)
