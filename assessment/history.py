"""The project's change history: who changed what and when, read from the
django-simple-history tables of every model that holds project data.

Each app registers the models it owns (``register_history_source`` in its
``AppConfig.ready``), so this module never imports the apps above it.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth import get_user_model
from django.core.exceptions import FieldDoesNotExist
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from assessment.models import (
    Assessment,
    AssessmentRound,
    EvidenceFile,
    Indicator,
    Mission,
    Project,
    ProjectCriterion,
)

IGNORED_FIELDS = {"updated_at", "criterion_levels", "total_score", "completed_at", "is_complete"}


@dataclass(frozen=True)
class HistorySource:
    model: type
    records: Callable[[int], object]  # project id → historical queryset
    subject: Callable[[object], str]


@dataclass
class HistoryEntry:
    when: datetime
    user: str
    action: str
    subject: str
    changes: list[tuple[str, str, str]]


ACTIONS = {"+": gettext_lazy("created"), "~": gettext_lazy("changed"), "-": gettext_lazy("deleted")}

_sources: list[HistorySource] = []


def register_history_source(source: HistorySource) -> None:
    if all(existing.model is not source.model for existing in _sources):
        _sources.append(source)


def register_assessment_sources() -> None:
    for source in (
        HistorySource(Project, lambda pk: Project.history.filter(id=pk), lambda r: _("Project")),
        HistorySource(
            ProjectCriterion,
            lambda pk: ProjectCriterion.history.filter(project_id=pk),
            lambda r: _("Criterion %(name)s") % {"name": r.name_th},
        ),
        HistorySource(
            Mission,
            lambda pk: Mission.history.filter(project_id=pk),
            lambda r: _("Mission %(name)s") % {"name": r.name},
        ),
        HistorySource(
            Indicator,
            lambda pk: Indicator.history.filter(project_id=pk),
            lambda r: _("Indicator %(name)s") % {"name": r.name},
        ),
        HistorySource(
            AssessmentRound,
            lambda pk: AssessmentRound.history.filter(project_id=pk),
            lambda r: _("Assessment round %(number)s") % {"number": r.number},
        ),
        HistorySource(
            Assessment,
            lambda pk: Assessment.history.filter(round__project_id=pk),
            lambda r: _("Assessment cell"),
        ),
        HistorySource(
            EvidenceFile,
            lambda pk: EvidenceFile.history.filter(cell__round__project_id=pk),
            lambda r: _("Evidence file %(name)s") % {"name": r.original_name},
        ),
    ):
        register_history_source(source)


def _label(model, name: str) -> str:
    try:
        return str(model._meta.get_field(name).verbose_name)
    except FieldDoesNotExist:
        return name


def project_history(project: Project, *, limit: int = 300) -> list[HistoryEntry]:
    """The latest ``limit`` changes, newest first, each with its field diffs.

    A fixed number of queries: one per history table for the records, one for
    their predecessors, one for the users.
    """
    records = []
    for source in _sources:
        for record in source.records(project.pk).order_by("-history_date")[:limit]:
            records.append((source, record))
    records.sort(key=lambda item: item[1].history_date, reverse=True)
    records = records[:limit]
    previous_ids = {}
    for source, record in records:
        previous_ids.setdefault(source.model, set()).add(record.id)
    previous = {}
    for model, object_ids in previous_ids.items():
        for old in model.history.filter(id__in=object_ids).order_by("history_date"):
            previous.setdefault((model, old.id), []).append(old)
    user_ids = {record.history_user_id for _source, record in records if record.history_user_id}
    users = {
        user.pk: user.get_full_name() or user.username
        for user in get_user_model().objects.filter(pk__in=user_ids)
    }
    entries = []
    for source, record in records:
        changes = []
        if record.history_type == "~":
            versions = previous.get((source.model, record.id), [])
            before = [old for old in versions if old.history_date < record.history_date]
            if before:
                delta = record.diff_against(before[-1])
                for change in delta.changes:
                    if change.field in IGNORED_FIELDS:
                        continue
                    changes.append(
                        (_label(source.model, change.field), _short(change.old), _short(change.new))
                    )
            if not changes and before:
                continue
        entries.append(
            HistoryEntry(
                when=record.history_date,
                user=users.get(record.history_user_id, _("system")),
                action=ACTIONS.get(record.history_type, record.history_type),
                subject=source.subject(record),
                changes=changes,
            )
        )
    return entries


def _short(value) -> str:
    text = "—" if value in (None, "") else str(value)
    return text if len(text) <= 120 else text[:117] + "…"
