"""Access to plans and activities, always through their project."""

from django.shortcuts import get_object_or_404

from assessment.access import get_project_for_user
from plans.models import Activity, Plan


def get_plan_for_user(user, project_pk: int, plan_id: int, *, write: bool = False) -> Plan:
    project = get_project_for_user(user, project_pk, write=write)
    return get_object_or_404(Plan.objects.select_related("project"), pk=plan_id, project=project)


def get_activity_for_user(user, project_pk: int, activity_id: int, *, write: bool = False) -> Activity:
    project = get_project_for_user(user, project_pk, write=write)
    return get_object_or_404(
        Activity.objects.select_related("plan", "plan__project", "responsible_user"),
        pk=activity_id,
        plan__project=project,
    )
