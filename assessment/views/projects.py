"""Creating a project, its overview page and its history."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import IntegrityError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from agencies.access import get_agency_for_user
from assessment import history, services
from assessment.access import get_project_for_user
from assessment.forms import ProjectCreateForm
from assessment.frame import overview_context, project_frame, step_address

HISTORY_PAGE_SIZE = 50


@login_required
def project_create(request, code: str):
    agency = get_agency_for_user(request.user, code, write=True)
    form = ProjectCreateForm(request.POST if request.method == "POST" else None, agency=agency)
    if request.method == "POST" and form.is_valid():
        try:
            project = services.project_create(
                agency=agency,
                standard=form.cleaned_data["standard"],
                fiscal_year=form.cleaned_data["fiscal_year"],
                user=request.user,
                copy_from=form.cleaned_data["copy_from"],
            )
        except IntegrityError:
            # Someone created the same project a moment ago.
            form.add_error(None, _("This agency already has a project for this standard and fiscal year."))
        else:
            if getattr(form, "converted", ""):
                messages.info(request, form.converted)
            messages.success(request, _("Project created. Start with step 1."))
            return redirect("assessment:project", pk=project.pk)
    return render(request, "assessment/project_create.html", {"agency": agency, "form": form})


@login_required
@require_safe
def project_detail(request, pk: int):
    project = get_project_for_user(request.user, pk)
    context = project_frame(request, project)
    state = context["state"]
    context["rounds"] = state.rounds
    context.update(overview_context(state))
    # Where the work goes on: the first step that is not complete, for those who may do it.
    pending = next((step for step in state.steps if not step.is_complete), None)
    if pending is not None and project.is_editable and state.can_edit:
        context["next_step"] = pending
        context["next_step_url"] = step_address(project, pending.number)
    return render(request, "assessment/project.html", context)


@login_required
@require_safe
def project_history(request, pk: int):
    project = get_project_for_user(request.user, pk)
    context = project_frame(request, project)
    page = Paginator(history.project_changes(project), HISTORY_PAGE_SIZE).get_page(request.GET.get("page"))
    context["page"] = page
    context["entries"] = history.shown(page)
    return render(request, "assessment/history.html", context)
