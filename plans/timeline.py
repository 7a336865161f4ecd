"""The plan's timeline as SVG; the step 7 page and the dossier both use it."""

from django.utils import timezone
from django.utils.translation import get_language

from plans.models import Activity, ProgressUpdate
from pso_site.lib.charts import TimelineBar, timeline_svg


def project_timeline_svg(activities, language: str | None = None, window=None, today=None) -> str:
    """``activities`` annotated with their latest progress (``plans.selectors``),
    drawn within ``window`` (the project's dates, ``plans.rules.plan_window``);
    overdue as of ``today`` (a dossier: its issue date)."""
    today = today or timezone.localdate()
    bars = [
        TimelineBar(
            label=activity.title,
            start=activity.start_date,
            end=activity.end_date,
            group=activity.phase,
            done=activity.latest_status == ProgressUpdate.Status.DONE,
            overdue=activity.is_overdue(today, activity.latest_status),
        )
        for activity in activities
    ]
    groups = [(phase.value, str(phase.label)) for phase in Activity.Phase]
    return timeline_svg(bars=bars, groups=groups, language=language or get_language() or "th", window=window)
