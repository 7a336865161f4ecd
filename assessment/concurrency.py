"""Several people, one project: refuse a save that would overwrite a change
someone else made to the same step since the form was opened.

The form carries a signed snapshot of the step's data as it was loaded. On
save the snapshot is compared with the data now stored; any difference means
someone else saved in between, and the save is refused with the list of what
changed — the user's typed input stays in the form.
"""

from dataclasses import dataclass

from django.core import signing
from django.utils import timezone

SALT = "assessment.step-snapshot"
# A form older than this is refused as stale: the person saves again from
# the page the refusal shows, which holds what they typed.
MAX_AGE = 12 * 60 * 60


@dataclass(frozen=True)
class Change:
    label: str
    before: str
    after: str


def snapshot_token(snapshot: dict[str, tuple[str, str]]) -> str:
    """``snapshot`` maps a stable key to (label shown to people, value)."""
    return signing.dumps(
        {"at": timezone.now().isoformat(), "data": {key: list(value) for key, value in snapshot.items()}},
        salt=SALT,
        compress=True,
    )


def changes_since(token: str, current: dict[str, tuple[str, str]]) -> list[Change] | None:
    """What changed since the token was issued; None when the token is
    missing or forged (treated as a conflict with everything)."""
    loaded = loaded_snapshot(token)
    if loaded is None:
        return None
    changes = []
    for key in sorted(set(loaded) | set(current), key=lambda k: (k not in current, k)):
        before = loaded.get(key)
        after = current.get(key)
        if (before and before[1]) != (after and after[1]):
            label = (after or before)[0]
            changes.append(
                Change(label=label, before=before[1] if before else "—", after=after[1] if after else "—")
            )
    return changes


def token_time(token: str):
    try:
        return signing.loads(token, salt=SALT)["at"]
    except (signing.BadSignature, KeyError, TypeError):
        return None


def loaded_snapshot(token: str) -> dict[str, tuple[str, str]] | None:
    """The snapshot a form was loaded with, or None if the token is missing,
    forged or older than ``MAX_AGE``."""
    try:
        data = signing.loads(token, salt=SALT, max_age=MAX_AGE)["data"]
        return {key: (value[0], value[1]) for key, value in data.items()}
    except (signing.BadSignature, KeyError, TypeError, IndexError, AttributeError, ValueError):
        return None
