"""Dates as Thai staff type them: the Buddhist era, read and shown."""

import datetime

import pytest

from pso_site.lib.thaidate import ThaiDateField, ThaiDateInput, ThaiDateProblem, parse_thai_date


@pytest.mark.parametrize(
    "text, day",
    [
        ("1/12/2569", datetime.date(2026, 12, 1)),
        ("01-12-2569", datetime.date(2026, 12, 1)),
        ("1.12.2569", datetime.date(2026, 12, 1)),
        ("1 ธ.ค. 2569", datetime.date(2026, 12, 1)),
        ("1 ธันวาคม 2569", datetime.date(2026, 12, 1)),
        ("1/12/2026", datetime.date(2026, 12, 1)),  # a Gregorian year cannot be mistaken
        ("2026-12-01", datetime.date(2026, 12, 1)),  # ISO, as browsers and APIs send it
        ("29/2/2567", datetime.date(2024, 2, 29)),
        ("", None),
    ],
)
def test_dates_are_read_in_the_buddhist_era(text, day):
    assert parse_thai_date(text) == day


@pytest.mark.parametrize("text", ["1/12/69", "31/2/2569", "1/13/2569", "tomorrow", "1/12/3112", "29/2/2568"])
def test_what_cannot_be_read_is_refused(text):
    with pytest.raises(ThaiDateProblem):
        parse_thai_date(text)


def test_the_field_shows_the_buddhist_era_and_explains_a_two_digit_year():
    assert ThaiDateInput().format_value(datetime.date(2026, 12, 1)) == "1/12/2569"
    field = ThaiDateField()
    assert field.clean("1/12/2569") == datetime.date(2026, 12, 1)
    with pytest.raises(Exception, match="2569"):
        field.clean("1/12/69")
