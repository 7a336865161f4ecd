"""Querysets of the institute's lists, with their joins, in one place."""

from django.db.models import Count, OuterRef, Subquery
from django.db.models.fields.json import KT

from agencies.models import Membership
from assessment.models import Project
from certification.models import Decision, IssuedDossier, ReviewCriterion


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
