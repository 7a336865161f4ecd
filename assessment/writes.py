"""The one write path of project data.

Every change of a project's data — steps 1–8, the grid, evidence, plans,
activities, progress, the committee's review — runs inside the project's row
lock, taken first: then the project's state and the person's role are read
again, then the form's token is compared with what is stored, then the write
happens. A check made before the lock would prove nothing about the moment of
the write (docs/architecture.md, "One write path per change").
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.db.models import F
from django.http import Http404
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from agencies.models import Membership
from assessment import concurrency
from assessment.access import ProjectReadOnly
from assessment.history import current_project_id
from assessment.models import Project
from assessment.progress import progress_store

Snapshot = dict[str, tuple[str, str]]
AGENCY_WRITERS = (Membership.Role.HEAD, Membership.Role.EDITOR)


@dataclass(frozen=True)
class Section:
    """What one form edits: its data as (label, value) pairs, and the history
    tables that tell who saved it."""

    snapshot: Callable[[Project], Snapshot]
    history: Callable[[Project], list] = lambda project: []


@dataclass
class EditConflict(Exception):
    """Someone saved the same data since the form was opened — or the form's
    token is missing, forged or expired, which is a conflict with everything."""

    changes: list = field(default_factory=list)
    editor: str = ""
    stale: bool = False

    @property
    def message(self) -> str:
        if self.stale:
            return _(
                "Your page was open too long or its form was incomplete, so nothing was saved: "
                "others may have saved in the meantime. What you typed is still in the form: "
                "check it against what is shown and save again."
            )
        if self.editor:
            return _(
                "%(name)s saved this step while you were editing it, so your save was refused. "
                "What you typed is still in the form: compare it with the changes below, then save again."
            ) % {"name": self.editor}
        return _(
            "Someone else saved this step while you were editing it, so your save was refused. "
            "What you typed is still in the form: compare it with the changes below, then save again."
        )

    def as_context(self) -> dict:
        return {"message": self.message, "changes": self.changes, "stale": self.stale}


def lock_project(project_id: int) -> Project:
    """Take the project's row lock and return the row as it is now (404 if
    there is none). SQLite has no row locks: a write that changes nothing
    takes the database's write lock instead, so saves still take turns."""
    queryset = Project.objects.select_related("agency", "standard")
    if connection.features.has_select_for_update:
        queryset = queryset.select_for_update(of=("self",))
    else:
        Project.objects.filter(pk=project_id).update(updated_at=F("updated_at"))
    project = queryset.filter(pk=project_id).first()
    if project is None:
        raise Http404("No such project.")
    return project


def role_in_project(user, project: Project) -> str | None:
    """The person's role, read now (never from a cache of the request)."""
    if not user.is_authenticated:
        return None
    return (
        Membership.objects.filter(user=user, agency_id=project.agency_id)
        .values_list("role", flat=True)
        .first()
    )


@contextmanager
def project_for_write(*, project_id: int, user, roles=AGENCY_WRITERS) -> Iterator[Project]:
    """The project, locked, for an agency write: 404 unless the person holds
    one of ``roles`` in its agency; ``ProjectReadOnly`` unless it is editable."""
    with transaction.atomic(), writing_project(project_id):
        project = lock_project(project_id)
        if role_in_project(user, project) not in roles:
            raise Http404("No such project.")
        if not project.is_editable:
            raise ProjectReadOnly(project)
        yield project
        progress_store(project)


@contextmanager
def writing_project(project_id: int) -> Iterator[None]:
    """Changes recorded in this block belong to this project's history."""
    token = current_project_id.set(project_id)
    try:
        yield
    finally:
        current_project_id.reset(token)


def check_unchanged(*, project: Project, section: Section, token: str) -> None:
    """Raise EditConflict when the section differs from what the form was
    loaded with. Call it inside ``project_for_write``."""
    changes = concurrency.changes_since(token, section.snapshot(project))
    if changes is None:
        raise EditConflict(stale=True)
    if changes:
        raise EditConflict(changes=changes, editor=last_editor_since(token, section.history(project)))


def last_editor_since(token: str, histories: list) -> str:
    """Who saved last, after the token was issued, among the given history
    querysets (django-simple-history)."""
    at = concurrency.token_time(token)
    since = parse_datetime(at) if at else None
    if since is None:
        return ""
    latest = None
    for history in histories:
        record = (
            history.filter(history_date__gt=since)
            .exclude(history_user_id=None)
            .order_by("-history_date")
            .values_list("history_date", "history_user_id")
            .first()
        )
        if record and (latest is None or record[0] > latest[0]):
            latest = record
    if latest is None:
        return ""
    user = get_user_model().objects.filter(pk=latest[1]).first()
    return (user.get_full_name() or user.username) if user else ""
