"""Showing exact scores: half-up to two decimals, only at display time."""

from decimal import Decimal
from fractions import Fraction

from django import template

from assessment.rules import points_text

register = template.Library()


@register.filter
def score(value):
    """``{{ fraction|score }}`` → 40.93."""
    if value is None or value == "":
        return "—"
    from assessment.scoring import to_display

    return f"{to_display(value):f}"


@register.filter
def exact_decimal(value):
    """A level with twelve decimals, for scripts that add up exactly enough
    (the page's live committee total)."""
    if value is None or value == "":
        return ""
    from fractions import Fraction

    fraction = Fraction(value)
    return f"{Decimal(fraction.numerator) / Decimal(fraction.denominator):.12f}"


@register.filter
def points(value):
    """Points as people write them: 2 for 2.00, 4.29 for 4.29 (an exact
    fraction rounded half-up first)."""
    if value is None or value == "":
        return ""
    if isinstance(value, Fraction):
        from assessment.scoring import to_display

        value = to_display(value)
    return points_text(value)


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None


@register.filter
def status_label(value):
    """The label of a progress status code (annotated querysets carry the code)."""
    from plans.models import ProgressUpdate

    try:
        return ProgressUpdate.Status(value).label
    except ValueError:
        return value


@register.filter
def person(user):
    """A person's name as shown: full name, else username, else a dash."""
    if user is None:
        return "—"
    return user.get_full_name() or user.username


@register.filter(needs_autoescape=True)
def nobreak_codes(text, autoescape=True):
    """Keep codes such as "P.S.O. 1101" on one line in free text."""
    import re

    from django.utils.html import conditional_escape
    from django.utils.safestring import mark_safe

    escaped = conditional_escape(text) if autoescape else text
    return mark_safe(re.sub(r"(P\.S\.O\.\s?\d{4})", r'<span class="code">\1</span>', str(escaped)))
