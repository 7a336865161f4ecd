"""A file chosen in a form that was refused for another field waits for the
person's next try, instead of being dropped without a word: held in the
shared cache for that person and that form only (a ``Shelf``), named on the
page, attached when the form is saved, let go on request.

Bounded: one file per person and form (a new one replaces it), no larger
than the form accepts (it is held only once the form's checks passed), for
a few hours. The page carries the held file's token, so only the page that
shows the file can attach it: the same form opened afresh starts empty."""

import dataclasses
import secrets

from django.core.cache import caches
from django.core.files.uploadedfile import SimpleUploadedFile, UploadedFile

HOLD_SECONDS = 3 * 60 * 60  # longer than a session left idle (pso_site/idle.py)
SHARED = "shared"


@dataclasses.dataclass(frozen=True)
class HeldUpload:
    token: str
    name: str
    content_type: str
    sha256: str
    content: bytes

    def upload(self) -> SimpleUploadedFile:
        """The file again, as the form received it."""
        return SimpleUploadedFile(self.name, self.content, content_type=self.content_type)


@dataclasses.dataclass(frozen=True)
class Shelf:
    """Where one person's file for one form waits."""

    user_id: int
    form_key: str

    @property
    def _key(self) -> str:
        return f"held-upload:{self.user_id}:{self.form_key}"

    def hold(self, upload: UploadedFile, *, sha256: str, content_type: str) -> HeldUpload:
        upload.seek(0)
        content = upload.read()
        upload.seek(0)
        held = HeldUpload(
            token=secrets.token_urlsafe(16),
            name=upload.name[:255],  # type: ignore[index]  # an upload always has a name
            content_type=content_type,
            sha256=sha256,
            content=content,
        )
        caches[SHARED].set(self._key, dataclasses.asdict(held), HOLD_SECONDS)
        return held

    def get(self, token: str) -> HeldUpload | None:
        """The held file, when ``token`` (from the page) names it."""
        if not token:
            return None
        stored = caches[SHARED].get(self._key)
        if not stored or not secrets.compare_digest(stored["token"].encode(), token.encode()):
            return None
        return HeldUpload(**stored)

    def release(self) -> None:
        caches[SHARED].delete(self._key)
