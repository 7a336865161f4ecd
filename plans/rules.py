"""Rules of steps 7–8 that forms, services and pages share."""

import datetime

from django.utils.translation import gettext as _

from pso_site.lib.dates import format_date

# A plan runs from two fiscal years before the project's cycle to five after
# it: room for the long-term phase, and no date of the year 1 or 9999.
YEARS_BEFORE, YEARS_AFTER = 2, 5


def plan_window(project) -> tuple[datetime.date, datetime.date]:
    """The first and last day a plan's activities and progress may carry.
    The Thai fiscal year N runs from 1 October of N − 1 to 30 September of N."""
    return (
        datetime.date(project.fiscal_year - YEARS_BEFORE - 1, 10, 1),
        datetime.date(project.fiscal_year + YEARS_AFTER, 9, 30),
    )


def date_problem(project, day: datetime.date | None) -> str | None:
    first, last = plan_window(project)
    if day is None or first <= day <= last:
        return None
    return _("Dates of this project's plan run from %(first)s to %(last)s.") % {
        "first": format_date(first),
        "last": format_date(last),
    }
