"""The institute's figures over a set of projects (a cohort, a province, a
ministry, a standard): counts by status, certificates running out, the
committee's workload, and each fiscal year's projects started, submitted
and certified. Each figure is one query, whatever the number of projects."""

import datetime
from dataclasses import dataclass

from django.db.models import Avg, Count, DurationField, ExpressionWrapper, F, Q
from django.utils import timezone

from assessment.models import Project
from certification.models import Certificate, Decision

SOON = (90, 180)


@dataclass
class Workload:
    waiting: int
    in_review: int
    changes_requested: int
    average_days_to_decision: float | None


def status_counts(projects) -> dict[str, int]:
    counts = dict(projects.order_by().values_list("status").annotate(count=Count("pk")))
    return {status: counts.get(status, 0) for status in Project.Status.values}


def expiring(projects, today: datetime.date | None = None):
    """Valid certificates of these projects that end within 180 days, soonest first."""
    today = today or timezone.localdate()
    return (
        Certificate.objects.filter(
            project__in=projects.order_by().values("pk"),
            revoked_at__isnull=True,
            valid_until__gte=today,
            valid_until__lte=today + datetime.timedelta(days=max(SOON)),
        )
        .select_related("project__agency", "project__standard")
        .order_by("valid_until", "number")
    )


def workload(projects, counts: dict[str, int]) -> Workload:
    """Projects waiting for the committee, in review, sent back; and the
    average days from the latest submission to the decision that followed it."""
    durations = (
        Decision.objects.filter(project__in=projects.order_by().values("pk"))
        .filter(project__submitted_at__lte=F("decided_at"))
        .annotate(
            took=ExpressionWrapper(F("decided_at") - F("project__submitted_at"), output_field=DurationField())
        )
        .aggregate(average=Avg("took"))
    )
    average = durations["average"]
    return Workload(
        waiting=counts[Project.Status.SUBMITTED],
        in_review=counts[Project.Status.UNDER_REVIEW],
        changes_requested=counts[Project.Status.CHANGES_REQUESTED],
        average_days_to_decision=None if average is None else round(average.total_seconds() / 86400, 1),
    )


def by_year(projects) -> list[dict]:
    """Per fiscal year: projects started, submitted (at least once) and certified."""
    return list(
        projects.order_by()
        .values("fiscal_year")
        .annotate(
            started=Count("pk"),
            submitted=Count("pk", filter=Q(submitted_at__isnull=False)),
            certified=Count("pk", filter=Q(status=Project.Status.CERTIFIED)),
        )
        .order_by("-fiscal_year")
    )
