"""Secrets that travel in an address — an e-mailed invitation link, a
password-reset link — kept out of every log: the app's request logs and
the access log show the path with the secret replaced.

Both links move their secret into the session on first use and redirect
to an address without it (Django's password reset, ``invitation_welcome``),
so only that first request ever carries it."""

import logging
import re

HIDDEN = "[hidden]"
SECRET_PATHS = [
    re.compile(r"(/invitations/welcome/)[^/?#\s\"]+"),
    re.compile(r"(/accounts/reset/)[^/?#\s\"]+/[^/?#\s\"]+"),
]


def redact(text: str) -> str:
    """``text`` with the secret part of any secret-carrying path hidden."""
    for pattern in SECRET_PATHS:
        text = pattern.sub(lambda match: match.group(1) + HIDDEN, text)
    return text


class RedactSecrets(logging.Filter):
    """A logging filter: the record's message with secrets hidden (Django
    logs the path of every 4xx and 5xx response, runserver every request)."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        hidden = redact(message)
        if hidden != message:
            record.msg, record.args = hidden, ()
        return True
