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
from pso_site.lib.ids import parse_id
from pso_site.lib.text import TextProblem, clean_text

LEVELS = {"0": 0, "1": 1, "2": 2, "3": 3}
MAX_JUSTIFICATION = 4000
CELLS_PER_BLOCK = 240


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
    # The cells whose fields the request carried (the rest: column fills).
    typed: set[int] = field(default_factory=set)
    errors: dict[int, str] = field(default_factory=dict)
    fill_errors: dict[int, str] = field(default_factory=dict)

    @property
    def is_valid(self) -> bool:
        return not self.errors and not self.fill_errors


def mission_blocks(mission_count: int, indicator_count: int) -> list[range]:
    """The grid is shown one block of missions at a time, each block at most
    ``CELLS_PER_BLOCK`` cells (at least one mission), so that a 60 × 30
    round stays a page people can load on a phone."""
    per_block = max(1, CELLS_PER_BLOCK // max(1, indicator_count))
    return [
        range(start, min(start + per_block, mission_count)) for start in range(0, mission_count, per_block)
    ]


def column_fills(post) -> dict[int, tuple[str, str]]:
    """The column fill fields ``fill-level-<indicator>`` /
    ``fill-just-<indicator>`` that carry a value, by indicator."""
    fills: dict[int, list[str]] = {}
    for name, value in post.items():
        for prefix, slot in (("fill-level-", 0), ("fill-just-", 1)):
            indicator = parse_id(name.removeprefix(prefix)) if name.startswith(prefix) else None
            if indicator is not None and value.strip():
                fills.setdefault(indicator, ["", ""])[slot] = value.strip()
    return {indicator: (level, justification) for indicator, (level, justification) in fills.items()}


def fill_overwrites(post) -> set[int]:
    """The columns whose fill the person confirmed should replace cells that
    already hold something (``fill-overwrite-<indicator>``); other fills
    reach only empty cells."""
    prefix = "fill-overwrite-"
    chosen = (
        parse_id(name.removeprefix(prefix))
        for name, value in post.items()
        if name.startswith(prefix) and value == "1"
    )
    return {indicator for indicator in chosen if indicator is not None}


def parse_grid(post, cells: list[Assessment], loaded: dict[str, str] | None) -> GridSubmission:
    """Read ``level-<cell>`` and ``just-<cell>``: a cell whose fields are
    both absent is left out; an absent field keeps the stored value.

    A column fill (``column_fills``) sets the empty cells of its column in
    ``cells`` (a level where there is none, a justification where there is
    none), also those of other blocks; with ``fill-overwrite-<indicator>``
    (the person confirmed it) it replaces what cells hold too. Cells this
    person changed by hand are never filled: a value that differs from the
    grid as loaded (``loaded``, from the page's token) wins. The page does
    the same with JavaScript for the block it shows."""
    submission = GridSubmission()
    fills = column_fills(post)
    overwrite = fill_overwrites(post)
    for indicator, (fill_level, fill_justification) in fills.items():
        if fill_level and fill_level not in LEVELS:
            submission.fill_errors[indicator] = _("The level must be 0, 1, 2 or 3.")
            fill_level = ""
        try:
            fill_justification = clean_text(fill_justification, max_length=MAX_JUSTIFICATION)
        except TextProblem as problem:
            submission.fill_errors[indicator] = problem.message
            fill_justification = ""
        fills[indicator] = (fill_level, fill_justification)
    for cell in cells:
        raw_level = post.get(f"level-{cell.pk}")
        justification = post.get(f"just-{cell.pk}")
        fill_level, fill_justification = fills.get(cell.indicator_id, ("", ""))
        typed = raw_level is not None or justification is not None
        if not typed and not (fill_level or fill_justification):
            continue
        if typed:
            submission.typed.add(cell.pk)
        level = cell.level if raw_level is None else _level(raw_level)
        if justification is None:
            justification = cell.justification
        try:
            justification = clean_text(justification, max_length=MAX_JUSTIFICATION)
        except TextProblem as problem:
            submission.errors[cell.pk] = problem.message
        key = cell_key(cell.mission_id, cell.indicator_id)
        as_loaded = cell_value(cell.level, cell.justification) if loaded is None else loaded.get(key)
        changed_by_hand = typed and cell_value(level, justification) != as_loaded
        if not changed_by_hand:
            replace = cell.indicator_id in overwrite
            if fill_level and (replace or cell.level is None):
                level = _level(fill_level)
            if fill_justification and (replace or not cell.justification.strip()):
                justification = fill_justification
        if level not in LEVELS.values() and level is not None:
            submission.errors[cell.pk] = _("The level must be 0, 1, 2 or 3.")
        submission.values[cell.pk] = (level, justification)
    return submission


def _level(raw: str):
    """The level typed, or the raw text when it is not a level (reported)."""
    raw = raw.strip()
    if raw == "":
        return None
    return LEVELS.get(raw, raw)


@dataclass
class CellConflict:
    cell: Assessment
    loaded: str
    theirs: str
    mine: str


# The key of a grid token that says which form, project and round it was
# made for; a token of another form, project or round is no token at all.
SCOPE_KEY = "scope"
FORMS = ("grid", "workbook")


def _scope(assessment_round, form: str) -> str:
    return f"{form}:{assessment_round.project_id}:{assessment_round.pk}"


def grid_token(cells: dict[str, tuple[str, str]], *, assessment_round, form: str = "grid") -> str:
    """The edit token of a grid page (or a workbook's preview): the cells as
    loaded (key → label, value), bound to the round and the form."""
    return concurrency.snapshot_token({**cells, SCOPE_KEY: ("", _scope(assessment_round, form))})


def loaded_cells(token: str, *, assessment_round, form: str = "grid") -> dict[str, str] | None:
    """The cells as the grid was loaded (key → value), or None when the
    token is missing, forged, expired, or made for another form, project or
    round (whose cells it does not describe: no conflict could be seen)."""
    loaded = concurrency.loaded_snapshot(token)
    if loaded is None or loaded.get(SCOPE_KEY, ("", ""))[1] != _scope(assessment_round, form):
        return None
    return {key: value for key, (_label, value) in loaded.items() if key != SCOPE_KEY}


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
        # A cell the page did not show (another block, set by a column
        # fill) or created after it was loaded: compared with what is stored.
        before = loaded.get(cell_key(cell.mission_id, cell.indicator_id), current)
        if submitted == before:
            continue
        if current != before and current != submitted:
            conflicts.append(CellConflict(cell=cell, loaded=before, theirs=current, mine=submitted))
        if submitted != current:
            mine.append(cell)
    return mine, conflicts
