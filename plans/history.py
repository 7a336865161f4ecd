"""The plan's records in the project's history (``assessment.history``)."""

from django.utils.translation import gettext as _

from assessment.history import HistorySource, register_history_source
from plans.models import Activity, ActivityEvidence, Plan, ProgressUpdate


def register() -> None:
    register_history_source(
        HistorySource(
            Plan,
            lambda pk: Plan.history.filter(project_id=pk),
            lambda r: _("Plan %(name)s") % {"name": r.name},
        )
    )
    register_history_source(
        HistorySource(
            Activity,
            lambda pk: Activity.history.filter(plan__project_id=pk),
            lambda r: _("Activity %(title)s") % {"title": r.title},
        )
    )
    register_history_source(
        HistorySource(
            ProgressUpdate,
            lambda pk: ProgressUpdate.history.filter(activity__plan__project_id=pk),
            lambda r: _("Progress of an activity"),
        )
    )
    register_history_source(
        HistorySource(
            ActivityEvidence,
            lambda pk: ActivityEvidence.history.filter(update__activity__plan__project_id=pk),
            lambda r: _("Evidence file %(name)s") % {"name": r.original_name},
        )
    )
