"""Date fields as Thai staff write dates: ``1/12/2569`` in the Buddhist
era, shown the same way, with a calendar button beside the text
(static/js/thaidate.js). A Gregorian year is accepted only where it cannot
be mistaken (1900–2200 is Gregorian, 2400–2700 Buddhist); two-digit years
and impossible dates are refused with a message that says what to write."""

import datetime
import re
from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pso_site.lib.dates import BUDDHIST_ERA_OFFSET as BE_OFFSET
from pso_site.lib.dates import THAI_MONTHS, THAI_MONTHS_SHORT

NUMERIC = re.compile(r"^\s*(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{2,4})\s*$")
ISO = re.compile(r"^\s*(\d{4})-(\d{2})-(\d{2})\s*$")
WORDS = re.compile(r"^\s*(\d{1,2})\s+(\S+)\s+(\d{2,4})\s*$")


class ThaiDateProblem(ValueError):
    pass


def _month_from_word(word: str) -> int | None:
    cleaned = word.replace(" ", "")
    for months in (THAI_MONTHS, THAI_MONTHS_SHORT):
        for number, name in enumerate(months, start=1):
            if cleaned == name.replace(" ", ""):
                return number
    return None


def gregorian_from(year: int) -> int:
    if 2400 <= year <= 2700:
        return year - BE_OFFSET
    if 1900 <= year <= 2200:
        return year
    if year < 100:
        raise ThaiDateProblem(_("Write the year in full, in the Buddhist era (for example 2569)."))
    raise ThaiDateProblem(
        _("%(year)s is not a year we can read: write it in the Buddhist era, e.g. 2569.") % {"year": year}
    )


def parse_thai_date(text: str) -> datetime.date | None:
    """``1/12/2569``, ``1-12-2569``, ``1 ธ.ค. 2569``, ``1 ธันวาคม 2569`` or
    ISO ``2026-12-01`` → 2026-12-01; None for empty; ThaiDateProblem otherwise."""
    if text is None or not str(text).strip():
        return None
    text = str(text).strip()
    if found := ISO.match(text):
        year, month, day = (int(part) for part in found.groups())
        if 2400 <= year <= 2700:
            year -= BE_OFFSET
    elif found := NUMERIC.match(text):
        day, month, year = (int(part) for part in found.groups())
        year = gregorian_from(year)
    elif (found := WORDS.match(text)) and _month_from_word(found.group(2)):
        # The test above found the month: not None.
        day, month, year = int(found.group(1)), _month_from_word(found.group(2)), int(found.group(3))  # type: ignore[assignment]
        year = gregorian_from(year)
    else:
        raise ThaiDateProblem(_("Write the date as day/month/year in the Buddhist era, e.g. 1/12/2569."))
    try:
        return datetime.date(year, month, day)
    except ValueError:
        raise ThaiDateProblem(_("%(text)s is not a date in the calendar.") % {"text": text}) from None


def thai_numeric(day: datetime.date | None) -> str:
    return "" if day is None else f"{day.day}/{day.month}/{day.year + BE_OFFSET}"


class ThaiDateInput(forms.TextInput):
    """A text field showing ``d/m/yyyy`` in the Buddhist era; the script
    adds a calendar button that fills it."""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        base = {
            "class": "form-control thai-date",
            "inputmode": "numeric",
            "autocomplete": "off",
            "placeholder": gettext_lazy("dd/mm/yyyy B.E."),
            "data-thai-date": "",
            "maxlength": "20",
        }
        super().__init__({**base, **(attrs or {})})

    def format_value(self, value: Any) -> str | None:
        if isinstance(value, datetime.date):
            return thai_numeric(value)
        return super().format_value(value)


class ThaiDateField(forms.DateField):
    widget = ThaiDateInput
    default_error_messages = {
        "invalid": gettext_lazy("Write the date as day/month/year in the Buddhist era, e.g. 1/12/2569.")
    }

    def to_python(self, value: Any) -> datetime.date | None:
        if isinstance(value, datetime.datetime):
            return value.date()
        if isinstance(value, datetime.date):
            return value
        try:
            return parse_thai_date(value)
        except ThaiDateProblem as problem:
            raise forms.ValidationError(str(problem), code="invalid") from None
