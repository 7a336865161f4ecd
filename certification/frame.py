"""What this app adds to every project page (``assessment.frame``): the
dossier, certificate and review links, and the committee's requested
changes while the agency revises its project."""

from django.db.models import Subquery
from django.urls import reverse
from django.utils.translation import gettext as _

from agencies.access import has_institute_role
from agencies.models import InstituteRole, Membership
from assessment.models import Project
from certification.access import is_committee_for
from certification.models import Certificate, Decision, IssuedDossier, ReviewCriterion


def frame_extension(state) -> dict:
    project = state.project
    links = [
        {
            "label": _("Dossier preview (draft, PDF)") if project.is_editable else _("Dossier (PDF)"),
            "url": reverse("certification:dossier", args=[project.pk]),
        }
    ]
    certificate = None
    if project.status == Project.Status.CERTIFIED:
        certificate = Certificate.objects.filter(project=project).first()
        if certificate is not None:
            links.append(
                {
                    "label": _("Certificate"),
                    "code": certificate.number,
                    "url": reverse("certification:certificate", args=[project.pk]),
                }
            )
    if project.status != Project.Status.DRAFT:  # submitted once: the committee's view is shown
        links.append(
            {
                "label": _("The committee's review"),
                "url": reverse("certification:committee_view", args=[project.pk]),
            }
        )
    if (
        state.role is None
        and project.status != Project.Status.DRAFT
        and has_institute_role(state.user, InstituteRole.Role.COMMITTEE)
    ):
        links.append(
            {"label": _("Committee review"), "url": reverse("certification:review", args=[project.pk])}
        )
    context = {"project_links": links, "certificate": certificate, "review_comments": None}
    comments = review_comments(project)
    if comments is not None:
        context["review_comments"] = comments
        context["project_notices"] = ["certification/includes/review_comments.html"]
    return context


def review_comments(project: Project) -> dict | None:
    """While the committee has asked for changes: its reason, overall
    comment and its comments per criterion (each names the step it concerns).
    One query: the commented rows of the decision's review carry the decision."""
    if project.status != Project.Status.CHANGES_REQUESTED:
        return None
    latest = Decision.objects.filter(project=project, kind=Decision.Kind.REQUEST_CHANGES).order_by(
        "-decided_at", "-pk"
    )
    rows = list(
        ReviewCriterion.objects.filter(review__decisions=Subquery(latest.values("pk")[:1]))
        .exclude(comment="")
        .select_related("criterion", "review")
        .annotate(
            decision_reason=Subquery(latest.values("reason")[:1]),
            decision_at=Subquery(latest.values("decided_at")[:1]),
        )
        .order_by("step", "criterion__order")
    )
    if rows:
        first = rows[0]
        decision = {"reason": first.decision_reason, "decided_at": first.decision_at}
        return {"decision": decision, "overall": first.review.overall_comment, "rows": rows}
    found = latest.select_related("review").first()
    if found is None:
        return None
    return {"decision": found, "overall": found.review.overall_comment, "rows": []}


def overview_extension(state) -> dict:
    """The project's overview page: its issued dossiers and the renewal."""
    project = state.project
    decided = project.status in (Project.Status.CERTIFIED, Project.Status.NOT_CERTIFIED)
    can_renew = (
        decided
        and state.role in (Membership.Role.HEAD, Membership.Role.EDITOR)
        and not Project.objects.filter(
            agency_id=project.agency_id, standard_id=project.standard_id, fiscal_year__gt=project.fiscal_year
        ).exists()
    )
    return {
        "overview_sections": ["certification/includes/overview.html"],
        "dossiers": list(
            IssuedDossier.objects.filter(project=project)
            .select_related("decision")
            .order_by("issued_at", "pk")
        ),
        "can_renew": can_renew,
        "can_retry_dossiers": state.is_head or is_committee_for(state.user, project),
    }
