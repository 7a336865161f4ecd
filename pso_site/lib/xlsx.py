"""Workbooks and CSV files people open in Excel or LibreOffice: Thai text in
a Thai font, real dates shown in the Buddhist era, numbers as numbers with
two decimals, and no text that can run as a formula.

Whatever a caller hands in, the file opens: a lazy translation is written as
its text in the active language, any other type a cell cannot hold as text,
and characters a workbook may not contain are left out
(docs/archive-and-excel.md)."""

import csv
import datetime
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.http import HttpResponse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell, MergedCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from pso_site.lib.dates import format_date, format_datetime

# Excel's Thai locale (041E) with the Thai Buddhist calendar (07) and Western
# digits (01): 9 ต.ค. 2544 in Excel and in LibreOffice alike. A locale tag
# (``[$-th-TH,107]``) is not read by LibreOffice, and the system locale
# (``[$-1070000]``) names the months in the reader's language.
BE_DATE = "[$-107041E]d mmm yyyy"
BE_DATETIME = "[$-107041E]d mmm yyyy hh:mm"
TWO_DECIMALS = "0.00"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")
# The most characters Excel keeps in a cell; a longer text makes it "repair" the file.
CELL_MAX_CHARACTERS = 32_767
FONT = "TH Sarabun New"
HEADER_FONT = Font(name=FONT, bold=True, size=14)
BODY_FONT = Font(name=FONT, size=14)
HEADER_FILL = PatternFill("solid", fgColor="DCE6F1")
WRAP = Alignment(wrap_text=True, vertical="top")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV = "text/csv; charset=utf-8"
# What a cell holds as it is; anything else is written as its text.
CELL_TYPES = (str, bool, int, float, Decimal, datetime.date, datetime.time, datetime.timedelta)
CellValue = str | bool | int | float | Decimal | datetime.date | datetime.time | datetime.timedelta | None


@dataclass(frozen=True)
class DateColumn:
    """The header of a column of dates (or times). A workbook shows its
    values as real dates in the Buddhist era; a CSV file writes them in ISO
    8601 (``2026-12-07``, which every spreadsheet reads the same way) with
    the Buddhist-era date beside them as text (``7 ธ.ค. 2569``)."""

    header: str

    def __str__(self) -> str:
        return str(self.header)


@dataclass
class Table:
    """One table of an export: a sheet of the workbook, or a CSV file."""

    title: str
    headers: Sequence[object]
    rows: Iterable[Iterable[object]]
    widths: list[int] = field(default_factory=list)


def cell_value(value: object) -> CellValue:
    """``value`` as a cell or a CSV field can hold it: a lazy translation as
    its text in the active language, a type no spreadsheet knows as its
    text, and text without the control characters a workbook refuses."""
    if isinstance(value, Promise) or not (value is None or isinstance(value, CELL_TYPES)):
        value = str(value)
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
    return value


def put(
    sheet: Worksheet,
    row: int,
    column: int,
    value: object,
    *,
    number_format: str | None = None,
    font: Font = BODY_FONT,
) -> Cell | MergedCell:
    """Write one value: text stays text (a leading ``=`` cannot become a
    formula), decimals become numbers, dates real dates in the Buddhist era."""
    cell = sheet.cell(row=row, column=column)
    value = cell_value(value)
    if isinstance(value, str):
        if len(value) > CELL_MAX_CHARACTERS:
            value = value[: CELL_MAX_CHARACTERS - 1] + "…"
        cell.value = value
        cell.data_type = "s"  # never a formula, whatever it starts with
        if value.startswith(FORMULA_START):
            cell.quotePrefix = True  # and Excel keeps it text when it is edited
    elif isinstance(value, Decimal):
        cell.value = float(value)
        cell.number_format = number_format or TWO_DECIMALS
    elif isinstance(value, datetime.datetime):
        cell.value = (timezone.localtime(value) if timezone.is_aware(value) else value).replace(tzinfo=None)
        cell.number_format = number_format or BE_DATETIME
    elif isinstance(value, datetime.date):
        cell.value = value
        cell.number_format = number_format or BE_DATE
    else:
        cell.value = value
        if number_format:
            cell.number_format = number_format
    cell.font = font
    return cell


def table(
    sheet: Worksheet,
    headers: Sequence[object],
    rows: Iterable[Iterable[object]],
    *,
    widths: list[int] | None = None,
    first_row: int = 1,
) -> int:
    """A header row and the rows below it, with a filter, frozen header and
    column widths; returns the next free row."""
    for column, header in enumerate(headers, start=1):
        cell = put(sheet, first_row, column, header, font=HEADER_FONT)
        cell.fill = HEADER_FILL
        cell.alignment = WRAP
    row = first_row
    for row, values in enumerate(rows, start=first_row + 1):
        for column, value in enumerate(values, start=1):
            put(sheet, row, column, value).alignment = WRAP
    sheet.freeze_panes = sheet.cell(row=first_row + 1, column=1)  # type: ignore[assignment]  # never merged
    sheet.auto_filter.ref = f"A{first_row}:{get_column_letter(len(headers))}{max(row, first_row)}"
    for column, width in enumerate(widths or [], start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width
    return row + 1


def sheet_title(title: object) -> str:
    """A sheet's name as Excel allows it: at most 31 characters, none of ``[]:*?/\\``."""
    name = "".join(" " if character in "[]:*?/\\" else character for character in str(title))
    return name.strip()[:31] or "Sheet"


def new_workbook() -> tuple[Workbook, object]:
    workbook = Workbook()
    return workbook, workbook.active


def workbook_bytes(workbook: Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def workbook_response(workbook: Workbook, filename: str) -> HttpResponse:
    response = HttpResponse(workbook_bytes(workbook), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def iso_text(value: object) -> str:
    """A date as ISO 8601 (``2026-12-07``); a time of day in the local zone,
    ``2026-12-07 14:05``, as spreadsheets read it."""
    if not isinstance(value, datetime.date):
        return csv_text(value)
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.strftime("%Y-%m-%d %H:%M")
    return value.isoformat()


def buddhist_text(value: object) -> str:
    """The same date as Thai readers write it: ``7 ธ.ค. 2569`` (``14:05`` after it for a time)."""
    if not isinstance(value, datetime.date):
        return ""
    if isinstance(value, datetime.datetime):
        return format_datetime(value, language="th")
    return format_date(value, short=True, language="th")


def csv_text(value: object) -> str:
    """A CSV field as any spreadsheet reads it: dates in ISO 8601, decimals
    with two places, and text that would start a formula quoted with ``'``."""
    value = cell_value(value)
    if value is None:
        return ""
    if isinstance(value, datetime.date):
        return iso_text(value)
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    if isinstance(value, (bool, int, float)):
        return str(value)
    text = str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def csv_headers(headers: Sequence[object]) -> list[str]:
    """The header row: each column of dates is followed by its Buddhist-era column."""
    row = []
    for header in headers:
        row.append(csv_text(header))
        if isinstance(header, DateColumn):
            row.append(csv_text(_("%(column)s (B.E.)") % {"column": header}))
    return row


def csv_fields(headers: Sequence[object], values: Iterable[object]) -> list[str]:
    row = []
    for header, value in zip(headers, values, strict=True):
        if isinstance(header, DateColumn):
            row += [iso_text(value), buddhist_text(value)]
        else:
            row.append(csv_text(value))
    return row


def csv_response(headers: Sequence[object], rows: Iterable[Iterable[object]], filename: str) -> HttpResponse:
    """UTF-8 with a byte-order mark, so that Excel shows Thai."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(csv_headers(headers))
    for values in rows:
        writer.writerow(csv_fields(headers, values))
    response = HttpResponse(("\ufeff" + buffer.getvalue()).encode("utf-8"), content_type=CSV)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def table_csv_response(exported: Table, filename: str) -> HttpResponse:
    return csv_response(exported.headers, exported.rows, filename)


def table_sheet(sheet: Worksheet, exported: Table, *, first_row: int = 1) -> int:
    """``exported`` on ``sheet`` (titled after it); returns the next free row."""
    sheet.title = sheet_title(exported.title)
    return table(sheet, exported.headers, exported.rows, widths=exported.widths, first_row=first_row)
