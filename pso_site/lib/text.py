"""Free text as people type it: control characters refused (NUL breaks
PostgreSQL and nothing a person types needs them), line ends made uniform,
length bounded."""

import re

from django.utils.translation import gettext as _

# C0 controls except tab and the line ends; DEL; C1 controls.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


class TextProblem(ValueError):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def clean_text(value: str, *, max_length: int | None = None) -> str:
    """The text with line ends as ``\\n`` and surrounding spaces removed;
    TextProblem if it holds control characters or is too long."""
    text = value.replace("\r\n", "\n").replace("\r", "\n").strip()
    if CONTROL.search(text):
        raise TextProblem(_("The text contains control characters; remove them and save again."))
    if max_length is not None and len(text) > max_length:
        raise TextProblem(_("The text is too long (at most %(max)s characters).") % {"max": max_length})
    return text
