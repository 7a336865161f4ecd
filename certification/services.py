"""Step 9 and the committee (docs/domain.md §4): the head's request, the
committee's review and decision, certificates, renewal. Every change takes
the project's row lock first (``assessment.writes``), then checks state and
role, then writes; dossiers are built after the transaction commits."""

import datetime
import secrets
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from django.db import transaction
from django.db.models import F
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from agencies.access import institute_role_now
from agencies.models import InstituteRole, Membership
from assessment import history, scoring
from assessment.frame import ProjectState
from assessment.models import Project, ProjectCriterion
from assessment.progress import progress_store
from assessment.services import project_copy_for_renewal
from assessment.writes import (
    Section,
    check_unchanged,
    lock_project,
    project_for_write,
    role_in_project,
    writing_project,
)
from certification import tasks
from certification.access import REVIEWABLE
from certification.dossier import dossier_issue, latest_issued
from certification.history import decision_seal
from certification.models import (
    Certificate,
    CertificateSequence,
    Decision,
    IssuedDossier,
    Review,
    ReviewCriterion,
)
from certification.readiness import project_readiness
from certification.selectors import (
    current_review,
    previous_certificate_document,
    renewal_of,
    review_rows,
)
from plans.services import plans_copy
from pso_site.lib.dates import add_years, buddhist_year, current_fiscal_year
from pso_site.lib.refusals import Refusal
from pso_site.lib.site import base_url

VALIDITY_YEARS = 3


class NotReady(Refusal):
    def __init__(self, blocking):
        super().__init__(_("The project is not ready to be submitted."))
        self.blocking = blocking


class DecisionRefused(Refusal):
    """The committee's decision breaks a rule (a reason missing, a date)."""


# The head's request (step 9) -------------------------------------------------


def project_submit(*, project_id: int, user, submitted_at=None) -> Project:
    """Submit the request for certification, only when nothing blocks it.
    From then on the project is read-only for the agency. ``submitted_at``
    records an earlier submission (the demo)."""
    with project_for_write(project_id=project_id, user=user, roles=(Membership.Role.HEAD,)) as project:
        readiness = project_readiness(ProjectState(project, user))
        if not readiness.ready:
            raise NotReady(readiness.blocking)
        project.status = Project.Status.SUBMITTED
        project.submitted_at = submitted_at or timezone.now()
        project.submitted_by = user
        project.save(update_fields=["status", "submitted_at", "submitted_by", "updated_at"])
        review_create(project=project, user=user)
        dossier_issue(
            project=project, occasion=IssuedDossier.Occasion.SUBMISSION, issued_at=project.submitted_at
        )
        link_base = base_url()
        transaction.on_commit(lambda: tasks.mail_project_submitted.enqueue(project.pk, link_base))
        return project


def review_create(*, project: Project, user=None) -> Review:
    """The committee's review of this submission, created with it: a row per
    criterion. The first starts empty (the committee starts from the
    agency's levels); a later one from the committee's previous levels,
    comments and overall comment, marked as carried over."""
    last = project.reviews.order_by("-number").first()
    previous = {row.criterion_id: row for row in review_rows(last)} if last else {}
    review = Review.objects.create(
        project=project,
        number=(last.number + 1) if last else 1,
        started_by=None,
        overall_comment=last.overall_comment if last else "",
    )
    ReviewCriterion.objects.bulk_create(
        ReviewCriterion(review=review, criterion=criterion, **_carried(previous.get(criterion.pk)))
        for criterion in ProjectCriterion.objects.filter(project=project)
    )
    return review


def _carried(row: ReviewCriterion | None) -> dict:
    if row is None or (row.level is None and not row.comment):
        return {}
    return {"level": row.level, "comment": row.comment, "step": row.step, "carried_over": True}


# The committee's review --------------------------------------------------------


@dataclass(frozen=True)
class ReviewLevel:
    """The committee's entry for one criterion; ``level`` None accepts the
    agency's own (exact) level."""

    criterion_id: int
    level: Decimal | None
    comment: str
    step: int


def review_snapshot_of(review: Review, rows: list[ReviewCriterion]) -> dict:
    data = {"overall": (_("Overall comment"), review.overall_comment)}
    for row in rows:
        data[f"criterion.{row.criterion_id}"] = (
            row.criterion.name,
            f"{'' if row.level is None else row.level} · {row.step} · {row.comment}",
        )
    return data


def review_section(review: Review) -> Section:
    return Section(
        lambda project: review_snapshot_of(review, review_rows(review)),
        lambda project: [
            Review.history.filter(id=review.pk),
            ReviewCriterion.history.filter(review_id=review.pk),
        ],
    )


def committee_levels(rows: list[ReviewCriterion], agency_levels: dict[str, Fraction]) -> dict[str, Fraction]:
    """The committee's level per criterion code: its own where it gave one,
    else the agency's exact level."""
    return {
        row.criterion.code: (
            Fraction(row.level)
            if row.level is not None
            else agency_levels.get(row.criterion.code, Fraction(0))
        )
        for row in rows
    }


def committee_total(rows: list[ReviewCriterion], agency_levels: dict[str, Fraction]) -> Fraction:
    return scoring.total_from_levels(
        criteria=[scoring.CriterionInput(key=r.criterion.code, weight=r.criterion.weight or 0) for r in rows],
        levels=committee_levels(rows, agency_levels),
    )


def _committee_project(project_id: int, user) -> tuple[Project, Review]:
    """Inside the lock: the project, if ``user`` is a committee member outside
    its agency and it waits for a decision, and its current review."""
    project = lock_project(project_id)
    if not institute_role_now(user, InstituteRole.Role.COMMITTEE) or role_in_project(user, project):
        raise Http404("No such project.")
    if project.status not in REVIEWABLE:
        raise DecisionRefused(_("This project is not waiting for a decision."))
    review = current_review(project)
    if review is None:
        review = review_create(project=project)
    return project, review


def _review_apply(*, project: Project, review: Review, user, overall_comment: str, levels: list[ReviewLevel]):
    """The levels and comments saved; recorded in the project's history
    under the review's seal, so the agency sees them with the decision."""
    with history.sealed_as(decision_seal(review.pk)):
        _review_rows_save(
            project=project, review=review, user=user, overall_comment=overall_comment, levels=levels
        )


def _review_rows_save(
    *, project: Project, review: Review, user, overall_comment: str, levels: list[ReviewLevel]
) -> None:
    rows = {row.criterion_id: row for row in review_rows(review)}
    if any(item.criterion_id not in rows for item in levels):
        raise Http404("No such criterion.")
    if review.overall_comment != overall_comment or review.started_by_id is None:
        review.overall_comment = overall_comment
        review.started_by = review.started_by or user
        review.save(update_fields=["overall_comment", "started_by", "updated_at"])
    for item in levels:
        row = rows[item.criterion_id]
        if (row.level, row.comment, row.step) != (item.level, item.comment, item.step):
            row.level, row.comment, row.step = item.level, item.comment, item.step
            row.carried_over = False  # the committee's own for this review now
            row.save(update_fields=["level", "comment", "step", "carried_over"])
    if project.status == Project.Status.SUBMITTED:
        project.status = Project.Status.UNDER_REVIEW
        project.save(update_fields=["status", "updated_at"])


def review_save(
    *, project_id: int, user, token: str, overall_comment: str, levels: list[ReviewLevel]
) -> Review:
    """The committee's levels and comments, refused if another member saved
    the same review since the page was opened."""
    with transaction.atomic(), writing_project(project_id):
        project, review = _committee_project(project_id, user)
        check_unchanged(project=project, section=review_section(review), token=token)
        _review_apply(
            project=project, review=review, user=user, overall_comment=overall_comment, levels=levels
        )
        return review


def project_decide(
    *,
    project_id: int,
    user,
    kind: str,
    reason: str = "",
    valid_from: datetime.date | None = None,
    decided_at: datetime.datetime | None = None,
    token: str | None = None,
    overall_comment: str | None = None,
    levels: list[ReviewLevel] | None = None,
) -> Decision:
    """Record the committee's decision, with the levels and comments typed
    with it (one transaction). The dossier of the decision is built after
    it commits. ``decided_at`` records a decision taken earlier (the demo)."""
    reason = reason.strip()
    if kind not in Decision.Kind.values:
        raise DecisionRefused(_("Choose a decision."))
    if kind == Decision.Kind.NOT_CERTIFY and not reason:
        raise DecisionRefused(_("Give the reason for not certifying."))
    if kind == Decision.Kind.REQUEST_CHANGES and not reason:
        raise DecisionRefused(_("Say what the agency should change."))
    with transaction.atomic(), writing_project(project_id):
        project, review = _committee_project(project_id, user)
        if levels is not None:
            check_unchanged(project=project, section=review_section(review), token=token or "")
            _review_apply(
                project=project,
                review=review,
                user=user,
                overall_comment=overall_comment or "",
                levels=levels,
            )
        decision = Decision.objects.create(
            project=project, review=review, kind=kind, reason=reason, decided_by=user
        )
        # The deliberation reaches the project's history with the decision.
        history.unseal(project_id=project.pk, seal=decision_seal(review.pk))
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
        dossier_issue(
            project=project,
            occasion=IssuedDossier.Occasion.DECISION,
            decision=decision,
            issued_at=decision.decided_at,
        )
        if kind == Decision.Kind.CERTIFY:
            dossier_issue(
                project=project,
                kind=IssuedDossier.Kind.CERTIFICATE,
                occasion=IssuedDossier.Occasion.DECISION,
                decision=decision,
                issued_at=decision.decided_at,
                replaces=previous_certificate_document(project),
            )
        link_base = base_url()
        transaction.on_commit(lambda: tasks.mail_project_decided.enqueue(decision.pk, link_base))
        progress_store(project)
        return decision


# Certificates --------------------------------------------------------------------


def validity_end(valid_from: datetime.date) -> datetime.date:
    """Three years minus one day: 9 October 2544 → 8 October 2547."""
    return add_years(valid_from, VALIDITY_YEARS) - datetime.timedelta(days=1)


def next_certificate_number(*, standard_code: str, day: datetime.date) -> str:
    """PSO-1101-2544-0001: standard, Buddhist-era year, sequence. The counter
    row is bumped with an UPDATE inside the caller's transaction, so
    concurrent decisions wait for each other instead of sharing a number."""
    year_be = buddhist_year(day.year)
    CertificateSequence.objects.get_or_create(standard_code=standard_code, year_be=year_be)
    CertificateSequence.objects.filter(standard_code=standard_code, year_be=year_be).update(
        last=F("last") + 1
    )
    last = CertificateSequence.objects.get(standard_code=standard_code, year_be=year_be).last
    return certificate_number(standard_code, year_be, last)


def certificate_number(standard_code: str, year_be: int, sequence: int) -> str:
    return f"PSO-{standard_code}-{year_be}-{sequence:04d}"


def certificate_revoke(*, certificate_id: int, user, reason: str) -> Certificate:
    reason = reason.strip()
    if not reason:
        raise DecisionRefused(_("Give the reason for revoking the certificate."))
    with transaction.atomic():
        certificate = Certificate.objects.select_related("project").get(pk=certificate_id)
        lock_project(certificate.project_id)
        if not institute_role_now(user, InstituteRole.Role.COMMITTEE) or role_in_project(
            user, certificate.project
        ):
            raise Http404("No such certificate.")
        certificate.refresh_from_db()
        if certificate.revoked_at is None:
            certificate.revoked_at = timezone.now()
            certificate.revoked_by = user
            certificate.revoked_reason = reason
            certificate.save(update_fields=["revoked_at", "revoked_by", "revoked_reason"])
            # Issued documents never change: new ones say it, naming those they replace.
            for kind in (IssuedDossier.Kind.DOSSIER, IssuedDossier.Kind.CERTIFICATE):
                dossier_issue(
                    project=certificate.project,
                    kind=kind,
                    occasion=IssuedDossier.Occasion.REVOCATION,
                    decision=certificate.decision,
                    issued_at=certificate.revoked_at,
                    replaces=latest_issued(certificate.project, kind),
                )
        return certificate


# Renewal -------------------------------------------------------------------------


class RenewalRefused(Refusal):
    """No renewal from this project (its state, or the person's role)."""


def project_renew(*, project_id: int, user, fiscal_year: int | None = None) -> tuple[Project, bool]:
    """Start the next cycle from a decided project: steps 1–5, the targets,
    the plan (dates moved by whole years) and a first round from its last
    round. Returns the renewal and whether it was created now (it may exist)."""
    fiscal_year = fiscal_year or current_fiscal_year()
    with transaction.atomic():
        project = lock_project(project_id)
        if role_in_project(user, project) not in (Membership.Role.HEAD, Membership.Role.EDITOR):
            raise Http404("No such project.")
        if project.status not in (Project.Status.CERTIFIED, Project.Status.NOT_CERTIFIED):
            raise RenewalRefused(_("Only a decided project can be renewed."))
        existing = renewal_of(project, fiscal_year)
        if existing is not None:
            return existing, False
        renewal = project_copy_for_renewal(project=project, fiscal_year=fiscal_year, user=user)
        plans_copy(source=project, target=renewal, shift_years=fiscal_year - project.fiscal_year)
        progress_store(renewal)
        return renewal, True
