"""Numbers that arrive as text (an id in a form field's name or value, a
query parameter): only ASCII digits, and no longer than a database integer.
``str.isdigit`` alone lets "²" through, which ``int`` then refuses."""

# 18 digits stay below 2**63 − 1, the largest bigint of every database.
MAX_ID_DIGITS = 18


def parse_id(value: object) -> int | None:
    """The non-negative integer ``value`` spells, or None."""
    text = str(value)
    if text.isascii() and text.isdigit() and len(text) <= MAX_ID_DIGITS:
        return int(text)
    return None
