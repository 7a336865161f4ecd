"""Template filters for Thai dates; loaded as a builtin in every template."""

from django import template

from pso_site.lib.dates import format_date, format_datetime, format_year

register = template.Library()


@register.filter
def thai_date(value, form: str = "long"):
    """``{{ d|thai_date }}`` → 9 ตุลาคม 2544; ``{{ d|thai_date:"short" }}`` → 9 ต.ค. 2544;
    ``{{ d|thai_date:"era" }}`` → 9 ตุลาคม พ.ศ. 2544 (official documents)."""
    return format_date(value, short=(form == "short"), era=(form == "era"))


@register.filter
def thai_datetime(value):
    return format_datetime(value)


@register.filter
def thai_year(value):
    return format_year(value)
