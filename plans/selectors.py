"""Querysets of steps 7–9, with their joins, in one place."""

from django.db.models import OuterRef, Prefetch, Subquery

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


def plans_for_project(project):
    """Plans with their criteria and activities (latest progress annotated)."""
    return Plan.objects.filter(project=project).prefetch_related(
        "criteria",
        Prefetch(
            "activities",
            queryset=activities_with_latest().order_by("start_date", "order", "id"),
        ),
    )


def project_activities(project):
    return activities_with_latest(Activity.objects.filter(plan__project=project)).order_by(
        "start_date", "order", "id"
    )
