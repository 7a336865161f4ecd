"""The assessment grid of step 6: missions × indicators, each cell a level
0–3 and a justification.

Parsing and checking live here, apart from the view, so that a bad cell is
reported with its place and nothing is saved, and so that two people filling
different parts of the same round do not block each other: only cells that
both changed are a conflict.
"""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from assessment.models import Assessment

LEVELS = {"0": 0, "1": 1, "2": 2, "3": 3}
MAX_JUSTIFICATION = 4000


def cell_value(level, justification: str) -> str:
    """How a cell is compared and shown in conflict messages."""
    return f"{'' if level is None else level} {justification}".strip()


@dataclass
class GridSubmission:
    """The values a person submitted for a round, checked."""

    values: dict[int, tuple[int | None, str]] = field(default_factory=dict)
    errors: dict[int, str] = field(default_factory=dict)

    @property
    def is_valid(self) -> bool:
        return not self.errors


def parse_grid(post, cells: list[Assessment]) -> GridSubmission:
    """Read ``level-<cell>`` and ``just-<cell>`` for every cell; the column
    fill fields ``fill-level-<indicator>`` / ``fill-just-<indicator>`` set a
    whole column at once (the page does the same instantly with JavaScript)."""
    submission = GridSubmission()
    fill_levels = {}
    fill_justifications = {}
    for cell in cells:
        indicator = cell.indicator_id
        if indicator not in fill_levels:
            fill_levels[indicator] = post.get(f"fill-level-{indicator}", "").strip()
            fill_justifications[indicator] = post.get(f"fill-just-{indicator}", "").strip()
        raw_level = fill_levels[indicator] or post.get(f"level-{cell.pk}", "").strip()
        justification = fill_justifications[indicator] or post.get(f"just-{cell.pk}", "").strip()
        if raw_level == "":
            level = None
        elif raw_level in LEVELS:
            level = LEVELS[raw_level]
        else:
            submission.errors[cell.pk] = _("The level must be 0, 1, 2 or 3.")
            level = raw_level
        if len(justification) > MAX_JUSTIFICATION:
            submission.errors[cell.pk] = _("The justification is too long (at most %(max)s characters).") % {
                "max": MAX_JUSTIFICATION
            }
        submission.values[cell.pk] = (level, justification)
    return submission


@dataclass
class GridConflict:
    cell: Assessment
    loaded: str
    theirs: str
    mine: str


def grid_changes(
    submission: GridSubmission, cells: list[Assessment], loaded: dict[str, tuple[str, str]]
) -> tuple[list[Assessment], list[GridConflict]]:
    """Which cells this person changed, and which of those someone else
    changed too since the grid was loaded (a conflict)."""
    mine, conflicts = [], []
    for cell in cells:
        key = f"cell.{cell.mission_id}.{cell.indicator_id}"
        level, justification = submission.values[cell.pk]
        submitted = cell_value(level, justification)
        current = cell_value(cell.level, cell.justification)
        before = loaded[key][1] if key in loaded else current
        if submitted == before:
            continue
        if current != before and current != submitted:
            conflicts.append(GridConflict(cell=cell, loaded=before, theirs=current, mine=submitted))
        mine.append(cell)
    return mine, conflicts
