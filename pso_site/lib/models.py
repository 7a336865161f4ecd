"""Saving a model's changed fields only (after HackSoft's ``model_update``)."""

from collections.abc import Mapping
from typing import Any, TypeVar

from django.db.models import Model

M = TypeVar("M", bound=Model)


def model_update(instance: M, values: Mapping[str, Any], *, also: tuple[str, ...] = ()) -> list[str]:
    """Set ``values`` on ``instance`` and save it when any differs: only
    those fields (plus ``also``, such as an ``auto_now`` time) for a stored
    row, every field for a new one. Returns the names that changed; an
    unchanged row is not written (no query, no history record)."""
    changed = [name for name, value in values.items() if getattr(instance, name) != value]
    if instance.pk is None:
        for name, value in values.items():
            setattr(instance, name, value)
        instance.save()
        return changed
    if changed:
        for name in changed:
            setattr(instance, name, values[name])
        instance.save(update_fields=[*changed, *also])
    return changed
