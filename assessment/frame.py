"""The frame of every project page — the nine steps and what the person may
do — computed once per request.

Steps 1–6 belong to this app. The apps above it register theirs (7–8 plans,
9 certification) and what they add to the frame (links, notices) in their
``AppConfig.ready``, the way Django's admin is filled by autodiscovery: this
module never imports them (``.importlinter``).
"""

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property

from django.core.cache import cache
from django.db.models import prefetch_related_objects
from django.utils.translation import get_language, gettext_lazy, ngettext
from django.utils.translation import gettext as _

from agencies.catalogue import catalogue_steps
from agencies.models import Membership
from agencies.models import Step as CatalogueStep
from assessment.access import project_role
from assessment.models import AssessmentRound, Project
from assessment.results import ProjectData
from assessment.scoring import RoundScore

NOT_STARTED = "not_started"
IN_PROGRESS = "in_progress"
COMPLETE = "complete"
PROBLEM = "problem"

# How long a process keeps a project's step states (see ``ProjectState.stepper``).
STEP_STATES_SECONDS = 300

STATE_LABELS = {
    NOT_STARTED: gettext_lazy("Not started"),
    IN_PROGRESS: gettext_lazy("In progress"),
    COMPLETE: gettext_lazy("Complete"),
    PROBLEM: gettext_lazy("Has problems"),
}


@dataclass(frozen=True)
class StepDefinition:
    """A step as an app registers it: where it lives and how its state is
    computed from the project's state."""

    number: int
    url: Callable[[Project], str]
    state: Callable[["ProjectState"], tuple[str, str]]


@dataclass
class StepState:
    number: int
    name: str
    guidance: str
    state: str
    missing: str
    url: str

    @property
    def label(self) -> str:
        return str(STATE_LABELS[self.state])

    @property
    def is_complete(self) -> bool:
        return self.state == COMPLETE


_steps: dict[int, StepDefinition] = {}
_extensions: list[Callable[["ProjectState"], dict]] = []
_overview_extensions: list[Callable[["ProjectState"], dict]] = []


def register_step(definition: StepDefinition) -> None:
    _steps[definition.number] = definition


def register_frame_extension(extension: Callable[["ProjectState"], dict]) -> None:
    """``extension(state)`` returns context for every project page:
    ``project_links`` (label, url) and ``project_notices`` (template names)
    are joined across apps; other keys are added as they are."""
    if extension not in _extensions:
        _extensions.append(extension)


def register_overview_extension(extension: Callable[["ProjectState"], dict]) -> None:
    """``extension(state)`` returns context for the project's overview page;
    its ``overview_sections`` (template names) are joined across apps."""
    if extension not in _overview_extensions:
        _overview_extensions.append(extension)


def overview_context(state: "ProjectState") -> dict:
    context = {"overview_sections": []}
    for extension in _overview_extensions:
        extra = extension(state)
        context["overview_sections"] += extra.pop("overview_sections", [])
        context.update(extra)
    return context


def first_problem(problems: list[str]) -> str:
    """The first problem, and how many other problems there are — said as
    problems, not as one more item of the first one's list."""
    if not problems:
        return ""
    extra = len(problems) - 1
    if not extra:
        return problems[0]
    more = ngettext(
        "%(count)s other problem to fix in this step", "%(count)s other problems to fix in this step", extra
    )
    return f"{problems[0]} ({more % {'count': extra}})"


class ProjectState:
    """What the pages of one project need, each part computed at most once
    per request, whatever the size of the project."""

    def __init__(self, project: Project, user):
        self.project = project
        self.user = user
        self._memo: dict[str, object] = {}

    def memo(self, key: str, compute: Callable[[], object]):
        """Cache a value of a higher app (plans, readiness) for this request."""
        if key not in self._memo:
            self._memo[key] = compute()
        return self._memo[key]

    @cached_property
    def role(self) -> str | None:
        return project_role(self.user, self.project)

    @property
    def can_edit(self) -> bool:
        return self.project.is_editable and self.role in (Membership.Role.HEAD, Membership.Role.EDITOR)

    @property
    def is_head(self) -> bool:
        return self.role == Membership.Role.HEAD

    @cached_property
    def data(self) -> ProjectData:
        return ProjectData.load(self.project)

    @cached_property
    def missions_with_outcomes(self) -> list:
        """The loaded missions, with their ultimate outcomes (one query)."""
        missions = self.data.missions
        prefetch_related_objects(missions, "outcomes")
        return missions

    @cached_property
    def rounds(self) -> list[AssessmentRound]:
        return list(AssessmentRound.objects.filter(project=self.project).order_by("number"))

    @property
    def latest_round(self) -> AssessmentRound | None:
        return self.rounds[-1] if self.rounds else None

    @cached_property
    def latest_score(self) -> RoundScore | None:
        """The latest round computed by the scoring engine (targets included)."""
        if self.latest_round is None or not self.data.criteria:
            return None
        return self.data.with_round(self.latest_round).score()

    @cached_property
    def open_cells(self) -> tuple[int, int, int]:
        """Cells of the latest round without a level, without a
        justification, and with one carried over still to confirm."""
        if self.latest_round is None or self.latest_round.is_complete:
            return 0, 0, 0
        return self.latest_round.open_cell_counts()

    @cached_property
    def catalogue_steps(self) -> dict[int, CatalogueStep]:
        return catalogue_steps()

    def step(self, number: int) -> StepState | None:
        """One step's state, computed once (a step may read earlier steps:
        the readiness of step 9 reads steps 1–7)."""
        computed = self._memo.setdefault("steps", {})
        if number not in computed:
            definition = _steps.get(number)
            if definition is None:
                return None
            computed[number] = self._known(number, *definition.state(self))
        return computed[number]

    @property
    def steps(self) -> list[StepState]:
        return [self.step(number) for number in sorted(_steps)]

    def stepper(self, current_step: int | None = None) -> list[StepState]:
        """The steps as the frame shows them on every page: the current
        step computed now, the others as computed after the project's last
        write. Their states are kept (per process) under the project's
        version, ``updated_at``, which every write moves
        (``assessment.progress.progress_store``, in the one write path), and
        for five minutes at most, as the catalogue's steps are (a standard's
        thresholds change outside the write path). What a page decides
        (readiness, submission) reads ``step``, never this."""
        if len(self._memo.get("steps", {})) == len(_steps):
            return self.steps
        version = self.project.updated_at.isoformat() if self.project.updated_at else ""
        key = f"frame-steps:{self.project.pk}:{version}:{get_language()}"
        states = cache.get_or_set(
            key, lambda: {step.number: (step.state, step.missing) for step in self.steps}, STEP_STATES_SECONDS
        )
        computed = self._memo.get("steps", {})  # all of them when the cache missed
        return [
            self.step(number)
            if number == current_step or number in computed
            else self._known(number, *states[number])
            for number in sorted(_steps)
            if number in states
        ]

    def _known(self, number: int, state: str, missing: str) -> StepState:
        """Step ``number`` in a given state, named as the catalogue names it."""
        catalogue = self.catalogue_steps.get(number)
        return StepState(
            number=number,
            name=catalogue.name if catalogue else _("Step %(number)s") % {"number": number},
            guidance=catalogue.guidance if catalogue else "",
            state=state,
            missing=missing,
            url=_steps[number].url(self.project),
        )


def step_address(project: Project, number: int) -> str:
    """The page of step ``number`` of the project (each app registers its own)."""
    return _steps[number].url(project)


def step_missing(state: ProjectState, number: int) -> str:
    """What step ``number`` still misses, computed again (in the language now active)."""
    _state, missing = _steps[number].state(state)
    return missing


def project_state(request, project: Project) -> ProjectState:
    """The request's state of ``project`` (one per request and project)."""
    states = request.__dict__.setdefault("_project_states", {})
    state = states.get(project.pk)
    if state is None or state.project is not project:
        state = states[project.pk] = ProjectState(project, request.user)
    return state


def project_frame(request, project: Project, *, current_step: int | None = None) -> dict:
    """Context every project page shares: the stepper, the person's role and
    what the registered apps add."""
    state = project_state(request, project)
    context = {
        "project": project,
        "state": state,
        "steps": state.stepper(current_step),
        "current_step": current_step,
        "current_step_state": state.step(current_step) if current_step else None,
        "can_edit": state.can_edit,
        "role": state.role,
        "latest_round": state.latest_round,
        "project_links": [],
        "project_notices": [],
    }
    for extension in _extensions:
        extra = extension(state)
        context["project_links"] += extra.pop("project_links", [])
        context["project_notices"] += extra.pop("project_notices", [])
        context.update(extra)
    return context
