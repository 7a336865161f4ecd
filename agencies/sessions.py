"""Ending a person's sessions: when their second factor changes (and when an
operator resets it), every other browser signed in as them is signed out.

Sessions are rows of the database (Django's database session engine), and
a row says whose it is only inside its encoded data: each unexpired row is
decoded. That reads the whole table, which is fine for a rare act by one
person; a site with very many sessions would keep an index of sessions per
person instead."""

from importlib import import_module

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone


def _store_class():
    store = import_module(settings.SESSION_ENGINE).SessionStore
    if not hasattr(store, "get_model_class"):
        raise ImproperlyConfigured(
            "Ending a person's sessions needs a database session engine (SESSION_ENGINE), "
            f"not {settings.SESSION_ENGINE}."
        )
    return store


def sessions_of(user, *, keep: str | None = None) -> list[str]:
    """The keys of ``user``'s unexpired sessions, but ``keep``."""
    store = _store_class()
    decoder = store()
    rows = (
        store.get_model_class()
        .objects.filter(expire_date__gt=timezone.now())
        .exclude(session_key=keep or "")
        .values_list("session_key", "session_data")
    )
    owner = str(user.pk)
    return [
        key
        for key, data in rows.iterator(chunk_size=1000)
        if str(decoder.decode(data).get(SESSION_KEY)) == owner
    ]


def sessions_end(user, *, keep: str | None = None) -> int:
    """Sign ``user`` out everywhere but the session ``keep`` (the one making
    the change); returns how many sessions ended."""
    store = _store_class()
    keys = sessions_of(user, keep=keep)
    for key in keys:
        store(session_key=key).delete()  # through the store: a cached copy goes too
    return len(keys)
