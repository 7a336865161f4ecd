"""A round of the grid as an Excel workbook, to fill offline
(``assessment.workbook_upload`` reads it when it comes back), and a round's
results as a workbook.

The workbook has the levels on one sheet (a 0–3 drop-down in each cell)
and the justifications on a second, missions as rows and indicators as
columns with their criterion (the four conditions in a note on the header
and on a third sheet). Only the answer cells are unlocked. A very hidden
sheet holds the key: which cell of the round each sheet cell is, and what
it held at the moment of download, signed, so that an upload knows what
the person changed and what others changed since."""

import hashlib
import io
import json
from decimal import Decimal

from django.core import signing
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from assessment.models import Assessment
from assessment.scoring import to_display
from pso_site.lib.dates import format_datetime
from pso_site.lib.xlsx import (
    BODY_FONT,
    HEADER_FILL,
    HEADER_FONT,
    WRAP,
    Table,
    new_workbook,
    put,
    table,
    table_sheet,
)

SALT = "assessment.workbook"
KEY_SHEET = "key"
FIRST_ROW = 4  # rows 1–3: title, indicator, criterion
FIRST_COLUMN = 3  # columns A–B: mission code, mission name
MAX_UPLOAD = 10 * 1024 * 1024
KEY_COLUMNS = 5  # cell id, row, column, level and justification at the download
ANSWER_FILL = PatternFill("solid", fgColor="FFF9E5")


def sheet_names() -> tuple[str, str, str]:
    return _("Levels"), _("Justifications"), _("Indicators")


def key_digest(rows: list[list]) -> str:
    return hashlib.sha256(json.dumps(rows, ensure_ascii=False).encode("utf-8")).hexdigest()


def grid_workbook(project, assessment_round, missions, indicators) -> bytes:
    """The round as a workbook (bytes)."""
    workbook, levels = new_workbook()
    levels.title, justifications_title, indicators_title = sheet_names()
    justifications = workbook.create_sheet(justifications_title)
    reference = workbook.create_sheet(indicators_title)
    key = workbook.create_sheet(KEY_SHEET)
    key.sheet_state = "veryHidden"
    cells = {
        (cell.mission_id, cell.indicator_id): cell
        for cell in Assessment.objects.filter(round=assessment_round).only(
            "pk", "mission_id", "indicator_id", "level", "justification"
        )
    }
    now = timezone.now()
    title = _("%(project)s · round %(number)s · downloaded %(when)s") % {
        "project": project,
        "number": assessment_round.number,
        "when": format_datetime(timezone.localtime(now)),
    }
    validation = _level_validation()
    levels.add_data_validation(validation)
    key_rows = []
    for sheet in (levels, justifications):
        _grid_sheet_head(sheet, title, indicators, width=14 if sheet is levels else 36)
        key_rows += _grid_sheet_answers(sheet, missions, indicators, cells, levels=sheet is levels)
        _grid_sheet_protect(sheet)
    if missions and indicators:
        last = get_column_letter(FIRST_COLUMN + len(indicators) - 1)
        validation.add(f"{get_column_letter(FIRST_COLUMN)}{FIRST_ROW}:{last}{FIRST_ROW + len(missions) - 1}")
    table(
        reference,
        [_("Criterion"), _("Indicator"), _("Level 0"), _("Level 1"), _("Level 2"), _("Level 3")],
        ([i.criterion.name, i.name, *i.conditions()] for i in indicators),
        widths=[24, 30, 30, 30, 30, 30],
    )
    header = {
        "project": project.pk,
        "round": assessment_round.pk,
        "number": assessment_round.number,
        "at": now.isoformat(),
        "digest": key_digest(key_rows),
    }
    _key_sheet_fill(key, header, key_rows)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _level_validation() -> DataValidation:
    """The 0–3 drop-down of the level cells."""
    return DataValidation(
        type="list",
        formula1='"0,1,2,3"',
        allow_blank=True,
        showErrorMessage=True,
        errorTitle=_("Level"),
        error=_("The level must be 0, 1, 2 or 3."),
    )


def _grid_sheet_head(sheet, title: str, indicators, *, width: int) -> None:
    """The title, the mission columns' heads, and a column per indicator
    headed by its name (its conditions in a note) and its criterion."""
    put(sheet, 1, 1, title, font=Font(name=BODY_FONT.name, bold=True, size=16))
    put(sheet, 2, 1, _("Number"), font=HEADER_FONT)
    put(sheet, 2, 2, _("Mission"), font=HEADER_FONT)
    put(sheet, 3, 2, _("Criterion"), font=HEADER_FONT)
    sheet.column_dimensions["A"].width = 8
    sheet.column_dimensions["B"].width = 40
    for offset, indicator in enumerate(indicators):
        column = FIRST_COLUMN + offset
        head = put(sheet, 2, column, indicator.name, font=HEADER_FONT)
        head.fill, head.alignment = HEADER_FILL, WRAP
        head.comment = Comment(
            "\n".join(f"{level}: {text}" for level, text in enumerate(indicator.conditions())), "P.S.O."
        )
        put(sheet, 3, column, indicator.criterion.name).alignment = WRAP
        sheet.column_dimensions[get_column_letter(column)].width = width


def _grid_sheet_answers(sheet, missions, indicators, cells: dict, *, levels: bool) -> list[list]:
    """A row per mission with the round's answers in unlocked cells: the
    levels, or the justifications. Returns the key's rows (levels only):
    each cell's id, place and what it holds now."""
    key_rows = []
    for index, mission in enumerate(missions):
        row = FIRST_ROW + index
        put(sheet, row, 1, mission.code)
        put(sheet, row, 2, mission.name).alignment = WRAP
        for offset, indicator in enumerate(indicators):
            cell = cells.get((mission.pk, indicator.pk))
            if cell is None:
                continue
            column = FIRST_COLUMN + offset
            value = cell.level if levels else cell.justification
            target = put(sheet, row, column, value)
            target.protection = Protection(locked=False)
            target.fill = ANSWER_FILL
            if levels:
                target.alignment = Alignment(horizontal="center")
                key_rows.append(
                    [cell.pk, row, column, "" if cell.level is None else cell.level, cell.justification]
                )
            else:
                target.alignment = WRAP
    return key_rows


def _grid_sheet_protect(sheet) -> None:
    sheet.freeze_panes = sheet.cell(row=FIRST_ROW, column=FIRST_COLUMN)
    sheet.protection.sheet = True  # the structure is locked; the answer cells are not
    sheet.protection.formatColumns = False
    sheet.protection.formatRows = False


def _key_sheet_fill(key, header: dict, key_rows: list[list]) -> None:
    """The signed header in A1, then the rows of the key."""
    key.cell(row=1, column=1, value=signing.dumps(header, salt=SALT))
    for row, values in enumerate(key_rows, start=2):
        for column, value in enumerate(values, start=1):
            put(key, row, column, value)


# Results ------------------------------------------------------------------------


# The results' tables, as a CSV download names them (``?table=``); the first is
# the default. "rounds" is there only when there is more than one round.
RESULTS_TABLES = ("criteria", "missions", "rounds")


def results_tables(*, score, rows, missions, comparison) -> dict[str, Table]:
    """The results of a round: per criterion, per mission, and the rounds
    compared; every number from the scoring engine, rounded as shown."""
    tables = {
        "criteria": Table(
            _("Criteria"),
            [_("Criterion"), _("Weight"), _("Level"), _("Points"), _("Target"), _("Gap")],
            [
                [
                    row.criterion.name,
                    to_display(row.weight),
                    to_display(row.level),
                    to_display(row.points),
                    None if row.target is None else to_display(row.target),
                    None if row.gap is None else to_display(row.gap),
                ]
                for row in rows
            ],
            widths=[40, 10, 10, 10, 10, 10],
        ),
        "missions": Table(
            _("Missions"),
            [_("Number"), _("Mission"), _("Category"), _("Points"), _("Score")],
            [
                [
                    m.code,
                    m.name,
                    m.get_category_display(),
                    to_display(m.points),
                    to_display(score.mission_score[str(m.pk)]),
                ]
                for m in missions
                if str(m.pk) in score.mission_score
            ],
            widths=[8, 50, 14, 10, 10],
        ),
    }
    if comparison:
        tables["rounds"] = Table(
            _("Rounds"),
            [
                _("Criterion"),
                *[_("Round %(number)s") % {"number": r.number} for r in comparison["rounds"]],
                _("Target"),
            ],
            [
                [
                    row["criterion"].name,
                    *[None if level is None else to_display(Decimal(level)) for level in row["levels"]],
                    None if row["target"] is None else to_display(row["target"]),
                ]
                for row in comparison["rows"]
            ],
            widths=[40] + [10] * (len(comparison["rounds"]) + 1),
        )
    return tables


def results_workbook(project, assessment_round, *, score, rows, missions, comparison):
    """The tables of ``results_tables`` as sheets, under a title with the total."""
    tables = results_tables(score=score, rows=rows, missions=missions, comparison=comparison)
    workbook, criteria_sheet = new_workbook()
    put(
        criteria_sheet,
        1,
        1,
        _("%(project)s · round %(number)s · total %(total)s")
        % {"project": project, "number": assessment_round.number, "total": to_display(score.total)},
        font=Font(name=BODY_FONT.name, bold=True, size=16),
    )
    table_sheet(criteria_sheet, tables["criteria"], first_row=3)
    for name in RESULTS_TABLES[1:]:
        if name in tables:
            table_sheet(workbook.create_sheet(), tables[name])
    return workbook
