"""Step 9 of the agency: the readiness checklist, the head's request, and
the renewal of a decided project."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from assessment.access import get_project_for_user
from assessment.frame import project_frame
from assessment.models import Project
from certification import access, services
from certification.models import IssuedDossier
from certification.readiness import project_readiness


@login_required
@require_safe
def step9(request, pk: int):
    project = get_project_for_user(request.user, pk)
    context = project_frame(request, project, current_step=9)
    context["readiness"] = project_readiness(context["state"])
    context["is_head"] = context["state"].is_head
    return render(request, "certification/step9.html", context)


@login_required
@require_POST
def submit(request, pk: int):
    get_project_for_user(request.user, pk, write=True)
    if request.POST.get("confirm") != "yes":
        messages.error(request, _("Tick the confirmation box to submit the request."))
        return redirect("certification:step9", pk=pk)
    try:
        services.project_submit(project_id=pk, user=request.user)
    except services.NotReady:
        messages.error(request, _("The request was not submitted: some items still block it (see below)."))
        return redirect("certification:step9", pk=pk)
    messages.success(
        request, _("The request for certification was submitted. The committee has been notified.")
    )
    return redirect("assessment:project", pk=pk)


@login_required
@require_POST
def renew(request, pk: int):
    """Start the renewal: a project for the current cycle that copies this one
    (steps 1–5, targets, the plan, and a first round from the last round)."""
    get_project_for_user(request.user, pk)
    try:
        renewal, created = services.project_renew(project_id=pk, user=request.user)
    except services.RenewalRefused as refusal:
        messages.error(request, str(refusal))
        return redirect("assessment:project", pk=pk)
    if created:
        messages.success(
            request, _("Renewal project created from the last one. Review every step before submitting.")
        )
    else:
        messages.info(request, _("The project for this cycle already exists."))
    return redirect("assessment:project", pk=renewal.pk)


@login_required
@require_safe
def submitted_version(request, pk: int):
    """What the committee and auditors read while the agency revises its
    project: the version it submitted — the figures and dossier issued at
    that submission, the committee's review and decisions — never the
    agency's live edits."""
    project = access.get_project_for_institute(request.user, pk)
    submissions = list(
        IssuedDossier.objects.filter(project=project, occasion=IssuedDossier.Occasion.SUBMISSION).order_by(
            "-issued_at", "-pk"
        )
    )
    dossiers = list(
        IssuedDossier.objects.filter(project=project).select_related("decision").order_by("issued_at", "pk")
    )
    context = {
        "project": project,
        "submission": submissions[0] if submissions else None,
        "figures": submissions[0].figures if submissions else {},
        "dossiers": dossiers,
        "decisions": list(project.decisions.select_related("decided_by").order_by("decided_at")),
        "revising": project.status == Project.Status.CHANGES_REQUESTED,
    }
    return render(request, "certification/submitted.html", context)
