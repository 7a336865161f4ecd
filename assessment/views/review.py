"""The committee's queue, review page and decisions; the auditors' list."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from agencies.access import require_institute_role
from agencies.models import InstituteRole
from assessment import review as review_services
from assessment.models import Certificate, ReviewCriterion
from assessment.results import ProjectData, criterion_rows, display
from assessment.review_forms import (
    STATUSES_FOR_INSTITUTE,
    DecisionForm,
    ProjectFilterForm,
    ReviewForm,
    RevokeForm,
)
from assessment.selectors import projects_with_latest_total
from assessment.services import latest_round
from assessment.views.common import project_frame

PAGE_SIZE = 20


def _project_list(request, *, queryset, template, statuses, extra=None):
    form = ProjectFilterForm(request.GET or None, statuses=statuses)
    projects = form.filter(projects_with_latest_total(queryset)).order_by("-submitted_at", "-pk")
    page = Paginator(projects, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "page": page, "query": query.urlencode()}
    context.update(extra or {})
    return render(request, template, context)


@login_required
@require_safe
def committee_queue(request):
    require_institute_role(request.user, InstituteRole.Role.COMMITTEE)
    queryset = review_services.projects_for_committee_member(request.user)
    if not request.GET.get("status"):
        queryset = queryset.filter(status__in=review_services.REVIEWABLE)
    return _project_list(
        request, queryset=queryset, template="review/queue.html", statuses=STATUSES_FOR_INSTITUTE
    )


@login_required
@require_safe
def audit_list(request):
    require_institute_role(request.user, InstituteRole.Role.AUDITOR)
    queryset = review_services.projects_for_institute()
    return _project_list(
        request, queryset=queryset, template="review/audit.html", statuses=STATUSES_FOR_INSTITUTE
    )


def _review_context(request, project, review, form, decision_form):
    data = ProjectData.load(project)
    latest = latest_round(project)
    data.with_round(latest)
    score = data.score()
    rows = {row.criterion.pk: row for row in criterion_rows(data, score)}
    committee_rows = list(
        ReviewCriterion.objects.filter(review=review).select_related("criterion").order_by("criterion__order")
    )
    for row in committee_rows:
        row.self_row = rows[row.criterion_id]
    context = project_frame(request, project, data=data)
    context.update(
        {
            "review": review,
            "score": score,
            "committee_total": review_services.committee_total(review),
            "form": form
            or ReviewForm(rows=committee_rows, initial={"overall_comment": review.overall_comment}),
            "decision_form": decision_form or DecisionForm(),
            "decisions": project.decisions.select_related("decided_by").order_by("decided_at"),
            "display": display,
        }
    )
    return context


@login_required
def review_page(request, pk: int):
    project = review_services.get_project_for_committee(request.user, pk)
    if project.status in review_services.REVIEWABLE:
        review = review_services.review_open(project=project, user=request.user)
        project.refresh_from_db()
    else:
        review = review_services.current_review(project)
        if review is None:
            return redirect("assessment:project", pk=pk)
    form = None
    if request.method == "POST":
        if project.status not in review_services.REVIEWABLE:
            messages.error(request, _("This project is not waiting for a decision."))
            return redirect("assessment:review", pk=pk)
        rows = list(
            ReviewCriterion.objects.filter(review=review)
            .select_related("criterion")
            .order_by("criterion__order")
        )
        form = ReviewForm(request.POST, rows=rows)
        if form.is_valid():
            with transaction.atomic():
                review.overall_comment = form.cleaned_data["overall_comment"]
                review.save(update_fields=["overall_comment", "updated_at"])
                for row in rows:
                    code = row.criterion.code
                    row.level = form.cleaned_data[f"level_{code}"]
                    row.comment = form.cleaned_data[f"comment_{code}"]
                    row.step = form.cleaned_data[f"step_{code}"]
                    row.save(update_fields=["level", "comment", "step"])
            messages.success(request, _("The committee's levels and comments were saved."))
            return redirect("assessment:review", pk=pk)
    context = _review_context(request, project, review, form, None)
    return render(request, "review/review.html", context)


@login_required
@require_POST
def decide(request, pk: int):
    project = review_services.get_project_for_committee(request.user, pk, decide=True)
    form = DecisionForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            decision = review_services.project_decide(
                project=project,
                user=request.user,
                kind=data["kind"],
                reason=data["reason"],
                valid_from=data["valid_from"],
            )
        except review_services.DecisionRefused as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request, _("Decision recorded: %(decision)s.") % {"decision": decision.get_kind_display()}
            )
            return redirect("assessment:review", pk=pk)
    review = review_services.review_open(project=project, user=request.user)
    project.refresh_from_db()
    context = _review_context(request, project, review, None, form)
    return render(request, "review/review.html", context, status=200)


@login_required
@require_POST
def certificate_revoke(request, number: str):
    require_institute_role(request.user, InstituteRole.Role.COMMITTEE)
    certificate = get_object_or_404(Certificate.objects.select_related("project"), number=number)
    review_services.get_project_for_committee(request.user, certificate.project_id)
    form = RevokeForm(request.POST)
    if form.is_valid():
        review_services.certificate_revoke(
            certificate=certificate, user=request.user, reason=form.cleaned_data["reason"]
        )
        messages.success(request, _("Certificate %(number)s revoked.") % {"number": certificate.number})
    else:
        messages.error(request, _("Give the reason for revoking the certificate."))
    return redirect("assessment:certificate", pk=certificate.project_id)
