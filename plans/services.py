"""Changes of steps 7–8: targets, plans, activities, progress. Each runs
inside ``assessment.writes.project_for_write`` (the project's row lock first,
then its state and the person's role, then conflicts)."""

import datetime
from dataclasses import asdict, dataclass
from decimal import Decimal

from django.db.models import Prefetch
from django.http import Http404
from django.utils.translation import gettext as _

from agencies.models import Membership
from assessment.models import Project, ProjectCriterion
from assessment.rules import points_text
from assessment.services import RuleViolation
from assessment.writes import Section, check_unchanged, project_for_write
from plans.models import Activity, ActivityEvidence, Plan, ProgressUpdate
from plans.rules import activity_problems, date_problem
from pso_site.lib.dates import add_years
from pso_site.lib.models import model_update

# Targets (step 7) ------------------------------------------------------------------


def targets_snapshot(project: Project):
    return {
        f"target.{c.code}": (c.name, "" if c.target_level is None else str(c.target_level))
        for c in ProjectCriterion.objects.filter(project=project)
    }


TARGETS = Section(targets_snapshot, lambda project: [ProjectCriterion.history.filter(project_id=project.pk)])


def targets_save(*, project_id: int, user, token: str, targets: dict[str, int]) -> Project:
    with project_for_write(project_id=project_id, user=user) as project:
        check_unchanged(project=project, section=TARGETS, token=token)
        for criterion in ProjectCriterion.objects.filter(project=project):
            if criterion.target_level != targets[criterion.code]:
                criterion.target_level = targets[criterion.code]
                criterion.save(update_fields=["target_level"])
        return project


# Plans ---------------------------------------------------------------------------------


def _plan(project: Project, plan_id: int) -> Plan:
    plan = Plan.objects.filter(project=project, pk=plan_id).first()
    if plan is None:
        raise Http404("No such plan.")
    return plan


def plan_snapshot_of(plan: Plan | None, criteria) -> dict:
    if plan is None:
        return {}
    return {
        "name": (_("Plan"), plan.name),
        "approach": (_("Approach"), plan.approach),
        "criteria": (_("Criteria"), ", ".join(c.name for c in sorted(criteria, key=lambda c: c.order))),
    }


def plan_section(plan_id: int) -> Section:
    def snapshot(project):
        plan = Plan.objects.filter(project=project, pk=plan_id).prefetch_related("criteria").first()
        return plan_snapshot_of(plan, plan.criteria.all() if plan else [])

    return Section(snapshot, lambda project: [Plan.history.filter(id=plan_id)])


def _criteria(project: Project, criterion_ids) -> list[ProjectCriterion]:
    criteria = list(ProjectCriterion.objects.filter(project=project, pk__in=criterion_ids))
    if len(criteria) != len(set(criterion_ids)):
        raise Http404("No such criterion.")
    return criteria


def plan_create(*, project_id: int, user, name: str, approach: str, criterion_ids: list[int]) -> Plan:
    with project_for_write(project_id=project_id, user=user) as project:
        criteria = _criteria(project, criterion_ids)
        plan = Plan.objects.create(
            project=project,
            name=name,
            approach=approach,
            order=Plan.objects.filter(project=project).count() + 1,
        )
        plan.criteria.set(criteria)
        return plan


def plan_update(
    *, project_id: int, plan_id: int, user, token: str, name: str, approach: str, criterion_ids: list[int]
) -> Plan:
    with project_for_write(project_id=project_id, user=user) as project:
        plan = _plan(project, plan_id)
        check_unchanged(project=project, section=plan_section(plan_id), token=token)
        criteria = _criteria(project, criterion_ids)
        if (plan.name, plan.approach) != (name, approach):
            plan.name, plan.approach = name, approach
            plan.save(update_fields=["name", "approach"])
        if {c.pk for c in plan.criteria.all()} != {c.pk for c in criteria}:
            plan.criteria.set(criteria)
        return plan


def plan_delete(*, project_id: int, plan_id: int, user, token: str) -> None:
    """Delete the plan as the person saw it (``token``: its edit page's)."""
    with project_for_write(project_id=project_id, user=user) as project:
        plan = _plan(project, plan_id)
        check_unchanged(project=project, section=plan_section(plan_id), token=token)
        plan.delete()


# Activities ------------------------------------------------------------------------


@dataclass(frozen=True)
class ActivityInput:
    plan_id: int
    title: str
    phase: str
    start_date: datetime.date
    end_date: datetime.date | None = None
    description: str = ""
    responsible_user_id: int | None = None
    responsible_name: str = ""
    responsible_position: str = ""
    budget: Decimal | None = None
    expected_result: str = ""


def _activity(project: Project, activity_id: int) -> Activity:
    activity = Activity.objects.filter(plan__project=project, pk=activity_id).first()
    if activity is None:
        raise Http404("No such activity.")
    return activity


def activity_snapshot_of(activity: Activity | None):
    if activity is None:
        return {}
    values = asdict(activity_input_of(activity))
    return {
        name: (str(Activity._meta.get_field(name.removesuffix("_id")).verbose_name), _text(value))
        for name, value in values.items()
    }


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return points_text(value)
    return str(value)


def activity_input_of(activity: Activity) -> ActivityInput:
    return ActivityInput(**{name: getattr(activity, name) for name in ActivityInput.__dataclass_fields__})


def activity_section(activity_id: int) -> Section:
    return Section(
        lambda project: activity_snapshot_of(
            Activity.objects.filter(plan__project=project, pk=activity_id).first()
        ),
        lambda project: [Activity.history.filter(id=activity_id)],
    )


def _check_activity(project: Project, values: ActivityInput) -> None:
    _plan(project, values.plan_id)
    problems = activity_problems(project, values)
    if problems:
        raise RuleViolation([problem for _field, problem in problems])
    if (
        values.responsible_user_id is not None
        and not project.agency.memberships.filter(user_id=values.responsible_user_id).exists()
    ):
        raise Http404("No such member.")


def activity_create(*, project_id: int, user, values: ActivityInput) -> Activity:
    with project_for_write(project_id=project_id, user=user) as project:
        _check_activity(project, values)
        return Activity.objects.create(**asdict(values))


def activity_update(
    *, project_id: int, activity_id: int, user, token: str, values: ActivityInput
) -> Activity:
    with project_for_write(project_id=project_id, user=user) as project:
        activity = _activity(project, activity_id)
        check_unchanged(project=project, section=activity_section(activity_id), token=token)
        _check_activity(project, values)
        model_update(activity, asdict(values))
        return activity


def activity_delete(*, project_id: int, activity_id: int, user, token: str) -> None:
    """Delete the activity as the person saw it (``token``: its edit page's)."""
    with project_for_write(project_id=project_id, user=user) as project:
        activity = _activity(project, activity_id)
        check_unchanged(project=project, section=activity_section(activity_id), token=token)
        activity.delete()


# Progress (step 8) -----------------------------------------------------------------


def progress_record(
    *,
    project_id: int,
    activity_id: int,
    user,
    status: str,
    percent: int,
    date: datetime.date,
    note: str,
    upload=None,
    sha256: str = "",
    content_type: str = "",
) -> ProgressUpdate:
    """A progress update, with an optional checked evidence upload
    (``assessment.evidence.EvidenceForm``)."""
    with project_for_write(project_id=project_id, user=user) as project:
        activity = _activity(project, activity_id)
        problem = date_problem(project, date)
        if problem:
            raise RuleViolation([problem])
        update = ProgressUpdate.objects.create(
            activity=activity, status=status, percent=percent, date=date, note=note, created_by=user
        )
        if upload is not None:
            ActivityEvidence(update=update).fill_from_upload(
                upload=upload, sha256=sha256, content_type=content_type, user=user
            )
        return update


# Renewal ----------------------------------------------------------------------------


def agency_members(project: Project) -> set[int]:
    return set(Membership.objects.filter(agency_id=project.agency_id).values_list("user_id", flat=True))


def responsible_kept(user, name: str, members: set[int]) -> tuple[object | None, str]:
    """Who is responsible for a copied or imported activity: a member of the
    agency stays linked; anyone else (who has left, or another installation's
    account) stays by name, since the activity's form offers members only."""
    if user is None or user.pk in members:
        return user, name
    return None, name or user.get_full_name() or user.username


def plans_copy(*, source: Project, target: Project, shift_years: int) -> None:
    """Copy the upgrade plan into a renewal project, dates moved by whole
    years. The caller (``certification.services.project_renew``) holds the lock."""
    criteria = {c.code: c for c in ProjectCriterion.objects.filter(project=target)}
    members = agency_members(target)
    activities = Prefetch("activities", queryset=Activity.objects.select_related("responsible_user"))
    for plan in Plan.objects.filter(project=source).prefetch_related("criteria", activities):
        copy = Plan.objects.create(project=target, name=plan.name, approach=plan.approach, order=plan.order)
        copy.criteria.set([criteria[c.code] for c in plan.criteria.all() if c.code in criteria])
        for activity in plan.activities.all():
            responsible, name = responsible_kept(
                activity.responsible_user, activity.responsible_name, members
            )
            Activity.objects.create(
                plan=copy,
                title=activity.title,
                description=activity.description,
                responsible_user=responsible,
                responsible_name=name,
                responsible_position=activity.responsible_position,
                phase=activity.phase,
                start_date=add_years(activity.start_date, shift_years),
                end_date=add_years(activity.end_date, shift_years) if activity.end_date else None,
                budget=activity.budget,
                expected_result=activity.expected_result,
                order=activity.order,
            )
