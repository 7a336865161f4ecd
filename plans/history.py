"""The plan's records in the project's history (``assessment.history``)."""

from django.utils.translation import gettext as _

from assessment.history import HistorySource, register_history_source
from plans.models import Activity, ActivityEvidence, Plan, ProgressUpdate


def register() -> None:
    for source in (
        HistorySource(Plan, lambda p: p.project_id, lambda p: _("Plan %(name)s") % {"name": p.name}),
        HistorySource(
            Activity, lambda a: a.plan.project_id, lambda a: _("Activity %(title)s") % {"title": a.title}
        ),
        HistorySource(
            ProgressUpdate,
            lambda u: u.activity.plan.project_id,
            lambda u: _("Progress of %(title)s") % {"title": u.activity.title},
        ),
        HistorySource(
            ActivityEvidence,
            lambda e: e.update.activity.plan.project_id,
            lambda e: (
                _("Evidence file %(name)s (%(title)s)")
                % {"name": e.original_name, "title": e.update.activity.title}
            ),
        ),
    ):
        register_history_source(source)
