"""People in documents and archives: by username and name, never by
database id. An imported reference links the account with that username
when this installation has one; otherwise the name is recorded on the
project (``Project.recorded_people``) and exported again as it came, and
no account is created."""

from django.contrib.auth import get_user_model
from pydantic import BaseModel


def person(user) -> dict | None:
    if user is None:
        return None
    return {"username": user.username, "name": user.get_full_name() or user.username}


def _key(instance, field: str) -> str:
    return f"{instance._meta.label_lower}:{instance.pk}:{field}"


class People:
    """References of one project, for export and import."""

    def __init__(self, project):
        self.project = project
        self.recorded = dict(project.recorded_people or {})
        self._users: dict[str, object] = {}

    # Export ------------------------------------------------------------------
    def ref(self, instance, field: str) -> dict | None:
        """The person in ``instance.<field>`` (select it with the query), or
        the name recorded for it when the account is not here."""
        user = getattr(instance, field)
        return person(user) if user is not None else self.recorded.get(_key(instance, field))

    # Import ------------------------------------------------------------------
    def preload(self, usernames: set[str]) -> None:
        found = get_user_model().objects.filter(username__in=usernames)
        self._users.update({user.username: user for user in found})

    def user(self, ref) -> object | None:
        """The account of a reference, when this installation has it."""
        if ref is None:
            return None
        return self._users.get(ref.username)

    def note(self, instance, field: str, ref) -> None:
        """After ``instance`` is saved: record the name when no account was linked."""
        if ref is not None and ref.username not in self._users:
            self.recorded[_key(instance, field)] = {"username": ref.username, "name": ref.name}

    def save(self) -> None:
        if self.recorded != (self.project.recorded_people or {}):
            self.project.recorded_people = self.recorded
            type(self.project).objects.filter(pk=self.project.pk).update(recorded_people=self.recorded)


def usernames_in(value) -> set[str]:
    """Every ``username`` of the person references in a parsed document."""
    found, stack = set(), [value]
    while stack:
        item = stack.pop()
        if isinstance(item, BaseModel):
            if {"username", "name"} == set(type(item).model_fields):
                found.add(item.username)
                continue
            stack.extend(getattr(item, name) for name in type(item).model_fields)
        elif isinstance(item, list | tuple):
            stack.extend(item)
        elif isinstance(item, dict):
            stack.extend(item.values())
    return found
