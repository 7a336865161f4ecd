"""States of steps 1–6 for the stepper, computed from the data (never a
manual flag), each with one line saying what is missing. Registered in
``AssessmentConfig.ready`` (``assessment.frame``)."""

from django.urls import reverse
from django.utils.translation import gettext as _

from assessment import rules
from assessment.frame import COMPLETE, IN_PROGRESS, NOT_STARTED, PROBLEM, StepDefinition, first_problem


def step_url(project, number: int) -> str:
    return reverse("assessment:step", kwargs={"pk": project.pk, "number": number})


def step1(state) -> tuple[str, str]:
    if state.project.vision.strip():
        return COMPLETE, ""
    return NOT_STARTED, _("Write the vision.")


def step2(state) -> tuple[str, str]:
    project = state.project
    missing = []
    if not project.mission_statement.strip():
        missing.append(_("Write the mission statement."))
    if not project.goal_list:
        missing.append(_("Add at least one goal."))
    if not project.objective_list:
        missing.append(_("Add the project's objectives."))
    if not missing:
        return COMPLETE, ""
    return (NOT_STARTED if len(missing) == 3 else IN_PROGRESS), first_problem(missing)


def step3(state) -> tuple[str, str]:
    data = state.data
    if not data.missions:
        return NOT_STARTED, _("List the agency's missions and give them points.")
    budgets = data.project.budgets()
    problems = rules.budget_problems(budgets) + rules.mission_problems(
        budgets, [(m.category, m.points) for m in data.missions]
    )
    return (PROBLEM, first_problem(problems)) if problems else (COMPLETE, "")


def step4(state) -> tuple[str, str]:
    weights = [c.weight for c in state.data.criteria]
    if all(weight is None for weight in weights):
        return NOT_STARTED, _("Weigh the criteria so that the weights add up to 100.")
    problems = rules.weight_problems(weights)
    return (PROBLEM, first_problem(problems)) if problems else (COMPLETE, "")


def step5(state) -> tuple[str, str]:
    data = state.data
    if not data.indicators:
        return NOT_STARTED, _("Define at least one indicator for every criterion.")
    problems = [text for text, _anchor in step5_problems(data)]
    return (IN_PROGRESS, first_problem(problems)) if problems else (COMPLETE, "")


def step5_problems(data) -> list[tuple[str, str]]:
    """What step 5 still lacks, each with the place on the page to fix it."""
    covered = {indicator.criterion_id for indicator in data.indicators}
    without = [c.name for c in data.criteria if c.pk not in covered]
    problems = [(text, "#indicators") for text in rules.indicator_problems(without)]
    for index, indicator in enumerate(data.indicators):
        for level, text in enumerate(indicator.conditions()):
            if not text.strip():
                problems.append(
                    (
                        _("%(indicator)s: write the condition for level %(level)s.")
                        % {"indicator": indicator.name, "level": level},
                        f"#id_indicators-{index}-level_{level}",
                    )
                )
    return problems


def step_problems(number: int, state) -> list[tuple[str, str]]:
    """Every problem of a step 2–5 (not only the first, as the stepper
    shows), each with a link to where it is fixed."""
    data, project = state.data, state.project
    if number == 2:
        missing = []
        if not project.mission_statement.strip():
            missing.append((_("Write the mission statement."), "#id_mission_statement"))
        if not project.goal_list:
            missing.append((_("Add at least one goal."), "#id_goals"))
        if not project.objective_list:
            missing.append((_("Add the project's objectives."), "#id_objectives"))
        return missing
    if number == 3 and data.missions:
        budgets = project.budgets()
        rows = [(m.category, m.points) for m in data.missions]
        return [
            (text, "#category-totals")
            for text in rules.budget_problems(budgets) + rules.mission_problems(budgets, rows)
        ]
    if number == 4 and any(c.weight is not None for c in data.criteria):
        return [(text, "#weight-total") for text in rules.weight_problems([c.weight for c in data.criteria])]
    if number == 5 and data.indicators:
        return step5_problems(data)
    return []


def step6(state) -> tuple[str, str]:
    latest = state.latest_round
    if latest is None:
        return NOT_STARTED, _("Start the assessment round once missions and indicators are in place.")
    if latest.is_complete:
        return COMPLETE, ""
    without_level, without_justification, carried = state.open_cells
    if without_level or without_justification:
        return IN_PROGRESS, _("%(missing)s cells still need a level, %(unjustified)s a justification.") % {
            "missing": without_level,
            "unjustified": without_justification,
        }
    if carried:
        return IN_PROGRESS, _(
            "%(count)s justifications carried over from the last cycle: confirm or rewrite them."
        ) % {"count": carried}
    return IN_PROGRESS, _("Complete the round: every cell needs a level and a justification.")


STEPS = [
    StepDefinition(number, lambda project, number=number: step_url(project, number), state)
    for number, state in ((1, step1), (2, step2), (3, step3), (4, step4), (5, step5), (6, step6))
]
