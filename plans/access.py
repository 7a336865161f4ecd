"""Access to plans and activities, always through their project."""

from django.shortcuts import get_object_or_404

from assessment.access import get_project_for_user
from plans.models import Activity, Plan


def get_plan_for_user(user, project_pk: int, plan_id: int, *, write: bool = False) -> Plan:
    project = get_project_for_user(user, project_pk, write=write)
    plan = get_object_or_404(Plan, pk=plan_id, project=project)
    plan.project = project  # the project as the access check loaded it
    return plan


def get_activity_for_user(user, project_pk: int, activity_id: int, *, write: bool = False) -> Activity:
    project = get_project_for_user(user, project_pk, write=write)
    activity = get_object_or_404(
        Activity.objects.select_related("plan", "responsible_user"), pk=activity_id, plan__project=project
    )
    activity.plan.project = project
    return activity
