"""States of steps 7–9 for the stepper, computed from the data."""

from django.utils.translation import gettext as _

from assessment.models import Project
from assessment.steps import COMPLETE, IN_PROGRESS, NOT_STARTED, PROBLEM
from plans.models import Activity, Plan, ProgressUpdate
from plans.selectors import project_activities


def uncovered_criteria(data, covered_ids: set[int]) -> list:
    """Criteria whose current level is below their target and that no plan covers."""
    if data.project.rounds.exists():
        from assessment.services import latest_round

        levels = latest_round(data.project).criterion_levels
    else:
        levels = {}
    uncovered = []
    for criterion in data.criteria:
        if criterion.target_level is None or criterion.pk in covered_ids:
            continue
        current = float(levels.get(criterion.code, 0))
        if current < criterion.target_level:
            uncovered.append(criterion)
    return uncovered


def step7(data, plans: list[Plan], activities: list[Activity]) -> tuple[str, str]:
    targets = [c.target_level for c in data.criteria]
    if all(target is None for target in targets) and not plans:
        return NOT_STARTED, _("Set a target level for every criterion, then group the criteria into plans.")
    problems = []
    if any(target is None for target in targets):
        problems.append(_("Set a target level for every criterion."))
    covered = {criterion.pk for plan in plans for criterion in plan.criteria.all()}
    uncovered = uncovered_criteria(data, covered)
    if uncovered:
        problems.append(
            _("No plan covers these criteria below their target: %(criteria)s.")
            % {"criteria": ", ".join(c.name for c in uncovered)}
        )
    empty = [plan.name for plan in plans if not any(a.plan_id == plan.pk for a in activities)]
    if empty:
        problems.append(_("Plans without activities: %(plans)s.") % {"plans": ", ".join(empty)})
    if not plans:
        problems.append(_("Add at least one plan with its activities."))
    if problems:
        return PROBLEM, problems[0] + (
            _(" (and %(count)s more)") % {"count": len(problems) - 1} if len(problems) > 1 else ""
        )
    return COMPLETE, ""


def step8(data, activities: list[Activity], rounds: int) -> tuple[str, str]:
    if not activities:
        return NOT_STARTED, _("Record progress once the upgrade plan exists.")
    with_progress = [a for a in activities if a.latest_status]
    if not with_progress and rounds < 2:
        return NOT_STARTED, _("Record the progress of the activities and re-assess.")
    blocked = [
        a
        for a in activities
        if a.latest_status == ProgressUpdate.Status.BLOCKED and not (a.latest_note or "").strip()
    ]
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


def plan_steps(*, project, data, latest, include_step9: bool = True) -> dict[int, tuple[str, str]]:
    plans = list(Plan.objects.filter(project=project).prefetch_related("criteria"))
    activities = list(project_activities(project))
    rounds = project.rounds.count()
    states = {7: step7(data, plans, activities), 8: step8(data, activities, rounds)}
    if include_step9:
        if project.status not in Project.EDITABLE_STATUSES:
            states[9] = (COMPLETE, "")
        else:
            from assessment.steps import project_steps
            from plans.readiness import project_readiness

            steps = project_steps(data, latest, 0, {**states, 9: (NOT_STARTED, "")})
            readiness = project_readiness(project, data=data, steps=steps, activities=activities)
            if readiness.ready:
                states[9] = (IN_PROGRESS, _("Ready: the agency head can submit the request."))
            else:
                states[9] = (
                    NOT_STARTED if states[7][0] == NOT_STARTED else PROBLEM,
                    _("%(count)s items block the request.") % {"count": len(readiness.blocking)},
                )
    return states
