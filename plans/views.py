"""Steps 7–8: targets and plans, activities and their progress, the
timeline. Views fetch, check access, validate, and hand the change to
``plans.services``; a refused save shows the page again with what was typed."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe

from agencies import audit
from agencies.access import has_institute_role, person_roles
from agencies.models import AccessEvent, InstituteRole
from assessment import concurrency
from assessment.access import get_project_for_user
from assessment.frame import project_frame, project_state
from assessment.models import Project, ProjectCriterion
from assessment.writes import EditConflict, Section, check_unchanged
from plans import forms, services, workbooks
from plans.access import get_activity_for_user, get_plan_for_user
from plans.models import ActivityEvidence, Plan, ProgressUpdate
from plans.planning import project_planner
from plans.rules import plan_window
from plans.steps import plan_data
from plans.timeline import project_timeline_svg
from pso_site.lib.files import stored_file_response
from pso_site.lib.held_uploads import Shelf
from pso_site.lib.uploads import too_large
from pso_site.lib.xlsx import table_csv_response, workbook_response

# A delete sent from a page older than the last save deletes nothing.
DELETE_CONFLICT = gettext_lazy(
    "Nothing was deleted: someone saved a change here after you opened the page. Check it and delete again."
)


def _token_after_refusal(request, project, section: Section):
    """A save refused for its input keeps the token it was loaded with,
    unless someone saved meanwhile (then that is shown)."""
    token = request.POST.get("snapshot", "")
    try:
        check_unchanged(project=project, section=section, token=token)
    except EditConflict as conflict:
        return concurrency.snapshot_token(section.snapshot(project)), conflict.as_context()
    return token, None


@login_required
def step(request, pk: int, number: str):
    number = int(number)
    if number == 7:
        return step7(request, pk)
    if number == 8 and request.method in ("GET", "HEAD"):
        return step8(request, pk)
    raise Http404


def step7(request, pk: int):
    project = get_project_for_user(request.user, pk, write=request.method == "POST")
    criteria = list(ProjectCriterion.objects.filter(project=project).order_by("order"))
    token = conflict = None
    if request.method == "POST":
        form = forms.TargetsForm(request.POST, criteria=criteria)
        if form.is_valid():
            try:
                services.targets_save(
                    project_id=project.pk,
                    user=request.user,
                    token=request.POST.get("snapshot", ""),
                    targets=form.targets(),
                )
            except EditConflict as error:
                conflict = error.as_context()
            else:
                messages.success(request, _("Target levels saved."))
                return redirect("plans:step", pk=pk, number=7)
        else:
            token, conflict = _token_after_refusal(request, project, services.TARGETS)
    else:
        form = forms.TargetsForm(criteria=criteria)
    context = project_frame(request, project, current_step=7)
    latest = context["latest_round"]
    context.update(
        {
            "form": form,
            "plans": plan_data(context["state"]).plans,
            "snapshot_token": token or concurrency.snapshot_token(services.targets_snapshot(project)),
            "conflict": conflict,
            "levels": latest.criterion_levels if latest else {},
            "read_only": not context["can_edit"],
        }
    )
    return render(request, "plans/step7.html", context)


def step8(request, pk: int):
    project = get_project_for_user(request.user, pk)
    context = project_frame(request, project, current_step=8)
    today = timezone.localdate()
    plans = plan_data(context["state"]).plans
    for plan in plans:
        for activity in plan.activity_list:
            activity.overdue = activity.is_overdue(today, activity.latest_status)
        plan.done = sum(1 for a in plan.activity_list if a.latest_status == ProgressUpdate.Status.DONE)
    context.update({"plans": plans, "rounds": context["state"].rounds})
    return render(request, "plans/step8.html", context)


def _form_page(request, project, template, context):
    page = project_frame(request, project, current_step=7)
    page.update(context)
    return render(request, template, page)


@login_required
def plan_create(request, pk: int):
    # A form to add: only for those who may add, to a project that may change.
    project = get_project_for_user(request.user, pk, write=True)
    form = forms.PlanForm(request.POST if request.method == "POST" else None, project=project)
    if request.method == "POST" and form.is_valid():
        plan = services.plan_create(
            project_id=project.pk,
            user=request.user,
            name=form.cleaned_data["name"],
            approach=form.cleaned_data["approach"],
            criterion_ids=[c.pk for c in form.cleaned_data["criteria"]],
        )
        messages.success(request, _("Plan %(name)s added. Now add its activities.") % {"name": plan.name})
        return redirect("plans:step", pk=pk, number=7)
    return _form_page(request, project, "plans/plan_form.html", {"form": form, "plan": None})


@login_required
def plan_edit(request, pk: int, plan_id: int):
    project = get_project_for_user(request.user, pk, write=request.method == "POST")
    plan = next((p for p in plan_data(project_state(request, project)).plans if p.pk == plan_id), None)
    if plan is None:
        raise Http404("No such plan.")
    section = services.plan_section(plan.pk)
    token = conflict = None
    if request.method == "POST":
        form = forms.PlanForm(request.POST, project=project, initial=forms.PlanForm.initial_for(plan))
        if form.is_valid():
            try:
                services.plan_update(
                    project_id=project.pk,
                    plan_id=plan.pk,
                    user=request.user,
                    token=request.POST.get("snapshot", ""),
                    name=form.cleaned_data["name"],
                    approach=form.cleaned_data["approach"],
                    criterion_ids=[c.pk for c in form.cleaned_data["criteria"]],
                )
            except EditConflict as error:
                conflict = error.as_context()
            else:
                messages.success(request, _("Plan saved."))
                return redirect("plans:step", pk=pk, number=7)
        else:
            token, conflict = _token_after_refusal(request, project, section)
    else:
        form = forms.PlanForm(project=project, initial=forms.PlanForm.initial_for(plan))
    context = {
        "form": form,
        "plan": plan,
        "conflict": conflict,
        "snapshot_token": token
        or concurrency.snapshot_token(services.plan_snapshot_of(plan, plan.criterion_list)),
    }
    return _form_page(request, project, "plans/plan_form.html", context)


@login_required
@require_POST
def plan_delete(request, pk: int, plan_id: int):
    plan = get_plan_for_user(request.user, pk, plan_id, write=True)
    try:
        services.plan_delete(
            project_id=plan.project_id,
            plan_id=plan.pk,
            user=request.user,
            token=request.POST.get("snapshot", ""),
        )
    except EditConflict:
        messages.error(request, DELETE_CONFLICT)
        return redirect("plans:plan_edit", pk=pk, plan_id=plan.pk)
    messages.success(request, _("Plan deleted."))
    return redirect("plans:step", pk=pk, number=7)


@login_required
def activity_create(request, pk: int):
    project = get_project_for_user(request.user, pk, write=True)
    initial = {}
    plan_id = request.GET.get("plan", "")
    if plan_id.isascii() and plan_id.isdigit():
        initial["plan"] = get_object_or_404(Plan, pk=int(plan_id), project=project)
    form = forms.ActivityForm(
        request.POST if request.method == "POST" else None, project=project, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        activity = services.activity_create(
            project_id=project.pk, user=request.user, values=form.activity_input()
        )
        messages.success(request, _("Activity %(title)s added.") % {"title": activity.title})
        return redirect("plans:step", pk=pk, number=7)
    return _form_page(request, project, "plans/activity_form.html", {"form": form, "activity": None})


@login_required
def activity_edit(request, pk: int, activity_id: int):
    activity = get_activity_for_user(request.user, pk, activity_id, write=request.method == "POST")
    project = activity.plan.project
    section = services.activity_section(activity.pk)
    token = conflict = None
    initial = forms.ActivityForm.initial_for(activity)
    snapshot = services.activity_snapshot_of(activity)
    if request.method == "POST":
        form = forms.ActivityForm(request.POST, project=project, initial=initial)
        if form.is_valid():
            try:
                services.activity_update(
                    project_id=project.pk,
                    activity_id=activity.pk,
                    user=request.user,
                    token=request.POST.get("snapshot", ""),
                    values=form.activity_input(),
                )
            except EditConflict as error:
                conflict = error.as_context()
            else:
                messages.success(request, _("Activity saved."))
                return redirect("plans:activity", pk=pk, activity_id=activity.pk)
        else:
            token, conflict = _token_after_refusal(request, project, section)
    else:
        form = forms.ActivityForm(project=project, initial=initial)
    context = {
        "form": form,
        "activity": activity,
        "conflict": conflict,
        "snapshot_token": token or concurrency.snapshot_token(snapshot),
    }
    return _form_page(request, project, "plans/activity_form.html", context)


@login_required
@require_POST
def activity_delete(request, pk: int, activity_id: int):
    activity = get_activity_for_user(request.user, pk, activity_id, write=True)
    try:
        services.activity_delete(
            project_id=activity.plan.project_id,
            activity_id=activity.pk,
            user=request.user,
            token=request.POST.get("snapshot", ""),
        )
    except EditConflict:
        messages.error(request, DELETE_CONFLICT)
        return redirect("plans:activity_edit", pk=pk, activity_id=activity.pk)
    messages.success(request, _("Activity deleted."))
    return redirect("plans:step", pk=pk, number=7)


@login_required
def activity_detail(request, pk: int, activity_id: int):
    activity = get_activity_for_user(request.user, pk, activity_id, write=request.method == "POST")
    project = activity.plan.project
    form = forms.ProgressForm(request.POST if request.method == "POST" else None, project=project)
    # A chosen file waits here while the rest of the form is refused.
    shelf = Shelf(user_id=request.user.pk, form_key=f"progress:{activity.pk}")
    evidence_form = forms.ProgressEvidenceForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        too_large=too_large(request),
        shelf=shelf,
    )
    if request.method == "POST" and form.is_valid() and evidence_form.is_valid():
        upload, sha256, content_type = evidence_form.attachment()
        services.progress_record(
            project_id=project.pk,
            activity_id=activity.pk,
            user=request.user,
            upload=upload,
            sha256=sha256,
            content_type=content_type,
            **form.cleaned_data,
        )
        shelf.release()
        messages.success(request, _("Progress recorded."))
        return redirect("plans:activity", pk=pk, activity_id=activity.pk)
    if request.method == "POST":
        evidence_form.hold_for_next_try()
    context = project_frame(request, project, current_step=8)
    context.update(
        {
            "activity": activity,
            "updates": activity.updates.select_related("created_by")
            .prefetch_related("evidence")
            .order_by("-date", "-created_at"),
            "form": form,
            "evidence_form": evidence_form,
        }
    )
    return render(request, "plans/activity.html", context)


@login_required
@require_safe
def activity_evidence(request, pk: int, evidence_id: int):
    project = get_project_for_user(request.user, pk)
    evidence = get_object_or_404(ActivityEvidence, pk=evidence_id, update__activity__plan__project=project)
    audit.record(request, AccessEvent.Action.EVIDENCE, f"{project} · {evidence.original_name}")
    return stored_file_response(evidence)


@login_required
@require_safe
def timeline(request, pk: int):
    project = get_project_for_user(request.user, pk)
    context = project_frame(request, project, current_step=7)
    context["timeline"] = project_timeline_svg(
        plan_data(project_state(request, project)).activities, window=plan_window(project)
    )
    return render(request, "plans/timeline.html", context)


def _export_name(project) -> str:
    return f"pso-{project.standard.code}-{project.agency.code}-{project.fiscal_year_be}-plans"


@login_required
@require_safe
def plans_workbook(request, pk: int):
    project = get_project_for_user(request.user, pk)
    audit.record(request, AccessEvent.Action.EXPORT, f"{project} · plans.xlsx")
    return workbook_response(workbooks.plans_workbook(project), f"{_export_name(project)}.xlsx")


@login_required
@require_safe
def plans_csv(request, pk: int):
    """One table of the plans workbook as CSV, with the same access:
    ``?table=activities`` (the default) or ``progress``."""
    project = get_project_for_user(request.user, pk)
    table_asked = request.GET.get("table") or workbooks.TABLES[0]
    if table_asked not in workbooks.TABLES:
        raise Http404("No such table.")
    audit.record(request, AccessEvent.Action.EXPORT, f"{project} · plans-{table_asked}.csv")
    return table_csv_response(
        workbooks.plans_tables(project)[table_asked], f"{_export_name(project)}-{table_asked}.csv"
    )


def _planner_project(user, pk: int):
    """The agency's people and the committee plan; an auditor only reads
    the project (a 404 here, whatever the project's state)."""
    if user.is_authenticated and not has_institute_role(user, InstituteRole.Role.COMMITTEE):
        agency = Project.objects.filter(pk=pk).values_list("agency_id", flat=True).first()
        if agency is None or person_roles(user).role_in(agency) is None:
            raise Http404("No such project.")
    return get_project_for_user(user, pk)


@login_required
@require_safe
def planner(request, pk: int):
    """The fewest one-level steps from the latest round to readiness."""
    project = _planner_project(request.user, pk)
    context = project_frame(request, project, current_step=7)
    context["planner"] = project_planner(project)
    return render(request, "plans/planner.html", context)


@login_required
@require_safe
def planner_json(request, pk: int):
    """The planner's proposal for other tools (docs/planner.md)."""
    project = _planner_project(request.user, pk)
    found = project_planner(project)
    if found is None:
        document = {"steps": [], "total_after": None, "criterion_levels_after": {}, "reachable": False}
    else:
        document = found.as_json()
    return JsonResponse(document, json_dumps_params={"ensure_ascii": False})
