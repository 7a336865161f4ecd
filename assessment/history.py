"""The project's change history: who changed what and when, read from the
django-simple-history tables of every model that holds project data."""

from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth import get_user_model
from django.core.exceptions import FieldDoesNotExist
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from assessment.models import Assessment, AssessmentRound, Indicator, Mission, Project, ProjectCriterion

IGNORED_FIELDS = {"updated_at", "criterion_levels", "total_score", "completed_at", "is_complete"}


@dataclass
class HistoryEntry:
    when: datetime
    user: str
    action: str
    subject: str
    changes: list[tuple[str, str, str]]


ACTIONS = {"+": gettext_lazy("created"), "~": gettext_lazy("changed"), "-": gettext_lazy("deleted")}


def _label(model, name: str) -> str:
    try:
        return str(model._meta.get_field(name).verbose_name)
    except FieldDoesNotExist:
        return name


def _subject(model, record) -> str:
    if model is Project:
        return _("Project")
    if model is ProjectCriterion:
        return _("Criterion %(name)s") % {"name": record.name_th}
    if model is Mission:
        return _("Mission %(name)s") % {"name": record.name}
    if model is Indicator:
        return _("Indicator %(name)s") % {"name": record.name}
    if model is AssessmentRound:
        return _("Assessment round %(number)s") % {"number": record.number}
    return _("Assessment cell")


def project_history(project: Project, *, limit: int = 300) -> list[HistoryEntry]:
    """The latest ``limit`` changes, newest first, each with its field diffs.

    A fixed number of queries: one per history table for the records, one for
    their predecessors, one for the users.
    """
    sources = [
        (Project, Project.history.filter(id=project.pk)),
        (ProjectCriterion, ProjectCriterion.history.filter(project_id=project.pk)),
        (Mission, Mission.history.filter(project_id=project.pk)),
        (Indicator, Indicator.history.filter(project_id=project.pk)),
        (AssessmentRound, AssessmentRound.history.filter(project_id=project.pk)),
        (Assessment, Assessment.history.filter(round__project_id=project.pk)),
    ]
    records = []
    for model, queryset in sources:
        for record in queryset.order_by("-history_date")[:limit]:
            records.append((model, record))
    records.sort(key=lambda item: item[1].history_date, reverse=True)
    records = records[:limit]
    previous_ids = {}
    for model, record in records:
        previous_ids.setdefault(model, []).append((record.id, record.history_date))
    previous = {}
    for model, pairs in previous_ids.items():
        object_ids = {object_id for object_id, _date in pairs}
        earlier = model.history.filter(id__in=object_ids).order_by("history_date")
        for old in earlier:
            previous.setdefault((model, old.id), []).append(old)
    user_ids = {record.history_user_id for _model, record in records if record.history_user_id}
    users = {
        user.pk: user.get_full_name() or user.username
        for user in get_user_model().objects.filter(pk__in=user_ids)
    }
    entries = []
    for model, record in records:
        changes = []
        if record.history_type == "~":
            versions = previous.get((model, record.id), [])
            before = [old for old in versions if old.history_date < record.history_date]
            if before:
                delta = record.diff_against(before[-1])
                for change in delta.changes:
                    if change.field in IGNORED_FIELDS:
                        continue
                    changes.append((_label(model, change.field), _short(change.old), _short(change.new)))
            if not changes and before:
                continue
        entries.append(
            HistoryEntry(
                when=record.history_date,
                user=users.get(record.history_user_id, _("system")),
                action=ACTIONS.get(record.history_type, record.history_type),
                subject=_subject(model, record),
                changes=changes,
            )
        )
    return entries


def _short(value) -> str:
    text = "—" if value in (None, "") else str(value)
    return text if len(text) <= 120 else text[:117] + "…"
