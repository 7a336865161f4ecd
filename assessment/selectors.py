"""Querysets the project pages need, with their joins, in one place."""

from django.db.models import OuterRef, Subquery

from assessment.models import AssessmentRound, Project


def projects_with_latest_total(queryset=None):
    """Projects with the stored total of their latest round (no recomputing)."""
    latest = AssessmentRound.objects.filter(project=OuterRef("pk")).order_by("-number")
    queryset = Project.objects.all() if queryset is None else queryset
    return queryset.select_related("agency", "standard").annotate(
        latest_total=Subquery(latest.values("total_score")[:1]),
        latest_number=Subquery(latest.values("number")[:1]),
    )


def projects_by_agency(agency_ids) -> dict[int, list[Project]]:
    grouped: dict[int, list[Project]] = {}
    for project in projects_with_latest_total(Project.objects.filter(agency_id__in=agency_ids)).order_by(
        "-fiscal_year", "standard__code"
    ):
        grouped.setdefault(project.agency_id, []).append(project)
    return grouped
