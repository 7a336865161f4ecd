"""Dates as Thai readers expect them: Thai month names and the Buddhist era
(B.E. = A.D. + 543). English keeps the Gregorian calendar."""

import datetime

from django.utils import timezone
from django.utils.translation import get_language

BUDDHIST_ERA_OFFSET = 543

THAI_MONTHS = [
    "มกราคม", "กุมภาพันธ์", "มีนาคม", "เมษายน", "พฤษภาคม", "มิถุนายน",
    "กรกฎาคม", "สิงหาคม", "กันยายน", "ตุลาคม", "พฤศจิกายน", "ธันวาคม",
]  # fmt: skip
THAI_MONTHS_SHORT = [
    "ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.",
    "ก.ค.", "ส.ค.", "ก.ย.", "ต.ค.", "พ.ย.", "ธ.ค.",
]  # fmt: skip
ENGLISH_MONTHS = [
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
]  # fmt: skip


def buddhist_year(year: int) -> int:
    return year + BUDDHIST_ERA_OFFSET


def gregorian_year(year: int) -> int:
    """A year as people type it — Buddhist era (2544) or Gregorian (2001) —
    as the Gregorian year the database stores."""
    return year - BUDDHIST_ERA_OFFSET if year > 2400 else year


def format_date(
    value: datetime.date | None, *, short: bool = False, language: str | None = None, era: bool = False
) -> str:
    """``9 ตุลาคม 2544`` for 2001-10-09 in Thai; ``9 October 2001`` in English.
    ``era``: the year as official Thai documents write it, ``9 ตุลาคม พ.ศ. 2544``."""
    if value is None or value == "":  # "" from a template's missing variable
        return ""
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        value = value.date()
    language = language or get_language() or "th"
    if language.startswith("en"):
        month = ENGLISH_MONTHS[value.month - 1]
        return f"{value.day} {month[:3] if short else month} {value.year}"
    month = (THAI_MONTHS_SHORT if short else THAI_MONTHS)[value.month - 1]
    return f"{value.day} {month} {'พ.ศ. ' if era else ''}{buddhist_year(value.year)}"


def format_datetime(value: datetime.datetime | None, *, language: str | None = None) -> str:
    """A date with the local time, e.g. ``9 ต.ค. 2544 14:05``."""
    if value is None:
        return ""
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return f"{format_date(value, short=True, language=language)} {value:%H:%M}"


def format_year(year: int | None, *, language: str | None = None) -> str:
    """A cycle (fiscal year) as the reader counts it: 2544 in Thai, 2001 in English."""
    if year is None:
        return ""
    language = language or get_language() or "th"
    return str(year if language.startswith("en") else buddhist_year(year))


def add_years(day: datetime.date, years: int) -> datetime.date:
    """The same day ``years`` later; 29 February becomes 28 February."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def current_fiscal_year(today: datetime.date | None = None) -> int:
    """The Thai government fiscal year (Gregorian number) that contains
    ``today``: it starts on 1 October, so 22 Nov 2026 is in FY 2027 (B.E. 2570)."""
    today = today or timezone.localdate()
    return today.year + 1 if today.month >= 10 else today.year
