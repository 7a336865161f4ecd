"""Evidence files attached to assessment cells: basic checks on upload.

Files are kept under their SHA-256 (so a stored file never changes and the
dossier can list its hash); the type is checked by extension and by the
file's first bytes, and the size is capped.
"""

import hashlib
from pathlib import PurePath

import filetype
from django import forms
from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

ZIP = b"PK\x03\x04"
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# Extension → (content type, accepted leading bytes; empty = plain text).
ALLOWED = {
    "pdf": ("application/pdf", [b"%PDF-"]),
    "png": ("image/png", [b"\x89PNG\r\n\x1a\n"]),
    "jpg": ("image/jpeg", [b"\xff\xd8\xff"]),
    "jpeg": ("image/jpeg", [b"\xff\xd8\xff"]),
    "gif": ("image/gif", [b"GIF87a", b"GIF89a"]),
    "webp": ("image/webp", [b"RIFF"]),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", [ZIP]),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", [ZIP]),
    "pptx": ("application/vnd.openxmlformats-officedocument.presentationml.presentation", [ZIP]),
    "odt": ("application/vnd.oasis.opendocument.text", [ZIP]),
    "ods": ("application/vnd.oasis.opendocument.spreadsheet", [ZIP]),
    "odp": ("application/vnd.oasis.opendocument.presentation", [ZIP]),
    "doc": ("application/msword", [OLE]),
    "xls": ("application/vnd.ms-excel", [OLE]),
    "ppt": ("application/vnd.ms-powerpoint", [OLE]),
}


# What the content must be found to be (filetype, a maintained library), by
# extension. Office files of the ZIP family may be found as a plain ZIP when
# their parts come in another order; OLE files (doc, xls, ppt) by their
# signature when the library cannot tell which they are.
KINDS = {
    "pdf": {"pdf"},
    "png": {"png"},
    "jpg": {"jpg"},
    "jpeg": {"jpg"},
    "gif": {"gif"},
    "webp": {"webp"},
    "docx": {"docx", "zip"},
    "xlsx": {"xlsx", "zip"},
    "pptx": {"pptx", "zip"},
    "odt": {"odt", "zip"},
    "ods": {"ods", "zip"},
    "odp": {"odp", "zip"},
    "doc": {"doc", "xls", "ppt"},
    "xls": {"doc", "xls", "ppt"},
    "ppt": {"doc", "xls", "ppt"},
}
SNIFF_BYTES = 8192


def content_matches(extension: str, head: bytes) -> bool:
    """Whether the first bytes of a file are what its extension says."""
    found = filetype.guess(head)
    kind = found.extension if found else None
    if kind in KINDS[extension]:
        return True
    _content_type, signatures = ALLOWED[extension]
    return kind is None and extension in ("doc", "xls", "ppt") and any(head.startswith(s) for s in signatures)


def max_bytes() -> int:
    return getattr(settings, "EVIDENCE_MAX_BYTES", 10 * 1024 * 1024)


class EvidenceForm(forms.Form):
    def __init__(self, *args, too_large: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.too_large = too_large  # the body was over the upload limit: its file was dropped unread

    def clean(self):
        cleaned = super().clean()
        if self.too_large:
            self.errors.pop("file", None)
            self.add_error(
                "file",
                _("The file is too large: at most %(size)s MB.") % {"size": max_bytes() // (1024 * 1024)},
            )
        return cleaned

    file = forms.FileField(
        label=gettext_lazy("Evidence file"),
        error_messages={
            "empty": gettext_lazy("The file is empty."),
            "required": gettext_lazy("Choose a file to attach."),
        },
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        extension = PurePath(upload.name).suffix.lower().lstrip(".")
        if extension not in ALLOWED:
            raise forms.ValidationError(
                _("This type of file is not accepted. Accepted: %(types)s.")
                % {"types": ", ".join(sorted(ALLOWED))}
            )
        if upload.size > max_bytes():
            raise forms.ValidationError(
                _("The file is too large: at most %(size)s MB.") % {"size": max_bytes() // (1024 * 1024)}
            )
        if upload.size == 0:
            raise forms.ValidationError(_("The file is empty."))
        head = upload.read(SNIFF_BYTES)
        upload.seek(0)
        content_type, _signatures = ALLOWED[extension]
        if not content_matches(extension, head):
            raise forms.ValidationError(
                _("The file's content does not match its extension .%(ext)s.") % {"ext": extension}
            )
        digest = hashlib.sha256()
        for chunk in upload.chunks():
            digest.update(chunk)
        upload.seek(0)
        self.sha256 = digest.hexdigest()
        self.content_type = content_type
        return upload


class CellEvidenceForm(EvidenceForm):
    """Evidence for a cell, and at once for the cells it also supports."""

    CELL, COLUMN, ROW = "cell", "column", "row"
    scope = forms.ChoiceField(
        label=gettext_lazy("Attach to"),
        choices=[
            (CELL, gettext_lazy("this cell only")),
            (COLUMN, gettext_lazy("every mission of this indicator (the whole column)")),
            (ROW, gettext_lazy("every indicator of this mission (the whole row)")),
        ],
        initial=CELL,
        required=False,
        widget=forms.RadioSelect,
    )

    def clean_scope(self):
        return self.cleaned_data.get("scope") or self.CELL
