"""The assessment grid of step 6: missions × indicators, each cell a level
0–3 and a justification.

Parsing and checking live here, apart from the view, so that a bad cell is
reported with its place and nothing is saved; so that a submission changes
only the cells it carries (an absent field means "unchanged", never
"empty"); and so that two people filling different parts of the same round
do not block each other: only cells that both changed are a conflict.
"""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from assessment import concurrency
from assessment.models import Assessment
from pso_site.lib.text import TextProblem, clean_text

LEVELS = {"0": 0, "1": 1, "2": 2, "3": 3}
MAX_JUSTIFICATION = 4000


def cell_value(level, justification: str) -> str:
    """How a cell is compared and shown in conflict messages."""
    return f"{'' if level is None else level} {justification}".strip()


def cell_key(mission_id: int, indicator_id: int) -> str:
    return f"cell.{mission_id}.{indicator_id}"


@dataclass
class GridSubmission:
    """The values a person submitted for a round, checked: only the cells
    whose fields were in the request."""

    values: dict[int, tuple[int | None, str]] = field(default_factory=dict)
    errors: dict[int, str] = field(default_factory=dict)

    @property
    def is_valid(self) -> bool:
        return not self.errors


def parse_grid(post, cells: list[Assessment]) -> GridSubmission:
    """Read ``level-<cell>`` and ``just-<cell>``: a cell whose fields are
    both absent is left out; an absent field keeps the stored value. The
    column fill fields ``fill-level-<indicator>`` / ``fill-just-<indicator>``
    set a whole column at once (the page does the same with JavaScript)."""
    submission = GridSubmission()
    fills: dict[int, tuple[str, str]] = {}
    for cell in cells:
        indicator = cell.indicator_id
        if indicator not in fills:
            fills[indicator] = (
                post.get(f"fill-level-{indicator}", "").strip(),
                post.get(f"fill-just-{indicator}", "").strip(),
            )
        fill_level, fill_justification = fills[indicator]
        raw_level = fill_level or post.get(f"level-{cell.pk}")
        justification = fill_justification or post.get(f"just-{cell.pk}")
        if raw_level is None and justification is None:
            continue
        if raw_level is None:
            level = cell.level
        elif raw_level.strip() == "":
            level = None
        elif raw_level.strip() in LEVELS:
            level = LEVELS[raw_level.strip()]
        else:
            submission.errors[cell.pk] = _("The level must be 0, 1, 2 or 3.")
            level = raw_level
        if justification is None:
            justification = cell.justification
        try:
            justification = clean_text(justification, max_length=MAX_JUSTIFICATION)
        except TextProblem as problem:
            submission.errors[cell.pk] = problem.message
        submission.values[cell.pk] = (level, justification)
    return submission


@dataclass
class CellConflict:
    cell: Assessment
    loaded: str
    theirs: str
    mine: str


def loaded_cells(token: str) -> dict[str, str] | None:
    """The cells as the grid was loaded (key → value), or None when the
    token is missing, forged or expired."""
    loaded = concurrency.loaded_snapshot(token)
    if loaded is None:
        return None
    return {key: value for key, (_label, value) in loaded.items()}


def cell_changes(
    values: dict[int, tuple[int | None, str]], cells: list[Assessment], loaded: dict[str, str]
) -> tuple[list[Assessment], list[CellConflict]]:
    """Which cells this person changed, and which of those someone else
    changed too, to something else, since the grid was loaded."""
    mine, conflicts = [], []
    for cell in cells:
        level, justification = values[cell.pk]
        submitted = cell_value(level, justification)
        current = cell_value(cell.level, cell.justification)
        before = loaded.get(cell_key(cell.mission_id, cell.indicator_id))
        if before is None:
            # A cell created after the grid was loaded (a new mission or
            # indicator): it started empty.
            before = ""
        if submitted == before:
            continue
        if current != before and current != submitted:
            conflicts.append(CellConflict(cell=cell, loaded=before, theirs=current, mine=submitted))
        if submitted != current:
            mine.append(cell)
    return mine, conflicts
