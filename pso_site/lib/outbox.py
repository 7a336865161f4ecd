"""E-mail in development: the outbox.

With ``EMAIL_URL=outbox:`` (the default when ``DJANGO_DEBUG`` is on) every
message sent is kept as an ``.eml`` file in a folder (``var/outbox/``, or
the one ``outbox:/some/folder`` names), readable in the browser at
``/admin/outbox/`` by the site's superuser (``pso_site/outbox.py``): the
subject decoded, the text and HTML bodies, links that work. The console
shows one line per message (to whom, the subject, where to read it)
instead of its raw MIME. Any mail program opens the files too.

The files are written whole and then renamed, so the web server and the
task worker (which both send) never read half a message."""

import email
import email.policy
import os
import re
import secrets
import sys
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.message import EmailMessage as MimeMessage
from pathlib import Path
from typing import Any, TextIO

from django.conf import settings
from django.core.mail import EmailMessage
from django.core.mail.backends.base import BaseEmailBackend
from django.urls import NoReverseMatch, reverse

from pso_site.lib.env import OUTBOX_BACKEND

KEEP = 500  # the newest messages kept; older ones go as new ones come
NAME = re.compile(r"[0-9]{8}-[0-9]{6}-[0-9]{6}-[0-9a-f]{8}")
SUFFIX = ".eml"


def enabled() -> bool:
    """Whether this installation keeps its e-mails in the outbox (``EMAIL_URL=outbox:``)."""
    backend: str = settings.EMAIL_BACKEND
    return backend == OUTBOX_BACKEND


def folder() -> Path:
    return Path(settings.EMAIL_FILE_PATH or Path(settings.BASE_DIR) / "var" / "outbox")


def address(name: str) -> str:
    """Where the message ``name`` is read, as a full link for the console."""
    site_url: str = settings.SITE_URL
    try:
        return site_url + reverse("outbox_mail", args=[name])
    except NoReverseMatch:
        return str(folder() / f"{name}{SUFFIX}")


class EmailBackend(BaseEmailBackend):
    """Keeps each message in the outbox folder and prints one line about it."""

    def __init__(self, *, fail_silently: bool = False, stream: TextIO | None = None, **kwargs: Any) -> None:
        super().__init__(fail_silently=fail_silently, **kwargs)
        self.stream = stream or sys.stdout
        self._lock = threading.RLock()

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        sent = 0
        with self._lock:
            try:
                for message in email_messages:
                    if not message.recipients():
                        continue
                    name = keep(message.message().as_bytes(linesep="\n"))
                    subject = " ".join(str(message.subject).split())
                    self.stream.write(f"E-mail to {', '.join(message.to)}: {subject} → {address(name)}\n")
                    self.stream.flush()
                    sent += 1
                prune()
            except OSError:
                if not self.fail_silently:
                    raise
        return sent


def keep(data: bytes) -> str:
    """Store one message; its name sorts in the order the messages were sent."""
    target = folder()
    target.mkdir(parents=True, exist_ok=True)
    name = f"{datetime.now(UTC):%Y%m%d-%H%M%S-%f}-{secrets.token_hex(4)}"
    partial = target / f".{name}.partial"
    partial.write_bytes(data)
    os.replace(partial, target / f"{name}{SUFFIX}")
    return name


def _names() -> list[str]:
    """The kept messages, newest first."""
    try:
        files = os.listdir(folder())
    except FileNotFoundError:
        return []
    names = [file[: -len(SUFFIX)] for file in files if file.endswith(SUFFIX)]
    return sorted((name for name in names if NAME.fullmatch(name)), reverse=True)


def prune(keep_newest: int = KEEP) -> None:
    for name in _names()[keep_newest:]:
        (folder() / f"{name}{SUFFIX}").unlink(missing_ok=True)


@dataclass(frozen=True)
class Kept:
    """A kept message as a person reads it."""

    name: str
    sent_at: datetime | None
    sender: str
    to: str
    subject: str
    text: str = ""
    html: str = ""
    attachments: list[str] = field(default_factory=list)


def _part(message: MimeMessage, kind: str) -> str:
    part = message.get_body(preferencelist=(kind,))
    return part.get_content() if part is not None else ""


def _read(name: str) -> Kept | None:
    try:
        data = (folder() / f"{name}{SUFFIX}").read_bytes()
    except FileNotFoundError:
        return None  # removed meanwhile
    message = email.message_from_bytes(data, policy=email.policy.default)
    sent_at = getattr(message["date"], "datetime", None)
    if sent_at is not None and sent_at.tzinfo is None:
        sent_at = sent_at.replace(tzinfo=UTC)  # Django writes UTC as "-0000", which reads as no zone
    return Kept(
        name=name,
        sent_at=sent_at,
        sender=str(message["from"] or ""),
        to=", ".join(str(value) for value in (message.get_all("to") or [])),
        subject=" ".join(str(message["subject"] or "").split()),  # unfolded
        text=_part(message, "plain"),
        html=_part(message, "html"),
        attachments=[part.get_filename() or part.get_content_type() for part in message.iter_attachments()],
    )


def kept(*, limit: int = 100) -> list[Kept]:
    """The newest kept messages, newest first."""
    found = (_read(name) for name in _names()[:limit])
    return [message for message in found if message is not None]


def read(name: str) -> Kept | None:
    """The message ``name``, or None when there is no such message."""
    if not NAME.fullmatch(name):
        return None
    return _read(name)
