"""Workbooks and CSV files people open in Excel: Thai text in a Thai font,
real dates shown in the Buddhist era, numbers as numbers with two
decimals, and no text that can run as a formula."""

import csv
import datetime
import io
from decimal import Decimal

from django.http import HttpResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from pso_site.lib.thaidate import thai_numeric

# Excel's Thai locale (041E) with the Thai Buddhist calendar (07): 9 ต.ค. 2544.
BE_DATE = "[$-107041E]d mmm yyyy"
BE_DATETIME = "[$-107041E]d mmm yyyy hh:mm"
TWO_DECIMALS = "0.00"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")
FONT = "TH Sarabun New"
HEADER_FONT = Font(name=FONT, bold=True, size=14)
BODY_FONT = Font(name=FONT, size=14)
HEADER_FILL = PatternFill("solid", fgColor="DCE6F1")
WRAP = Alignment(wrap_text=True, vertical="top")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def put(sheet, row: int, column: int, value, *, number_format: str | None = None, font=BODY_FONT):
    """Write one value: text stays text (a leading ``=`` cannot become a
    formula), decimals become numbers, dates real dates in the Buddhist era."""
    cell = sheet.cell(row=row, column=column)
    if isinstance(value, str):
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


def table(sheet, headers: list[str], rows, *, widths: list[int] | None = None, first_row: int = 1) -> int:
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
    sheet.freeze_panes = sheet.cell(row=first_row + 1, column=1)
    sheet.auto_filter.ref = f"A{first_row}:{get_column_letter(len(headers))}{max(row, first_row)}"
    for column, width in enumerate(widths or [], start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width
    return row + 1


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


def csv_text(value) -> str:
    """A CSV field as Excel reads it: dates in the Buddhist era, decimals with
    two places, and text that would start a formula quoted with ``'``."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    if isinstance(value, datetime.date):
        return thai_numeric(value)
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    text = str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def csv_response(headers: list[str], rows, filename: str) -> HttpResponse:
    """UTF-8 with a byte-order mark, so that Excel shows Thai."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(headers)
    for values in rows:
        writer.writerow([csv_text(value) for value in values])
    response = HttpResponse(
        ("\ufeff" + buffer.getvalue()).encode("utf-8"), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
