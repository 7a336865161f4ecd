"""Querysets of steps 7–9, with their joins, in one place."""

from django.db.models import Count, F, OuterRef, Q, Subquery
from django.utils import timezone

from plans.models import Activity, Plan, ProgressUpdate


def activities_with_latest(queryset=None):
    """Activities with the status, percent and note of their latest update."""
    latest = ProgressUpdate.objects.filter(activity=OuterRef("pk")).order_by("-date", "-created_at", "-pk")
    queryset = Activity.objects.all() if queryset is None else queryset
    return queryset.select_related("responsible_user", "plan").annotate(
        latest_status=Subquery(latest.values("status")[:1]),
        latest_percent=Subquery(latest.values("percent")[:1]),
        latest_note=Subquery(latest.values("note")[:1]),
        latest_date=Subquery(latest.values("date")[:1]),
    )


def plans_with_criterion_ids(project):
    """The project's plans, one row per (plan, criterion) with the criterion's
    id as ``criterion_pk`` (None for a plan without criteria): plans and
    their criteria in one query."""
    return (
        Plan.objects.filter(project=project).annotate(criterion_pk=F("criteria__id")).order_by("order", "id")
    )


def project_activities(project):
    return activities_with_latest(Activity.objects.filter(plan__project=project)).order_by(
        "start_date", "order", "id"
    )


def overdue_counts(project_ids, today=None) -> dict[int, int]:
    """Activities past their end date and not done, per project (one query;
    the same rule as ``Activity.is_overdue``)."""
    today = today or timezone.localdate()
    rows = (
        activities_with_latest(Activity.objects.filter(plan__project_id__in=project_ids, end_date__lt=today))
        .filter(Q(latest_status__isnull=True) | ~Q(latest_status=ProgressUpdate.Status.DONE))
        .values("plan__project_id")
        .annotate(count=Count("pk"))
    )
    return {row["plan__project_id"]: row["count"] for row in rows}
