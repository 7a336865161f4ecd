"""A round of the grid as an Excel workbook, to fill offline, and the
reading of it when it comes back.

The workbook has the levels on one sheet (a 0–3 drop-down in each cell)
and the justifications on a second, missions as rows and indicators as
columns with their criterion (the four conditions in a note on the header
and on a third sheet). Only the answer cells are unlocked. A very hidden
sheet holds the key: which cell of the round each sheet cell is, and what
it held at the moment of download, signed, so that an upload knows what
the person changed and what others changed since."""

import datetime
import hashlib
import io
import json
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal

from django.core import signing
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from assessment import concurrency, grid
from assessment.models import Assessment
from assessment.scoring import to_display
from pso_site.lib.dates import format_datetime
from pso_site.lib.text import TextProblem, clean_text
from pso_site.lib.xlsx import BODY_FONT, HEADER_FILL, HEADER_FONT, WRAP, new_workbook, put, table

SALT = "assessment.workbook"
KEY_SHEET = "key"
FIRST_ROW = 4  # rows 1–3: title, indicator, criterion
FIRST_COLUMN = 3  # columns A–B: mission code, mission name
MAX_UPLOAD = 10 * 1024 * 1024
MAX_UNPACKED = 100 * 1024 * 1024
ANSWER_FILL = PatternFill("solid", fgColor="FFF9E5")


def sheet_names() -> tuple[str, str, str]:
    return _("Levels"), _("Justifications"), _("Indicators")


def _digest(rows: list[list]) -> str:
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
    validation = DataValidation(
        type="list",
        formula1='"0,1,2,3"',
        allow_blank=True,
        showErrorMessage=True,
        errorTitle=_("Level"),
        error=_("The level must be 0, 1, 2 or 3."),
    )
    levels.add_data_validation(validation)
    key_rows = []
    for sheet in (levels, justifications):
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
            sheet.column_dimensions[get_column_letter(column)].width = 14 if sheet is levels else 36
        for index, mission in enumerate(missions):
            row = FIRST_ROW + index
            put(sheet, row, 1, mission.code)
            put(sheet, row, 2, mission.name).alignment = WRAP
            for offset, indicator in enumerate(indicators):
                cell = cells.get((mission.pk, indicator.pk))
                if cell is None:
                    continue
                column = FIRST_COLUMN + offset
                value = cell.level if sheet is levels else cell.justification
                target = put(sheet, row, column, value)
                target.protection = Protection(locked=False)
                target.fill = ANSWER_FILL
                if sheet is levels:
                    target.alignment = Alignment(horizontal="center")
                    key_rows.append(
                        [cell.pk, row, column, "" if cell.level is None else cell.level, cell.justification]
                    )
                else:
                    target.alignment = WRAP
        sheet.freeze_panes = sheet.cell(row=FIRST_ROW, column=FIRST_COLUMN)
        sheet.protection.sheet = True  # the structure is locked; the answer cells are not
        sheet.protection.formatColumns = False
        sheet.protection.formatRows = False
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
        "digest": _digest(key_rows),
    }
    key.cell(row=1, column=1, value=signing.dumps(header, salt=SALT))
    for row, values in enumerate(key_rows, start=2):
        for column, value in enumerate(values, start=1):
            put(key, row, column, value)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# Reading an upload ---------------------------------------------------------------


class WorkbookRefused(Exception):
    def __init__(self, messages: list[str]):
        super().__init__("\n".join(messages))
        self.messages = messages


@dataclass
class Change:
    cell: Assessment
    address: str
    before: tuple
    after: tuple
    now: tuple | None = None  # for a conflict: what someone else saved since


@dataclass
class Reading:
    downloaded_at: datetime.datetime
    changes: list[Change] = field(default_factory=list)
    conflicts: list[Change] = field(default_factory=list)
    unchanged: int = 0

    def apply_token(self, missions: dict) -> str:
        """The values as downloaded, for the cells to apply: the grid's
        write path compares them with what is stored when it saves."""
        return concurrency.snapshot_token(
            {
                grid.cell_key(change.cell.mission_id, change.cell.indicator_id): (
                    f"{missions.get(change.cell.mission_id, '')}",
                    grid.cell_value(*change.before),
                )
                for change in self.changes
            }
        )


def _open(data: bytes):
    if len(data) > MAX_UPLOAD:
        raise WorkbookRefused([_("The file is too large (at most 10 MB).")])
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if sum(member.file_size for member in archive.infolist()) > MAX_UNPACKED:
                raise WorkbookRefused([_("The file unpacks to too much to be a workbook of this round.")])
        return load_workbook(io.BytesIO(data), data_only=True)
    except WorkbookRefused:
        raise
    except Exception:  # openpyxl raises many kinds for a file that is not a workbook
        raise WorkbookRefused(
            [_("This is not an Excel workbook (.xlsx) downloaded from this round.")]
        ) from None


def _level(value, address: str, problems: list[str]):
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        value = str(value)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, str) and value.strip() in grid.LEVELS:
        value = int(value.strip())
    if isinstance(value, int) and 0 <= value <= 3:
        return value
    problems.append(
        _("%(address)s: the level must be 0, 1, 2 or 3 (it is %(value)s).")
        % {"address": address, "value": value}
    )
    return None


def _justification(value, address: str, problems: list[str]) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    try:
        return clean_text(str(value), max_length=grid.MAX_JUSTIFICATION)
    except TextProblem as problem:
        problems.append(f"{address}: {problem.message}")
        return ""


def read_grid_workbook(data: bytes, *, project, assessment_round) -> Reading:
    """What the person changed in a downloaded workbook, and which of those
    cells someone else changed since the download; WorkbookRefused with
    every problem (with its cell address) when anything is wrong. Nothing
    is saved here."""
    workbook = _open(data)
    levels_title, justifications_title, _indicators = sheet_names()
    if KEY_SHEET not in workbook.sheetnames or len(workbook.sheetnames) < 2:
        raise WorkbookRefused([_("This workbook was not downloaded from this round's grid.")])
    key = workbook[KEY_SHEET]
    try:
        header = signing.loads(str(key.cell(row=1, column=1).value or ""), salt=SALT)
    except signing.BadSignature:
        raise WorkbookRefused([_("This workbook was not downloaded from this round's grid.")]) from None
    if header.get("project") != project.pk or header.get("round") != assessment_round.pk:
        raise WorkbookRefused(
            [
                _("This workbook is of round %(theirs)s; this page is round %(ours)s.")
                % {"theirs": header.get("number"), "ours": assessment_round.number}
            ]
        )
    try:
        key_rows = [
            [int(r[0]), int(r[1]), int(r[2]), "" if r[3] in (None, "") else int(r[3]), r[4] or ""]
            for r in key.iter_rows(min_row=2, max_col=5, values_only=True)
            if r[0] is not None
        ]
    except (TypeError, ValueError):
        key_rows = None
    if key_rows is None or _digest(key_rows) != header.get("digest"):
        raise WorkbookRefused([_("The workbook's hidden key was changed; download the round again.")])
    # The first two sheets, by position: a person may rename them.
    levels, justifications = workbook.worksheets[0], workbook.worksheets[1]
    current = {cell.pk: cell for cell in Assessment.objects.filter(round=assessment_round)}
    reading = Reading(downloaded_at=datetime.datetime.fromisoformat(header["at"]))
    problems: list[str] = []
    for cell_id, row, column, level_then, justification_then in key_rows:
        cell = current.get(cell_id)
        if cell is None:
            continue  # removed since the download with its mission or indicator
        address = f"{get_column_letter(column)}{row}"
        after = (
            _level(levels.cell(row=row, column=column).value, f"{levels.title}!{address}", problems),
            _justification(
                justifications.cell(row=row, column=column).value,
                f"{justifications.title}!{address}",
                problems,
            ),
        )
        before = (None if level_then == "" else level_then, justification_then)
        if grid.cell_value(*after) == grid.cell_value(*before):
            reading.unchanged += 1
            continue
        now = (cell.level, cell.justification)
        change = Change(cell=cell, address=f"{levels.title}!{address}", before=before, after=after, now=now)
        if grid.cell_value(*now) == grid.cell_value(*after):
            reading.unchanged += 1  # someone already saved the same
        elif grid.cell_value(*now) != grid.cell_value(*before):
            reading.conflicts.append(change)
        else:
            reading.changes.append(change)
    if problems:
        raise WorkbookRefused(problems)
    return reading


# Results ------------------------------------------------------------------------


def results_workbook(project, assessment_round, *, score, rows, missions, comparison):
    """The results of a round: per criterion, per mission, and the rounds
    compared; every number from the scoring engine, rounded as shown."""
    workbook, criteria_sheet = new_workbook()
    criteria_sheet.title = _("Criteria")
    put(
        criteria_sheet,
        1,
        1,
        _("%(project)s · round %(number)s · total %(total)s")
        % {"project": project, "number": assessment_round.number, "total": to_display(score.total)},
        font=Font(name=BODY_FONT.name, bold=True, size=16),
    )
    table(
        criteria_sheet,
        [_("Criterion"), _("Weight"), _("Level"), _("Points"), _("Target"), _("Gap")],
        (
            [
                row.criterion.name,
                to_display(row.weight),
                to_display(row.level),
                to_display(row.points),
                None if row.target is None else to_display(row.target),
                None if row.gap is None else to_display(row.gap),
            ]
            for row in rows
        ),
        widths=[40, 10, 10, 10, 10, 10],
        first_row=3,
    )
    mission_sheet = workbook.create_sheet(_("Missions"))
    table(
        mission_sheet,
        [_("Number"), _("Mission"), _("Category"), _("Points"), _("Score")],
        (
            [
                m.code,
                m.name,
                m.get_category_display(),
                to_display(m.points),
                to_display(score.mission_score[str(m.pk)]),
            ]
            for m in missions
            if str(m.pk) in score.mission_score
        ),
        widths=[8, 50, 14, 10, 10],
    )
    if comparison:
        rounds_sheet = workbook.create_sheet(_("Rounds"))
        table(
            rounds_sheet,
            [
                _("Criterion"),
                *[_("Round %(number)s") % {"number": r.number} for r in comparison["rounds"]],
                _("Target"),
            ],
            (
                [
                    row["criterion"].name,
                    *[None if level is None else to_display(Decimal(level)) for level in row["levels"]],
                    None if row["target"] is None else to_display(row["target"]),
                ]
                for row in comparison["rows"]
            ),
            widths=[40] + [10] * (len(comparison["rounds"]) + 1),
        )
    return workbook
