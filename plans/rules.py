"""Rules of steps 7–8 that forms, services and pages share."""

import datetime

from django.utils.translation import gettext as _

from plans.models import Activity
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


def activity_problems(project, values) -> list[tuple[str, str]]:
    """What is wrong with an activity's values (``services.ActivityInput``),
    as (field, message): its dates within the plan's window and in order,
    an end date unless long-term, someone responsible (a member, a name or
    a position: plans often name only the position), a budget of at least 0.
    The form shows each under its field; the service refuses them all."""
    problems = [
        (name, problem)
        for name, problem in (
            ("start_date", date_problem(project, values.start_date)),
            ("end_date", date_problem(project, values.end_date)),
        )
        if problem
    ]
    start, end = values.start_date, values.end_date
    if start and end and end < start:
        problems.append(("end_date", _("The end date must be on or after the start date.")))
    if start and not end and values.phase and values.phase != Activity.Phase.LONG:
        problems.append(("end_date", _("Only a long-term activity may be open-ended: give an end date.")))
    if values.responsible_user_id is None and not (
        values.responsible_name.strip() or values.responsible_position.strip()
    ):
        problems.append(
            (
                "responsible_name",
                _("Name who is responsible: choose a member, or write a name or a position."),
            )
        )
    if values.budget is not None and values.budget < 0:
        problems.append(("budget", _("The budget cannot be negative.")))
    return problems
