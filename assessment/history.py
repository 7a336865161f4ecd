"""The project's change history, readable: who changed what, when, with
labels instead of codes and names instead of ids.

django-simple-history keeps the raw audit trail of every model that holds
project data. When it records a change, ``record_change`` turns it into a
``ChangeEntry`` of the project (its subject, and each changed field before
and after), so the history page and the dossier read one table, newest
first, a page at a time.

Each app registers the models it owns (``register_history_source`` in its
``AppConfig.ready``); this module never imports the apps above it.
"""

import contextlib
import datetime
import difflib
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass, field
from decimal import Decimal

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from assessment.evidence import ALLOWED as ALLOWED_UPLOADS
from assessment.models import (
    Assessment,
    AssessmentRound,
    ChangeEntry,
    EvidenceFile,
    Indicator,
    Mission,
    Project,
    ProjectCriterion,
)
from pso_site.lib.dates import format_date, format_datetime
from pso_site.lib.files import StoredFile
from pso_site.lib.ids import parse_id

# Fields that are bookkeeping, not something a person changed.
IGNORED_FIELDS = {
    "updated_at",
    "criterion_levels",
    "total_score",
    "completed_at",
    "is_complete",
    "built_at",
    "error",
}
# The kind of an uploaded file by the extension people know it by (the
# first one accepted for its media type: JPG rather than JPEG).
FILE_KINDS = {
    media_type: extension.upper() for extension, (media_type, _bytes) in reversed(ALLOWED_UPLOADS.items())
}
ACTIONS = {"+": gettext_lazy("created"), "~": gettext_lazy("changed"), "-": gettext_lazy("deleted")}
LONG_TEXT = 80

# The project a service is writing (set by ``assessment.writes``), so that
# recording a change needs no query to find it.
current_project_id: ContextVar[int | None] = ContextVar("current_project_id", default=None)

# The seal under which every change recorded meanwhile is withheld (the
# committee's review, with the project's move to "under review" that it makes).
current_seal: ContextVar[str] = ContextVar("current_seal", default="")


@contextlib.contextmanager
def sealed_as(seal: str):
    """Record every change made inside under ``seal`` (see ``unseal``)."""
    token = current_seal.set(seal)
    try:
        yield
    finally:
        current_seal.reset(token)


# Projects being deleted (whole, with everything in them): their readable
# history goes with them, so nothing is recorded for them meanwhile.
projects_being_deleted: ContextVar[frozenset[int]] = ContextVar("projects_being_deleted", default=frozenset())


def project_deletion_started(sender, instance, **kwargs) -> None:
    """``pre_delete`` of Project (sent before any row of the cascade goes)."""
    projects_being_deleted.set(projects_being_deleted.get() | {instance.pk})


def project_deletion_ended(sender, instance, **kwargs) -> None:
    projects_being_deleted.set(projects_being_deleted.get() - {instance.pk})


# Rounds being removed (started by mistake, nothing entered): the round's
# removal is one entry; its cells are not listed one by one.
rounds_being_deleted: ContextVar[frozenset[int]] = ContextVar("rounds_being_deleted", default=frozenset())


def round_deletion_started(sender, instance, **kwargs) -> None:
    rounds_being_deleted.set(rounds_being_deleted.get() | {instance.pk})


def round_deletion_ended(sender, instance, **kwargs) -> None:
    rounds_being_deleted.set(rounds_being_deleted.get() - {instance.pk})


@dataclass(frozen=True)
class HistorySource:
    model: type
    project_id: Callable[[models.Model], int | None]
    subject: Callable[[models.Model], str]
    ignored: frozenset = field(default_factory=frozenset)
    # The seal a change is recorded under, withheld from the history until
    # it is released (``unseal``); none when it is shown at once.
    sealed: Callable[[models.Model], str] | None = None


_sources: dict[type, HistorySource] = {}


def register_history_source(source: HistorySource) -> None:
    _sources[source.model] = source


# While a mission or an indicator is removed with its cells: the names of
# the project's rounds, missions and indicators, read once, so that the
# removal of each cell is recorded without reading its row again.
cell_labels: ContextVar[dict | None] = ContextVar("cell_labels", default=None)


def row_deletion_started(sender, instance, **kwargs) -> None:
    """``pre_delete`` of Mission and Indicator (before their cells go)."""
    project_id = instance.project_id
    cell_labels.set(
        {
            "rounds": dict(AssessmentRound.objects.filter(project_id=project_id).values_list("pk", "number")),
            "missions": {
                m.pk: str(m) for m in Mission.objects.filter(project_id=project_id).only("code", "name")
            },
            "indicators": dict(Indicator.objects.filter(project_id=project_id).values_list("pk", "name")),
        }
    )


def row_deletion_ended(sender, instance, **kwargs) -> None:
    cell_labels.set(None)


def _cell_subject(cell: Assessment) -> str:
    labels = cell_labels.get()
    if labels is not None and cell.round_id in labels["rounds"]:
        numbers = (
            labels["rounds"][cell.round_id],
            labels["missions"].get(cell.mission_id, ""),
            labels["indicators"].get(cell.indicator_id, ""),
        )
    else:
        numbers = (cell.round.number, str(cell.mission), cell.indicator.name)
    return _("Round %(round)s · %(mission)s × %(indicator)s") % dict(
        zip(("round", "mission", "indicator"), numbers, strict=True)
    )


def register_assessment_sources() -> None:
    for source in (
        HistorySource(
            Project,
            lambda p: p.pk,
            lambda p: _("Project"),
            # Bookkeeping the system keeps (not in the raw history either).
            frozenset({"recorded_people", "progress"}),
        ),
        HistorySource(
            ProjectCriterion, lambda c: c.project_id, lambda c: _("Criterion %(name)s") % {"name": c.name_th}
        ),
        HistorySource(Mission, lambda m: m.project_id, lambda m: _("Mission %(name)s") % {"name": str(m)}),
        HistorySource(
            Indicator, lambda i: i.project_id, lambda i: _("Indicator %(name)s") % {"name": i.name}
        ),
        HistorySource(
            AssessmentRound,
            lambda r: r.project_id,
            lambda r: _("Assessment round %(number)s") % {"number": r.number},
        ),
        HistorySource(Assessment, lambda c: c.round.project_id, _cell_subject),
        HistorySource(
            EvidenceFile,
            lambda e: e.cell.round.project_id,
            lambda e: (
                _("Evidence file %(name)s (%(cell)s)")
                % {"name": e.original_name, "cell": _cell_subject(e.cell)}
            ),
        ),
    ):
        register_history_source(source)


# Recording ---------------------------------------------------------------------


def record_change(sender, instance, history_instance, history_user=None, **kwargs) -> None:
    """``post_create_historical_record`` receiver: add the change to its
    project's readable history."""
    source = _sources.get(type(instance))
    if source is None:
        return
    if isinstance(instance, Assessment) and instance.round_id in rounds_being_deleted.get():
        return
    project_id = current_project_id.get() if type(instance) is not Project else instance.pk
    if project_id is None:
        project_id = source.project_id(instance)
    if project_id is None or project_id in projects_being_deleted.get():
        return
    changes = []
    if history_instance.history_type != "-":
        previous = history_instance.prev_record if history_instance.history_type == "~" else None
        if previous is not None:
            changes = _changes(source, history_instance, previous)
            if not changes:
                return  # saved without a change a person made
        else:
            changes = _first_values(source, instance)
    ChangeEntry.objects.create(
        project_id=project_id,
        at=history_instance.history_date,
        user=history_user,
        user_name=(history_user.get_full_name() or history_user.username) if history_user else "",
        model_label=instance._meta.label_lower,
        object_id=instance.pk,
        action=history_instance.history_type,
        subject=source.subject(instance)[:500],
        changes=changes,
        sealed=source.sealed(instance) if source.sealed else current_seal.get(),
    )


def unseal(*, project_id: int, seal: str) -> None:
    """Show the changes recorded under ``seal`` in the project's history."""
    ChangeEntry.objects.filter(project_id=project_id, sealed=seal).update(sealed="")


def _changes(source: HistorySource, record, previous) -> list[dict]:
    model = source.model
    delta = record.diff_against(previous)
    changes = []
    for change in delta.changes:
        if change.field in IGNORED_FIELDS or change.field in source.ignored:
            continue
        changes.append(
            {
                "field": change.field,
                "before": _stored(model, change.field, change.old),
                "after": _stored(model, change.field, change.new),
            }
        )
    return changes


def _first_values(source: HistorySource, instance) -> list[dict]:
    """What a new record says, field by field (its own values, not the
    rows it belongs to)."""
    user_model = get_user_model()
    values = []
    for model_field in instance._meta.concrete_fields:
        name = model_field.name
        if name in IGNORED_FIELDS or name in source.ignored or name in ("id", "order"):
            continue
        if model_field.is_relation and model_field.related_model is not user_model:
            continue
        value = getattr(instance, model_field.attname)
        if value in (None, "") or isinstance(model_field, models.FileField):
            continue
        values.append({"field": name, "before": None, "after": _stored(source.model, name, value)})
    return values


def _stored(model, name: str, value):
    """A value as the history keeps it: names for people and related rows
    (as they were then), raw codes for choices (shown with today's labels)."""
    if value is None or value == "":
        return None
    try:
        model_field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return str(value)
    if model_field.many_to_many:
        ids = [item.get(model_field.m2m_reverse_name()) for item in value] if isinstance(value, list) else []
        related = model_field.related_model.objects.filter(pk__in=ids)
        return ", ".join(sorted(_name(obj) for obj in related)) or None
    if model_field.is_relation:
        related = model_field.related_model.objects.filter(pk=value).first()
        return _name(related) if related is not None else str(value)
    if isinstance(value, datetime.datetime | datetime.date | Decimal):
        return value.isoformat() if not isinstance(value, Decimal) else str(value)
    if isinstance(value, bool):
        return "1" if value else "0"
    return str(value)


def _name(obj) -> str:
    if hasattr(obj, "get_full_name"):
        return obj.get_full_name() or obj.get_username()
    return str(obj)


# Reading -----------------------------------------------------------------------


@dataclass
class ShownChange:
    label: str
    before: str
    after: str
    # For long text: (kind, words) with kind "same", "removed" or "added".
    diff: list[tuple[str, str]] | None = None


@dataclass
class HistoryEntry:
    when: datetime.datetime
    user: str
    action: str
    subject: str
    changes: list[ShownChange]


def project_changes(project: Project):
    """The project's changes, newest first (a queryset: page it); sealed
    ones are withheld."""
    return ChangeEntry.objects.filter(project=project, sealed="").order_by("-at", "-id")


def shown(entries) -> list[HistoryEntry]:
    return [
        HistoryEntry(
            when=entry.at,
            user=entry.user_name or _("system"),
            action=str(ACTIONS.get(entry.action, entry.action)),
            subject=entry.subject,
            changes=[_shown_change(entry.model_label, change) for change in entry.changes],
        )
        for entry in entries
    ]


def project_history(project: Project, *, limit: int = 40) -> list[HistoryEntry]:
    """The latest ``limit`` changes (the dossier's short history)."""
    return shown(project_changes(project)[:limit])


def _shown_change(model_label: str, change: dict) -> ShownChange:
    try:
        model = apps.get_model(model_label)
        model_field = model._meta.get_field(change["field"])
    except (LookupError, FieldDoesNotExist):
        model_field = None
    label = str(model_field.verbose_name) if model_field is not None else change["field"]
    before = _display(model_field, change.get("before"))
    after = _display(model_field, change.get("after"))
    diff = None
    if len(before) > LONG_TEXT or len(after) > LONG_TEXT:
        diff = word_diff(before, after)
    return ShownChange(label=label, before=before, after=after, diff=diff)


def _display(model_field, value) -> str:
    if value is None or value == "":
        return "—"
    if model_field is None or model_field.is_relation:
        return str(value)
    if issubclass(model_field.model, StoredFile) and model_field.name in ("size", "content_type"):
        return _stored_file_display(model_field.name, value)
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(_typed(model_field, value), value))
    if isinstance(model_field, models.BooleanField):
        return _("yes") if value in ("1", "True", True) else _("no")
    if isinstance(model_field, models.DateTimeField):
        return format_datetime(datetime.datetime.fromisoformat(value))
    if isinstance(model_field, models.DateField):
        return format_date(datetime.date.fromisoformat(value))
    return str(value)


def _stored_file_display(name: str, value) -> str:
    """An uploaded file's size in bytes, KB or MB, and its kind by the
    extension people know it by (PDF, DOCX) rather than its media type."""
    if name == "size":
        size = parse_id(value)
        return filesizeformat(size) if size is not None else str(value)
    return FILE_KINDS.get(value, str(value))


def _typed(model_field, value):
    try:
        return model_field.to_python(value)
    except Exception:  # a value stored by an older version of the field
        return value


def word_diff(before: str, after: str) -> list[tuple[str, str]]:
    """The words removed and added between two texts (Thai has no spaces
    between words, so the comparison is by characters within lines)."""
    a, b = list(before), list(after)
    segments = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if tag == "equal":
            segments.append(("same", "".join(a[i1:i2])))
        if tag in ("delete", "replace"):
            segments.append(("removed", "".join(a[i1:i2])))
        if tag in ("insert", "replace"):
            segments.append(("added", "".join(b[j1:j2])))
    return segments
