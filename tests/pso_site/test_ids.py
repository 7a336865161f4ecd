"""Ids that arrive as text (``pso_site/lib/ids.py``)."""

import pytest

from pso_site.lib.ids import parse_id


@pytest.mark.parametrize("text, number", [("0", 0), ("42", 42), ("9" * 18, int("9" * 18))])
def test_ascii_digits_are_ids(text, number):
    assert parse_id(text) == number


@pytest.mark.parametrize("text", ["", "-1", "²", "๑๒", "１２", "4 2", "1e3", "9" * 19, "0x1f"])
def test_anything_else_is_none(text):
    """Superscripts, Thai and full-width digits pass str.isdigit; a 19-digit
    number is beyond every database's integer."""
    assert parse_id(text) is None


def test_a_grid_column_fill_with_a_superscript_is_ignored():
    from assessment.grid import column_fills, fill_overwrites

    post = {"fill-level-²": "3", "fill-level-7": "2", "fill-overwrite-²": "1", "fill-overwrite-7": "1"}
    assert list(column_fills(post)) == [7]
    assert fill_overwrites(post) == {7}
