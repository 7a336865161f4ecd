"""Steps 7–9: targets and plans, activities and their progress, readiness
and the request for certification."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from agencies.models import Membership
from assessment import concurrency
from assessment.access import get_project_for_user, project_role
from assessment.models import ProjectCriterion
from assessment.results import ProjectData
from assessment.views.common import conflict_changes, conflict_message, project_frame
from plans import forms, services
from plans.access import get_activity_for_user, get_plan_for_user
from plans.models import Activity, ActivityEvidence, Plan, ProgressUpdate
from plans.readiness import project_readiness
from plans.selectors import plans_for_project, project_activities
from pso_site.charts import TimelineBar, timeline_svg
from pso_site.files import stored_file_response


def _targets_snapshot(criteria) -> dict:
    return {
        f"target.{c.code}": (c.name, "" if c.target_level is None else str(c.target_level)) for c in criteria
    }


def plan_step(request, *, pk: int, number: int):
    return {7: step7, 8: step8, 9: step9}[number](request, pk)


def step7(request, pk: int):
    project = get_project_for_user(request.user, pk, write=request.method == "POST")
    criteria = list(ProjectCriterion.objects.filter(project=project).order_by("order"))
    current = _targets_snapshot(criteria)
    conflict = None
    if request.method == "POST":
        form = forms.TargetsForm(request.POST, criteria=criteria)
        changes = conflict_changes(request, current)
        if changes is not None:
            conflict = {"message": conflict_message(""), "changes": changes}
        if form.is_valid() and conflict is None:
            services.targets_save(project=project, targets=form.targets())
            messages.success(request, _("Target levels saved."))
            return redirect("assessment:step", pk=pk, number=7)
    else:
        form = forms.TargetsForm(criteria=criteria)
    data = ProjectData.load(project)
    context = project_frame(request, project, data=data, current_step=7)
    latest = context["latest_round"]
    context.update(
        {
            "form": form,
            "plans": list(plans_for_project(project)),
            "snapshot_token": concurrency.snapshot_token(current),
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
    plans = list(plans_for_project(project))
    for plan in plans:
        activities = list(plan.activities.all())
        for activity in activities:
            activity.overdue = activity.is_overdue(today, activity.latest_status)
        plan.activity_list = activities
        plan.done = sum(1 for a in activities if a.latest_status == ProgressUpdate.Status.DONE)
    context.update({"plans": plans, "rounds": list(project.rounds.order_by("number"))})
    return render(request, "plans/step8.html", context)


def step9(request, pk: int):
    project = get_project_for_user(request.user, pk)
    context = project_frame(request, project, current_step=9)
    readiness = project_readiness(project, steps=context["steps"])
    context.update(
        {
            "readiness": readiness,
            "is_head": project_role(request.user, project) == Membership.Role.HEAD,
        }
    )
    return render(request, "plans/step9.html", context)


@login_required
@require_POST
def submit(request, pk: int):
    project = get_project_for_user(request.user, pk, write=True)
    if project_role(request.user, project) != Membership.Role.HEAD:
        raise Http404
    if request.POST.get("confirm") != "yes":
        messages.error(request, _("Tick the confirmation box to submit the request."))
        return redirect("assessment:step", pk=pk, number=9)
    try:
        services.project_submit(project=project, user=request.user)
    except services.NotReady:
        messages.error(request, _("The request was not submitted: some items still block it (see below)."))
        return redirect("assessment:step", pk=pk, number=9)
    messages.success(
        request, _("The request for certification was submitted. The committee has been notified.")
    )
    return redirect("assessment:project", pk=pk)


def _plan_form_page(request, project, form, plan=None):
    context = project_frame(request, project, current_step=7)
    context.update({"form": form, "plan": plan})
    return render(request, "plans/plan_form.html", context)


@login_required
def plan_create(request, pk: int):
    project = get_project_for_user(request.user, pk, write=True)
    form = forms.PlanForm(request.POST or None, project=project)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            plan = form.save(commit=False)
            plan.project = project
            plan.order = project.plans.count() + 1
            plan.save()
            form.save_m2m()
        messages.success(request, _("Plan %(name)s added. Now add its activities.") % {"name": plan.name})
        return redirect("assessment:step", pk=pk, number=7)
    return _plan_form_page(request, project, form)


@login_required
def plan_edit(request, pk: int, plan_id: int):
    plan = get_plan_for_user(request.user, pk, plan_id, write=request.method == "POST")
    form = forms.PlanForm(request.POST or None, instance=plan, project=plan.project)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Plan saved."))
        return redirect("assessment:step", pk=pk, number=7)
    return _plan_form_page(request, plan.project, form, plan)


@login_required
@require_POST
def plan_delete(request, pk: int, plan_id: int):
    plan = get_plan_for_user(request.user, pk, plan_id, write=True)
    plan.delete()
    messages.success(request, _("Plan deleted."))
    return redirect("assessment:step", pk=pk, number=7)


def _activity_form_page(request, project, form, activity=None):
    context = project_frame(request, project, current_step=7)
    context.update({"form": form, "activity": activity})
    return render(request, "plans/activity_form.html", context)


@login_required
def activity_create(request, pk: int):
    project = get_project_for_user(request.user, pk, write=True)
    initial = {}
    plan_id = request.GET.get("plan", "")
    if plan_id.isdigit():
        initial["plan"] = get_object_or_404(Plan, pk=int(plan_id), project=project)
    form = forms.ActivityForm(request.POST or None, project=project, initial=initial)
    if request.method == "POST" and form.is_valid():
        activity = form.save()
        messages.success(request, _("Activity %(title)s added.") % {"title": activity.title})
        return redirect("assessment:step", pk=pk, number=7)
    return _activity_form_page(request, project, form)


@login_required
def activity_edit(request, pk: int, activity_id: int):
    activity = get_activity_for_user(request.user, pk, activity_id, write=request.method == "POST")
    project = activity.plan.project
    form = forms.ActivityForm(request.POST or None, instance=activity, project=project)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Activity saved."))
        return redirect("plans:activity", pk=pk, activity_id=activity.pk)
    return _activity_form_page(request, project, form, activity)


@login_required
@require_POST
def activity_delete(request, pk: int, activity_id: int):
    activity = get_activity_for_user(request.user, pk, activity_id, write=True)
    activity.delete()
    messages.success(request, _("Activity deleted."))
    return redirect("assessment:step", pk=pk, number=7)


@login_required
def activity_detail(request, pk: int, activity_id: int):
    activity = get_activity_for_user(request.user, pk, activity_id, write=request.method == "POST")
    project = activity.plan.project
    form = forms.ProgressForm(request.POST or None)
    evidence_form = forms.ProgressEvidenceForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if form.is_valid() and evidence_form.is_valid():
            services.progress_record(
                activity=activity,
                user=request.user,
                evidence=evidence_form,
                **form.cleaned_data,
            )
            messages.success(request, _("Progress recorded."))
            return redirect("plans:activity", pk=pk, activity_id=activity.pk)
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
    return stored_file_response(evidence)


def project_timeline_svg(project, language: str | None = None) -> str:
    """The plan's timeline as SVG; the page and the dossier both use it."""
    today = timezone.localdate()
    bars = [
        TimelineBar(
            label=activity.title,
            start=activity.start_date,
            end=activity.end_date,
            group=activity.phase,
            done=activity.latest_status == ProgressUpdate.Status.DONE,
            overdue=activity.is_overdue(today, activity.latest_status),
        )
        for activity in project_activities(project)
    ]
    groups = [(phase.value, str(phase.label)) for phase in Activity.Phase]
    return timeline_svg(bars=bars, groups=groups, language=language or get_language() or "th")


@login_required
@require_safe
def timeline(request, pk: int):
    project = get_project_for_user(request.user, pk)
    context = project_frame(request, project, current_step=7)
    context["timeline"] = project_timeline_svg(project)
    return render(request, "plans/timeline.html", context)


@login_required
@require_POST
def renew(request, pk: int):
    """Start the renewal: a project for the current cycle that copies this one
    (steps 1–5, targets, the plan, and a first round from the last round)."""
    from agencies.access import get_agency_for_user
    from assessment.models import Project
    from assessment.services import project_renew
    from pso_site.dates import current_fiscal_year

    project = get_project_for_user(request.user, pk)
    get_agency_for_user(request.user, project.agency.code, write=True)
    if project.status not in (Project.Status.CERTIFIED, Project.Status.NOT_CERTIFIED):
        raise Http404
    year = current_fiscal_year()
    existing = Project.objects.filter(
        agency=project.agency, standard=project.standard, fiscal_year=year
    ).first()
    if existing is not None:
        messages.info(request, _("The project for this cycle already exists."))
        return redirect("assessment:project", pk=existing.pk)
    with transaction.atomic():
        renewal = project_renew(project=project, fiscal_year=year, user=request.user)
        services.plans_copy(source=project, target=renewal, shift_years=year - project.fiscal_year)
    messages.success(
        request, _("Renewal project created from the last one. Review every step before submitting.")
    )
    return redirect("assessment:project", pk=renewal.pk)
