"""The stepper: the state of each of the nine steps, computed from the data
(never a manual flag), with one line saying what is missing."""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from assessment import rules
from assessment.models import AssessmentRound
from assessment.results import ProjectData

NOT_STARTED = "not_started"
IN_PROGRESS = "in_progress"
COMPLETE = "complete"
PROBLEM = "problem"

STATE_LABELS = {
    NOT_STARTED: gettext_lazy("Not started"),
    IN_PROGRESS: gettext_lazy("In progress"),
    COMPLETE: gettext_lazy("Complete"),
    PROBLEM: gettext_lazy("Has problems"),
}

STEP_NAMES = {
    1: gettext_lazy("Vision"),
    2: gettext_lazy("Mission statement and goals"),
    3: gettext_lazy("Missions and priorities"),
    4: gettext_lazy("Criterion weights"),
    5: gettext_lazy("Indicators and scoring method"),
    6: gettext_lazy("Current status assessment"),
    7: gettext_lazy("Upgrade plan"),
    8: gettext_lazy("Carrying out the upgrade"),
    9: gettext_lazy("Preparing for certification"),
}


@dataclass
class StepState:
    number: int
    state: str
    missing: str
    url: str

    @property
    def name(self) -> str:
        return str(STEP_NAMES[self.number])

    @property
    def label(self) -> str:
        return str(STATE_LABELS[self.state])

    @property
    def is_complete(self) -> bool:
        return self.state == COMPLETE


def step_url(project, number: int) -> str:
    return reverse("assessment:step", kwargs={"pk": project.pk, "number": number})


def _first(problems: list[str]) -> str:
    if not problems:
        return ""
    extra = len(problems) - 1
    return problems[0] + (_(" (and %(count)s more)") % {"count": extra} if extra else "")


def step1(data: ProjectData) -> tuple[str, str]:
    if data.project.vision.strip():
        return COMPLETE, ""
    return NOT_STARTED, _("Write the vision.")


def step2(data: ProjectData) -> tuple[str, str]:
    project = data.project
    missing = []
    if not project.mission_statement.strip():
        missing.append(_("Write the mission statement."))
    if not project.goal_list:
        missing.append(_("Add at least one goal."))
    if not project.objective_list:
        missing.append(_("Add the project's objectives."))
    if not missing:
        return COMPLETE, ""
    return (NOT_STARTED if len(missing) == 3 else IN_PROGRESS), _first(missing)


def step3(data: ProjectData) -> tuple[str, str]:
    if not data.missions:
        return NOT_STARTED, _("List the agency's missions and give them points.")
    problems = rules.budget_problems(data.project.budgets()) + rules.mission_problems(
        data.project.budgets(), [(m.category, m.points) for m in data.missions]
    )
    return (PROBLEM, _first(problems)) if problems else (COMPLETE, "")


def step4(data: ProjectData) -> tuple[str, str]:
    weights = [c.weight for c in data.criteria]
    if all(weight is None for weight in weights):
        return NOT_STARTED, _("Weigh the criteria so that the weights add up to 100.")
    problems = rules.weight_problems(weights)
    return (PROBLEM, _first(problems)) if problems else (COMPLETE, "")


def step5(data: ProjectData) -> tuple[str, str]:
    if not data.indicators:
        return NOT_STARTED, _("Define at least one indicator for every criterion.")
    covered = {indicator.criterion_id for indicator in data.indicators}
    without = [c.name for c in data.criteria if c.pk not in covered]
    problems = rules.indicator_problems(without)
    return (IN_PROGRESS, _first(problems)) if problems else (COMPLETE, "")


def step6(data: ProjectData, latest: AssessmentRound | None, missing_cells: int) -> tuple[str, str]:
    if latest is None:
        return NOT_STARTED, _("Start the assessment round once missions and indicators are in place.")
    if latest.is_complete:
        return COMPLETE, ""
    if missing_cells:
        return IN_PROGRESS, _("%(count)s cells still need a level and a justification.") % {
            "count": missing_cells
        }
    return IN_PROGRESS, _("Complete the round: every cell needs a level and a justification.")


def project_steps(
    data: ProjectData, latest: AssessmentRound | None, missing_cells: int, later_steps=None
) -> list[StepState]:
    """The nine steps in order. ``later_steps`` maps 7–9 to (state, missing)
    as computed by the plans app."""
    computed = {
        1: step1(data),
        2: step2(data),
        3: step3(data),
        4: step4(data),
        5: step5(data),
        6: step6(data, latest, missing_cells),
    }
    computed.update(later_steps or {})
    for number in (7, 8, 9):
        computed.setdefault(number, (NOT_STARTED, ""))
    return [
        StepState(number, state, missing, step_url(data.project, number))
        for number, (state, missing) in computed.items()
    ]
