"""What certification pages and services read, with their joins, in one
place: the institute's lists, a project's current review, its previous
certificate, its renewal. Nothing here writes."""

from django.db.models import Count, OuterRef, Subquery
from django.db.models.fields.json import KT

from agencies.models import Membership
from assessment.models import Project
from certification.models import Decision, IssuedDossier, Review, ReviewCriterion


def projects_with_submitted_total(queryset):
    """Projects with the total of their latest submission, as issued: the
    institute's lists never show an agency's live figures."""
    submission = IssuedDossier.objects.filter(
        project=OuterRef("pk"), occasion=IssuedDossier.Occasion.SUBMISSION
    ).order_by("-issued_at", "-pk")
    return queryset.select_related("agency", "standard").annotate(
        submitted_total=Subquery(submission.annotate(total=KT("figures__total")).values("total")[:1])
    )


def open_requests(project_ids) -> dict[int, int]:
    """For projects sent back to their agency: how many criteria the
    committee commented on in its request (one query for all projects)."""
    request_review = Decision.objects.filter(project=OuterRef("review__project")).order_by(
        "-decided_at", "-pk"
    )
    rows = (
        ReviewCriterion.objects.filter(
            review__project_id__in=project_ids, review__project__status=Project.Status.CHANGES_REQUESTED
        )
        .exclude(comment="")
        .filter(review_id=Subquery(request_review.values("review_id")[:1]))
        .values("review__project_id")
        .annotate(count=Count("pk"))
    )
    return {row["review__project_id"]: row["count"] for row in rows}


def agency_changes_since(project, asked):
    """What the agency changed after the committee asked for changes
    (``asked``, a decision) and before it submitted again, newest first: the
    project's readable history as the agency's members wrote it — not the
    committee's entries, nor what the system recorded itself (a dossier
    built, the progress stored) — until the resubmission."""
    from assessment import history

    members = Membership.objects.filter(agency_id=project.agency_id).values("user_id")
    changes = history.project_changes(project).filter(at__gt=asked.decided_at, user_id__in=members)
    if project.submitted_at and project.submitted_at > asked.decided_at:
        changes = changes.filter(at__lt=project.submitted_at)
    return changes


def current_review(project: Project) -> Review | None:
    return project.reviews.order_by("-number").first()


def current_review_with_rows(project: Project) -> tuple[Review | None, list[ReviewCriterion]]:
    """The current review and its rows in one query (pages)."""
    latest = Review.objects.filter(project=project).order_by("-number").values("number")[:1]
    rows = list(
        ReviewCriterion.objects.filter(review__project=project, review__number=Subquery(latest))
        .select_related("review", "criterion")
        .order_by("criterion__order")
    )
    if rows:
        return rows[0].review, rows
    return current_review(project), []


def review_rows(review: Review) -> list[ReviewCriterion]:
    return list(
        ReviewCriterion.objects.filter(review=review).select_related("criterion").order_by("criterion__order")
    )


def previous_certificate_document(project: Project) -> IssuedDossier | None:
    """The printable certificate of the agency's previous cycle of the same
    standard, which a renewal's certificate replaces."""
    return (
        IssuedDossier.objects.filter(
            kind=IssuedDossier.Kind.CERTIFICATE,
            project__agency_id=project.agency_id,
            project__standard_id=project.standard_id,
            project__fiscal_year__lt=project.fiscal_year,
        )
        .order_by("-project__fiscal_year", "-issued_at", "-pk")
        .first()
    )


def renewal_of(project: Project, fiscal_year: int) -> Project | None:
    return Project.objects.filter(
        agency=project.agency, standard=project.standard, fiscal_year=fiscal_year
    ).first()
