"""The plans of steps 7–8 as a workbook or CSV files: each activity with its
plan, criteria, dates (Buddhist era), responsible person, budget and latest
progress; and every progress update. The workbook holds both tables, a CSV
file one of them (``TABLES``)."""

from django.db.models import Prefetch
from django.utils.translation import gettext as _

from plans.models import Activity, Plan, ProgressUpdate
from pso_site.lib.xlsx import DateColumn, Table, new_workbook, table_sheet

# The tables, as a CSV download names them (``?table=``); the first is the default.
TABLES = ("activities", "progress")


def _plans(project) -> list[Plan]:
    updates = Prefetch(
        "updates",
        queryset=ProgressUpdate.objects.select_related("created_by").order_by("date", "created_at", "pk"),
    )
    activities = Prefetch(
        "activities",
        queryset=Activity.objects.select_related("responsible_user")
        .order_by("start_date", "order", "pk")
        .prefetch_related(updates),
    )
    return list(
        Plan.objects.filter(project=project).order_by("order", "pk").prefetch_related("criteria", activities)
    )


def plans_tables(project) -> dict[str, Table]:
    rows, update_rows = [], []
    for plan in _plans(project):
        criteria = ", ".join(criterion.name for criterion in plan.criteria.all())
        for activity in plan.activities.all():
            history = list(activity.updates.all())
            latest = history[-1] if history else None
            rows.append(
                [
                    plan.name,
                    criteria,
                    activity.title,
                    activity.get_phase_display(),
                    activity.start_date,
                    activity.end_date,
                    activity.responsible,
                    activity.budget,
                    activity.expected_result,
                    latest.get_status_display() if latest else _("Not started"),
                    latest.percent if latest else 0,
                    latest.date if latest else None,
                ]
            )
            update_rows += [
                [
                    plan.name,
                    activity.title,
                    update.date,
                    update.get_status_display(),
                    update.percent,
                    update.note,
                    (update.created_by.get_full_name() or update.created_by.username)
                    if update.created_by
                    else "",
                ]
                for update in history
            ]
    return {
        "activities": Table(
            _("Activities"),
            [
                _("Plan"),
                _("Criteria"),
                _("Activity"),
                _("Phase"),
                DateColumn(_("Start date")),
                DateColumn(_("End date")),
                _("Responsible"),
                _("Budget (baht)"),
                _("Expected result"),
                _("Status"),
                _("Percent done"),
                DateColumn(_("Last update")),
            ],
            rows,
            widths=[30, 30, 40, 12, 14, 14, 24, 14, 40, 14, 10, 14],
        ),
        "progress": Table(
            _("Progress"),
            [
                _("Plan"),
                _("Activity"),
                DateColumn(_("Date")),
                _("Status"),
                _("Percent done"),
                _("Note"),
                _("By"),
            ],
            update_rows,
            widths=[30, 40, 14, 14, 10, 50, 24],
        ),
    }


def plans_workbook(project):
    tables = plans_tables(project)
    workbook, sheet = new_workbook()
    table_sheet(sheet, tables["activities"])
    table_sheet(workbook.create_sheet(), tables["progress"])
    return workbook
