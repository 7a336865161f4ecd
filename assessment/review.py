"""The committee's side: reviewing a submitted project, deciding, and the
certificate (domain.md §4)."""

import datetime
import secrets
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone

from agencies.access import has_institute_role
from agencies.models import InstituteRole, Membership
from assessment import scoring
from assessment.models import (
    Certificate,
    CertificateSequence,
    Decision,
    IssuedDossier,
    Project,
    ProjectCriterion,
    Review,
    ReviewCriterion,
)
from pso_site.dates import BUDDHIST_ERA_OFFSET

REVIEWABLE = (Project.Status.SUBMITTED, Project.Status.UNDER_REVIEW)
VISIBLE_TO_INSTITUTE = (
    Project.Status.SUBMITTED,
    Project.Status.UNDER_REVIEW,
    Project.Status.CHANGES_REQUESTED,
    Project.Status.CERTIFIED,
    Project.Status.NOT_CERTIFIED,
)
VALIDITY_YEARS = 3


class DecisionRefused(Exception):
    pass


def is_member(user, project: Project) -> bool:
    return Membership.objects.filter(user=user, agency_id=project.agency_id).exists()


def get_project_for_committee(user, pk: int, *, decide: bool = False) -> Project:
    """A project the committee member may review: submitted or decided, and
    never one of an agency the member belongs to (conflict of interest)."""
    if not has_institute_role(user, InstituteRole.Role.COMMITTEE):
        raise Http404("No such project.")
    project = get_object_or_404(
        Project.objects.select_related("agency", "standard"), pk=pk, status__in=VISIBLE_TO_INSTITUTE
    )
    if is_member(user, project):
        raise Http404("No such project.")
    if decide and project.status not in REVIEWABLE:
        raise Http404("No such project.")
    return project


def projects_for_institute():
    """Submitted and decided projects: what committee and auditors may see."""
    return Project.objects.filter(status__in=VISIBLE_TO_INSTITUTE)


def projects_for_committee_member(user):
    """Projects the member may review: never those of an agency they belong
    to (conflict of interest). The queue and the home page both use this."""
    return projects_for_institute().exclude(
        agency_id__in=Membership.objects.filter(user=user).values("agency_id")
    )


def current_review(project: Project) -> Review | None:
    return project.reviews.order_by("-number").first()


@transaction.atomic
def review_open(*, project: Project, user) -> Review:
    """The review of the current submission, created on first opening."""
    project = Project.objects.select_for_update().get(pk=project.pk)
    review = current_review(project)
    if review is None or (project.status == Project.Status.SUBMITTED and review.decisions.exists()):
        review = Review.objects.create(
            project=project, number=(review.number + 1) if review else 1, started_by=user
        )
        # The committee starts from the agency's own levels and changes
        # what it does not accept.
        latest = project.rounds.order_by("-number").first()
        levels = latest.criterion_levels if latest else {}
        ReviewCriterion.objects.bulk_create(
            ReviewCriterion(
                review=review,
                criterion=criterion,
                level=Decimal(levels[criterion.code]) if criterion.code in levels else None,
            )
            for criterion in ProjectCriterion.objects.filter(project=project)
        )
    if project.status == Project.Status.SUBMITTED:
        project.status = Project.Status.UNDER_REVIEW
        project.save(update_fields=["status", "updated_at"])
    return review


def committee_total(review: Review) -> scoring.Fraction:
    rows = list(review.criteria.select_related("criterion"))
    return scoring.total_from_levels(
        criteria=[scoring.CriterionInput(key=r.criterion.code, weight=r.criterion.weight or 0) for r in rows],
        levels={r.criterion.code: r.level for r in rows},
    )


def add_years(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def validity_end(valid_from: datetime.date) -> datetime.date:
    """Three years minus one day: 9 October 2544 → 8 October 2547."""
    return add_years(valid_from, VALIDITY_YEARS) - datetime.timedelta(days=1)


def next_certificate_number(*, standard_code: str, day: datetime.date) -> str:
    """PSO-1101-2544-0001: standard, Buddhist-era year, sequence. The counter
    row is bumped with an UPDATE inside the caller's transaction, so
    concurrent decisions wait for each other instead of sharing a number."""
    year_be = day.year + BUDDHIST_ERA_OFFSET
    CertificateSequence.objects.get_or_create(standard_code=standard_code, year_be=year_be)
    CertificateSequence.objects.filter(standard_code=standard_code, year_be=year_be).update(
        last=F("last") + 1
    )
    last = CertificateSequence.objects.get(standard_code=standard_code, year_be=year_be).last
    return f"PSO-{standard_code}-{year_be}-{last:04d}"


@transaction.atomic
def project_decide(
    *,
    project: Project,
    user,
    kind: str,
    reason: str = "",
    valid_from: datetime.date | None = None,
    decided_at: datetime.datetime | None = None,
) -> Decision:
    """Record the committee's decision. ``decided_at`` is for recording a
    decision taken earlier (the demo's B.E. 2544 certification)."""
    project = Project.objects.select_for_update().select_related("standard", "agency").get(pk=project.pk)
    if project.status not in REVIEWABLE:
        raise DecisionRefused("The project is not waiting for a decision.")
    if is_member(user, project):
        raise DecisionRefused("A committee member never decides on their own agency.")
    if kind == Decision.Kind.NOT_CERTIFY and not reason.strip():
        raise DecisionRefused("A reason is required.")
    review = current_review(project) or review_open(project=project, user=user)
    decision = Decision.objects.create(
        project=project, review=review, kind=kind, reason=reason.strip(), decided_by=user
    )
    if decided_at is not None:
        Decision.objects.filter(pk=decision.pk).update(decided_at=decided_at)
        decision.decided_at = decided_at
    if kind == Decision.Kind.REQUEST_CHANGES:
        project.status = Project.Status.CHANGES_REQUESTED
    elif kind == Decision.Kind.CERTIFY:
        project.status = Project.Status.CERTIFIED
        start = valid_from or timezone.localdate(decision.decided_at)
        Certificate.objects.create(
            project=project,
            decision=decision,
            number=next_certificate_number(standard_code=project.standard.code, day=start),
            token=secrets.token_urlsafe(24),
            valid_from=start,
            valid_until=validity_end(start),
        )
    else:
        project.status = Project.Status.NOT_CERTIFIED
    project.save(update_fields=["status", "updated_at"])
    from assessment.dossier import dossier_issue

    dossier_issue(
        project=project,
        occasion=IssuedDossier.Occasion.DECISION,
        decision=decision,
        issued_at=decision.decided_at,
    )
    transaction.on_commit(lambda: notify_agency_head(project, decision))
    return decision


@transaction.atomic
def certificate_revoke(*, certificate: Certificate, user, reason: str) -> Certificate:
    if not reason.strip():
        raise DecisionRefused("A reason is required.")
    if certificate.revoked_at is None:
        certificate.revoked_at = timezone.now()
        certificate.revoked_by = user
        certificate.revoked_reason = reason.strip()
        certificate.save(update_fields=["revoked_at", "revoked_by", "revoked_reason"])
    return certificate


DECISION_SUBJECTS = {
    Decision.Kind.REQUEST_CHANGES: "คณะกรรมการขอให้แก้ไขเพิ่มเติม / Changes requested",
    Decision.Kind.CERTIFY: "ได้รับการรับรอง / Certified",
    Decision.Kind.NOT_CERTIFY: "ไม่ได้รับการรับรอง / Not certified",
}


def notify_agency_head(project: Project, decision: Decision) -> None:
    heads = (
        get_user_model()
        .objects.filter(
            memberships__agency_id=project.agency_id, memberships__role=Membership.Role.HEAD, is_active=True
        )
        .exclude(email="")
    )
    recipients = sorted({user.email for user in heads})
    if not recipients:
        return
    link = settings.SITE_URL + reverse("assessment:project", args=[project.pk])
    body = [
        f"{project.agency.name_th} · {project.standard.label} · {project.fiscal_year + BUDDHIST_ERA_OFFSET}"
    ]
    body.append(DECISION_SUBJECTS[decision.kind])
    if decision.reason:
        body.append(decision.reason)
    body.append(link)
    send_mail(
        subject=f"[P.S.O.] {project.standard.label} {DECISION_SUBJECTS[decision.kind]}",
        message="\n\n".join(body) + "\n",
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=recipients,
    )
