"""States of steps 7–8 for the stepper, computed from the data. Registered
in ``PlansConfig.ready`` (``assessment.frame``)."""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext as _

from assessment.frame import COMPLETE, IN_PROGRESS, NOT_STARTED, PROBLEM, StepDefinition, first_problem
from plans.models import Activity, Plan, ProgressUpdate
from plans.selectors import plans_with_criterion_ids, project_activities


@dataclass
class PlanData:
    plans: list[Plan]
    activities: list[Activity]


def plan_data(state) -> PlanData:
    """The project's plans with their criteria (``plan.criterion_list``) and
    activities (``plan.activity_list``, latest progress annotated): two
    queries, once per request, whatever the number of plans."""

    def load():
        criteria = {criterion.pk: criterion for criterion in state.data.criteria}
        plans: dict[int, Plan] = {}
        for row in plans_with_criterion_ids(state.project):
            plan = plans.setdefault(row.pk, row)
            if not hasattr(plan, "criterion_list"):
                plan.criterion_list = []
            if row.criterion_pk in criteria:
                plan.criterion_list.append(criteria[row.criterion_pk])
        activities = list(project_activities(state.project))
        for plan in plans.values():
            plan.criterion_list.sort(key=lambda criterion: criterion.order)
            plan.activity_list = [activity for activity in activities if activity.plan_id == plan.pk]
        return PlanData(plans=list(plans.values()), activities=activities)

    return state.memo("plans", load)


def uncovered_criteria(state, covered_ids: set[int]) -> list:
    """Criteria whose current level is below their target and that no plan covers."""
    levels = state.latest_round.criterion_levels if state.latest_round else {}
    uncovered = []
    for criterion in state.data.criteria:
        if criterion.target_level is None or criterion.pk in covered_ids:
            continue
        if float(levels.get(criterion.code, 0)) < criterion.target_level:
            uncovered.append(criterion)
    return uncovered


def step7(state) -> tuple[str, str]:
    plans = plan_data(state).plans
    targets = [c.target_level for c in state.data.criteria]
    if all(target is None for target in targets) and not plans:
        return NOT_STARTED, _("Set a target level for every criterion, then group the criteria into plans.")
    problems = []
    if any(target is None for target in targets):
        problems.append(_("Set a target level for every criterion."))
    covered = {criterion.pk for plan in plans for criterion in plan.criterion_list}
    uncovered = uncovered_criteria(state, covered)
    if uncovered:
        problems.append(
            _("No plan covers these criteria below their target: %(criteria)s.")
            % {"criteria": ", ".join(c.name for c in uncovered)}
        )
    empty = [plan.name for plan in plans if not plan.activity_list]
    if empty:
        problems.append(_("Plans without activities: %(plans)s.") % {"plans": ", ".join(empty)})
    if not plans:
        problems.append(_("Add at least one plan with its activities."))
    return (PROBLEM, first_problem(problems)) if problems else (COMPLETE, "")


def blocked_without_note(activities) -> list[Activity]:
    return [
        a
        for a in activities
        if a.latest_status == ProgressUpdate.Status.BLOCKED and not (a.latest_note or "").strip()
    ]


def step8(state) -> tuple[str, str]:
    activities = plan_data(state).activities
    rounds = len(state.rounds)
    if not activities:
        return NOT_STARTED, _("Record progress once the upgrade plan exists.")
    if not any(a.latest_status for a in activities) and rounds < 2:
        return NOT_STARTED, _("Record the progress of the activities and re-assess.")
    blocked = blocked_without_note(activities)
    if blocked:
        return PROBLEM, _("Blocked without a note: %(titles)s.") % {
            "titles": ", ".join(a.title for a in blocked)
        }
    short_open = [
        a
        for a in activities
        if a.phase == Activity.Phase.SHORT and a.latest_status != ProgressUpdate.Status.DONE
    ]
    if short_open:
        return IN_PROGRESS, _("%(count)s short-term activities are not done yet.") % {
            "count": len(short_open)
        }
    if rounds < 2:
        return IN_PROGRESS, _("Re-assess in a new round to show the improvement.")
    return COMPLETE, ""


def step_url(project, number: int) -> str:
    return reverse("plans:step", kwargs={"pk": project.pk, "number": number})


STEPS = [
    StepDefinition(7, lambda project: step_url(project, 7), step7),
    StepDefinition(8, lambda project: step_url(project, 8), step8),
]
