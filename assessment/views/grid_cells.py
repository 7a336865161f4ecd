"""The assessment grid's page around the save (``views.rounds.round_grid``
parses and saves; this presents). The cells are HTML written in Python: a
block has up to 240 cells, and the template language spent most of the
page's time on them (each number localised, each option a loop). The markup
is the one the template wrote. Text typed by people (justifications,
messages) goes through ``escape``; everything else is a number or a fixed
string."""

from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from assessment import grid as grid_module
from assessment import snapshots
from assessment.models import Assessment

LEVELS = (0, 1, 2, 3)


def _options(shown) -> str:
    options = [("", "–", shown is None)] + [(str(level), str(level), shown == level) for level in LEVELS]
    if shown is not None and shown not in LEVELS:  # a refused value, shown back
        options.append((escape(shown), escape(shown), True))
    return "".join(
        f'<option value="{value}"{" selected" if selected else ""}>{label}</option>'
        for value, label, selected in options
    )


OPTIONS = {shown: _options(shown) for shown in (None, *LEVELS)}


class CellMarkup:
    """Builds the ``<td>`` of each cell; the words and URLs shared by all
    cells are worked out once."""

    def __init__(self, *, round_url: str, editable: bool):
        self.round_url = escape(round_url)
        self.editable = editable
        self.evidence = escape(_("evidence"))
        self.carried = escape(_("carried over from the last cycle: confirm or rewrite"))
        self.carried_short = escape(_("carried over"))

    def td(self, cell, *, row: int, col: int, mission_id: int) -> SafeString:
        classes = " ".join(
            name
            for name, on in (
                ("has-error", cell.error),
                ("empty", cell.shown_level is None),
                ("changed", cell.typed),
                ("conflicted", cell.conflicted),
                ("carried", cell.carried_over),
            )
            if on
        )
        body = self._editable(cell, mission_id) if self.editable else self._read_only(cell)
        count = f" ({int(cell.evidence_count)})" if cell.evidence_count else ""
        if cell.carried_over:
            body += f'<span class="badge carried-badge" title="{self.carried}">{self.carried_short}</span>'
        typed = " data-typed" if cell.typed else ""
        return mark_safe(
            f'<td class="{classes}" data-cell="{int(cell.pk)}"{typed} data-col="{int(col)}" data-row="{int(row)}">'
            f'{body}<a class="small" href="{self.round_url}cells/{int(cell.pk)}/">{self.evidence}{count}</a></td>'
        )

    def _editable(self, cell, mission_id: int) -> str:
        shown = cell.shown_level
        options = OPTIONS.get(shown) if shown is None or shown in LEVELS else _options(shown)
        error = f'<div class="text-danger small">{escape(cell.error)}</div>' if cell.error else ""
        return (
            f'<select class="form-select form-select-sm level-select" name="level-{int(cell.pk)}" '
            f'aria-labelledby="level-word m{int(mission_id)}-name i{int(cell.indicator_id)}-name">{options}</select>'
            f'<textarea class="form-control form-control-sm mt-1 just-input" name="just-{int(cell.pk)}" rows="2" '
            f'aria-labelledby="just-word m{int(mission_id)}-name i{int(cell.indicator_id)}-name">'
            f"{escape(cell.shown_justification)}</textarea>{error}"
        )

    def _read_only(self, cell) -> str:
        level = "" if cell.level is None else int(cell.level)
        return (
            f'<span class="badge level-{level} text-dark">{"–" if level == "" else level}</span>'
            f'<div class="small">{escape(cell.justification)}</div>'
        )


# The page around the cells -------------------------------------------------------


@dataclass
class GridInput:
    """What a refused save puts back on the page (nothing on a GET): the
    values typed, the errors, the conflicts, the grid as the person loaded
    it, and the snapshot token to keep (None: a fresh one)."""

    submitted: dict = field(default_factory=dict)
    errors: dict = field(default_factory=dict)
    fill_errors: dict = field(default_factory=dict)
    conflicts: list = field(default_factory=list)
    conflict: dict | None = None
    loaded: dict | None = None
    token: str | None = None
    post: dict = field(default_factory=dict)

    @property
    def refused(self) -> bool:
        return bool(self.fill_errors or self.errors or self.conflicts or self.conflict)


def grid_page(state, assessment_round, grid, typed: GridInput, *, editable, round_url, blocks, block) -> dict:
    """The grid's context: each cell as HTML showing what was typed or what
    is stored, the column fills, the blocks and the snapshot token."""
    _show_typed(grid["cells"], typed)
    if (typed.errors or typed.fill_errors) and (typed.loaded is None or not typed.submitted):
        typed.token = None  # the page the person had is unknown: a fresh snapshot
    markup = CellMarkup(round_url=round_url, editable=editable)
    for r, row in enumerate(grid["rows"]):
        row["tds"] = [
            markup.td(cell, row=r, col=c, mission_id=row["mission"].pk) if cell else mark_safe("<td></td>")
            for c, cell in enumerate(row["cells"])
        ]
        # The levels saved, for the live total (grid.js): a number or nothing per cell.
        row["saved"] = "".join(
            ("%d" % cell.level if cell and cell.level is not None else "") + " "  # noqa: UP031
            for cell in row["cells"]
        )
    _column_fills(assessment_round, grid["indicators"], typed)
    missions = state.data.missions
    return {
        **grid,
        "round": assessment_round,
        "rounds": state.rounds,
        "editable": editable,
        "snapshot_token": typed.token
        or grid_module.grid_token(_grid_snapshot(grid["cells"], state), assessment_round=assessment_round),
        "conflict": typed.conflict,
        "grid_conflicts": typed.conflicts,
        "levels": range(4),
        "current_block": block,
        "carried_cells": [cell.pk for cell in grid["cells"] if cell.carried_over],
        "blocks": [
            {"number": n, "first": missions[r.start], "last": missions[r.stop - 1]}
            for n, r in enumerate(blocks, start=1)
        ],
    }


def _show_typed(cells, typed: GridInput) -> None:
    """Each cell shows what the person changed; a cell they left alone shows
    what is stored now, so a later save cannot bring back an old value."""
    loaded = typed.loaded if typed.submitted else None
    conflicted = {item.cell.pk for item in typed.conflicts}
    for cell in cells:
        value = typed.submitted.get(cell.pk)
        if value is not None and loaded is not None:
            unchanged = grid_module.cell_value(*value) == loaded.get(snapshots.cell_key(cell), "")
            value = None if unchanged else value
        cell.typed = value is not None
        if value is not None:
            cell.shown_level, cell.shown_justification = value
        else:
            cell.shown_level, cell.shown_justification = cell.level, cell.justification
        cell.error = typed.errors.get(cell.pk, "")
        cell.conflicted = cell.pk in conflicted


def _column_fills(assessment_round, indicators, typed: GridInput) -> None:
    """What a column fill would replace, in every block of the round; a
    refused save shows the fill typed again."""
    filled = {
        row["indicator_id"]: row
        for row in Assessment.objects.filter(round=assessment_round)
        .values("indicator_id")
        .annotate(
            levels=Count("pk", filter=Q(level__isnull=False)), texts=Count("pk", filter=~Q(justification=""))
        )
    }
    for indicator in indicators:
        indicator.filled_levels = filled.get(indicator.pk, {}).get("levels", 0)
        indicator.filled_texts = filled.get(indicator.pk, {}).get("texts", 0)
        indicator.fill_error = typed.fill_errors.get(indicator.pk, "")
        indicator.fill_level = typed.post.get(f"fill-level-{indicator.pk}", "") if typed.refused else ""
        indicator.fill_just = typed.post.get(f"fill-just-{indicator.pk}", "") if typed.refused else ""


def _grid_snapshot(cells, state) -> dict:
    """The grid as loaded now (from the cells this page already holds)."""
    missions = {mission.pk: mission for mission in state.data.missions}
    return {
        snapshots.cell_key(cell): (
            f"{missions.get(cell.mission_id, '')} × {cell.indicator.name if cell.indicator else ''}",
            f"{'' if cell.level is None else cell.level} {cell.justification}".strip(),
        )
        for cell in cells
    }
