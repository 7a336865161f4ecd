"""The institute's figures over a set of projects (a cohort, a province, a
ministry, a standard): counts by status, certificates running out, the
committee's workload, and each fiscal year's projects started, submitted
and certified. Each figure is one query, whatever the number of projects."""

import datetime
from dataclasses import dataclass
from fractions import Fraction

from django.db.models import Avg, Count, DurationField, ExpressionWrapper, F, OuterRef, Q, Subquery
from django.utils import timezone

from assessment.models import Project
from certification.models import Certificate, Decision, IssuedDossier
from pso_site.lib.bilingual import pick_language

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


def expiring_counts(projects, today: datetime.date | None = None) -> dict[int, int]:
    """How many valid certificates end within 90 and within 180 days (one query)."""
    today = today or timezone.localdate()
    return expiring(projects, today).aggregate(
        **{
            f"within_{days}": Count("pk", filter=Q(valid_until__lte=today + datetime.timedelta(days=days)))
            for days in SOON
        }
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


@dataclass
class CohortChart:
    labels: list[str]
    average: list[Fraction]
    lowest: list[Fraction]
    projects: int


def criterion_levels(projects) -> CohortChart | None:
    """Each criterion's level across the projects, as they submitted them
    (the latest submission's figures): the average and the lowest. Only when
    the projects share one standard's criteria (one query)."""
    latest = IssuedDossier.objects.filter(
        project=OuterRef("pk"), occasion=IssuedDossier.Occasion.SUBMISSION
    ).order_by("-issued_at", "-pk")
    chosen = projects.order_by().annotate(latest=Subquery(latest.values("pk")[:1])).values("latest")
    figures = [
        f
        for f in IssuedDossier.objects.filter(pk__in=chosen).values_list("figures", flat=True)
        if f.get("criteria")
    ]
    if not figures:
        return None
    codes = {tuple(c["code"] for c in f["criteria"]) for f in figures}
    if len(codes) != 1:
        return None
    columns = list(zip(*[[Fraction(c["level"] or 0) for c in f["criteria"]] for f in figures], strict=True))
    first = figures[0]["criteria"]
    return CohortChart(
        labels=[pick_language(c["name_th"], c["name_en"]) for c in first],
        average=[sum(column, Fraction(0)) / len(column) for column in columns],
        lowest=[min(column) for column in columns],
        projects=len(figures),
    )
