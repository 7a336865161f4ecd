"""The committee's queue, review page and decision; revocation; the
auditors' list."""

from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from agencies import audit
from agencies.access import person_roles, require_institute_role
from agencies.models import AccessEvent, InstituteRole
from assessment import concurrency, history
from assessment.frame import project_frame, project_state
from assessment.models import Project
from assessment.results import criterion_rows
from assessment.writes import EditConflict
from certification import access, selectors, services
from certification.forms import (
    STATUSES_FOR_INSTITUTE,
    DecisionForm,
    ProjectFilterForm,
    ReviewForm,
    RevokeForm,
)
from certification.listing import project_rows
from certification.models import Certificate, Decision
from certification.selectors import agency_changes_since, projects_with_submitted_total
from certification.workbooks import list_download
from pso_site.lib import keyset

PAGE_SIZE = 20


def _project_list(request, *, queryset, template, extra=None, download_name="", link_review=False):
    form = ProjectFilterForm(request.GET or None, statuses=STATUSES_FOR_INSTITUTE)
    projects = form.filter(projects_with_submitted_total(queryset).select_related("certificate"))
    return project_list(
        request,
        form=form,
        projects=projects,
        template=template,
        extra=extra,
        download_name=download_name,
        rows=partial(project_rows, link_review=link_review),
    )


def project_list(
    request, *, form, projects, template, extra=None, download_name="", default_sort="submitted", rows=None
):
    """A filtered list of projects: a page of it, sorted, or all of it as XLSX or CSV.
    Pages are reached by keyset cursors (``?cursor=``), so a deep page costs what the
    first does; an old ``?page=`` link, or a cursor that no longer fits, shows the
    first page with a note. ``rows`` writes the page's table rows (``rows`` in the
    template), where the template does not."""
    if request.GET.get("download") in ("xlsx", "csv"):
        audit.record(request, AccessEvent.Action.EXPORT, f"{download_name}.{request.GET['download']}")
        return list_download(projects, kind=request.GET["download"], name=download_name)
    sort = (form.cleaned_data.get("sort") if form.is_bound and form.is_valid() else "") or default_sort
    page = keyset.paginate(
        projects, request.GET.get("cursor", ""), page_size=PAGE_SIZE, key=sort, banded=sort in form.BANDED
    )
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("cursor", None)
    unsorted = query.copy()
    unsorted.pop("sort", None)
    return render(
        request,
        template,
        {
            "form": form,
            "page": page,
            "stale_link": page.stale or request.GET.get("page", "1") != "1",
            "query": query.urlencode(),
            "unsorted_query": unsorted.urlencode(),
            "sort": sort,
            "rows": rows(page) if rows else None,
            **(extra or {}),
        },
    )


@login_required
@require_safe
def committee_queue(request):
    require_institute_role(request.user, InstituteRole.Role.COMMITTEE)
    queryset = access.projects_for_committee_member(request.user)
    if not request.GET.get("status"):
        queryset = queryset.filter(status__in=access.REVIEWABLE)
    # Agencies the member belongs to: their projects never reach this queue.
    conflicted = [membership.agency for membership in person_roles(request.user).memberships]
    return _project_list(
        request,
        queryset=queryset,
        template="certification/queue.html",
        extra={"conflicted": conflicted},
        download_name="pso-committee-queue",
        link_review=True,
    )


@login_required
@require_safe
def audit_list(request):
    require_institute_role(request.user, InstituteRole.Role.AUDITOR)
    return _project_list(
        request,
        queryset=access.projects_for_institute(),
        template="certification/audit.html",
        download_name="pso-certifications",
    )


def _review_page(
    request, project, review, rows, *, form=None, decision_form=None, token=None, conflict=None, status=200
):
    state = project_state(request, project)
    score = state.latest_score
    agency_levels = score.criterion_level if score else {}
    self_rows = {row.criterion.pk: row for row in criterion_rows(state.data, score)} if score else {}
    for row in rows:
        row.self_row = self_rows.get(row.criterion_id)
        row.agency_exact = agency_levels.get(row.criterion.code)
    context = project_frame(request, project)
    decisions = list(project.decisions.select_related("decided_by").order_by("decided_at", "pk"))
    step_names = {step.number: step.name for step in state.steps}
    reviewable = project.status in access.REVIEWABLE
    context.update(
        {
            "review": review,
            "score": score,
            "committee_total": services.committee_total(rows, agency_levels) if rows else None,
            "form": form
            or ReviewForm(
                rows=rows,
                agency_levels=agency_levels,
                step_names=step_names,
                initial={"overall_comment": review.overall_comment if review else ""},
            ),
            "decision_form": decision_form or DecisionForm(),
            "decisions": decisions,
            **changes_since_asked(project, decisions),
            "reviewable": reviewable,
            "conflict": conflict,
            "snapshot_token": token
            # The rows this page already holds: the same snapshot as the section's.
            or (concurrency.snapshot_token(services.review_snapshot_of(review, rows)) if review else ""),
        }
    )
    return render(request, "certification/review.html", context, status=status)


CHANGES_SHOWN = 30


def changes_since_asked(project, decisions: list) -> dict:
    """What the agency changed since the committee last asked for changes
    (from the project's readable history), for the committee to check."""
    asked = next((d for d in reversed(decisions) if d.kind == Decision.Kind.REQUEST_CHANGES), None)
    if asked is None:
        return {"asked": None}
    since = agency_changes_since(project, asked)
    entries = list(since[: CHANGES_SHOWN + 1])
    return {
        "asked": asked,
        "changes_since": history.shown(entries[:CHANGES_SHOWN]),
        "more_changes": len(entries) > CHANGES_SHOWN,
    }


@login_required
def review_page(request, pk: int):
    """GET shows the review; POST saves the levels and comments, or (with
    ``action=decide``) saves them and records the decision together."""
    project = access.get_project_for_committee(request.user, pk)
    if project.status == Project.Status.CHANGES_REQUESTED:
        # Back with the agency: the committee reads what was submitted.
        return redirect("certification:submitted", pk=pk)
    review, rows = selectors.current_review_with_rows(project)
    if request.method != "POST":
        if review is None:
            return redirect("assessment:project", pk=pk)
        return _review_page(request, project, review, rows)
    if project.status not in access.REVIEWABLE or review is None:
        messages.error(request, _("This project is not waiting for a decision."))
        return redirect("certification:review", pk=pk)
    state = project_state(request, project)
    score = state.latest_score
    form = ReviewForm(
        request.POST,
        rows=rows,
        agency_levels=score.criterion_level if score else {},
        step_names={step.number: step.name for step in state.steps},
    )
    deciding = request.POST.get("action") == "decide"
    decision_form = DecisionForm(request.POST if deciding else None)
    token = request.POST.get("snapshot", "")
    if not form.is_valid() or (deciding and not decision_form.is_valid()):
        return _review_page(
            request, project, review, rows, form=form, decision_form=decision_form, token=token
        )
    try:
        if deciding:
            decision = services.project_decide(
                project_id=project.pk,
                user=request.user,
                kind=decision_form.cleaned_data["kind"],
                reason=decision_form.cleaned_data["reason"],
                valid_from=decision_form.cleaned_data["valid_from"],
                token=token,
                overall_comment=form.cleaned_data["overall_comment"],
                levels=form.levels(),
            )
            audit.record(request, AccessEvent.Action.DECISION, f"{project} · {decision.get_kind_display()}")
            messages.success(
                request, _("Decision recorded: %(decision)s.") % {"decision": decision.get_kind_display()}
            )
        else:
            services.review_save(
                project_id=project.pk,
                user=request.user,
                token=token,
                overall_comment=form.cleaned_data["overall_comment"],
                levels=form.levels(),
            )
            messages.success(request, _("The committee's levels and comments were saved."))
    except EditConflict as error:
        review, rows = selectors.current_review_with_rows(project)
        return _review_page(
            request,
            project,
            review,
            rows,
            form=form,
            decision_form=decision_form,
            conflict=error.as_context(),
        )
    except services.DecisionRefused as refusal:
        messages.error(request, refusal.message)
        return _review_page(
            request, project, review, rows, form=form, decision_form=decision_form, token=token
        )
    return redirect("certification:review", pk=pk)


@login_required
@require_POST
def certificate_revoke(request, number: str):
    require_institute_role(request.user, InstituteRole.Role.COMMITTEE)
    certificate = get_object_or_404(Certificate.objects.select_related("project"), number=number)
    access.get_project_for_committee(request.user, certificate.project_id)
    form = RevokeForm(request.POST)
    if form.is_valid():
        services.certificate_revoke(
            certificate_id=certificate.pk, user=request.user, reason=form.cleaned_data["reason"]
        )
        messages.success(request, _("Certificate %(number)s revoked.") % {"number": certificate.number})
    else:
        messages.error(request, _("Give the reason for revoking the certificate."))
    return redirect("certification:certificate", pk=certificate.project_id)
