"""The cells of the assessment grid as HTML, written in Python: a block has
up to 240 cells, and the template language spent most of the page's time
on them (each number localised, each option a loop). The markup is the one
the template wrote. Text typed by people (justifications, messages) goes
through ``escape``; everything else is a number or a fixed string."""

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

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
