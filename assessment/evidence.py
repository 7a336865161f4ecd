"""Evidence files attached to assessment cells: basic checks on upload.

Files are kept under their SHA-256 (so a stored file never changes and the
dossier can list its hash); the type is checked by extension and by the
file's first bytes, an Office file also by its structure, and the size is
capped.
"""

import hashlib
import struct
import zipfile
import zlib
from pathlib import PurePath
from xml.parsers import expat

import filetype
import olefile
from django import forms
from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pso_site.lib.ziparchive import zip_directory

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
# extension. An Office file only needs to be of its family here: a ZIP (any
# Office file of the ZIP family, found as a plain ZIP when its parts come in
# another order) or an OLE file (doc, xls, ppt, by their signature when the
# library cannot tell which they are). Which one it is, its structure tells
# (office_kind).
ZIP_FAMILY = {"docx", "xlsx", "pptx", "odt", "ods", "odp", "zip"}
OLE_FAMILY = {"doc", "xls", "ppt"}
KINDS = {
    "pdf": {"pdf"},
    "png": {"png"},
    "jpg": {"jpg"},
    "jpeg": {"jpg"},
    "gif": {"gif"},
    "webp": {"webp"},
    "docx": ZIP_FAMILY,
    "xlsx": ZIP_FAMILY,
    "pptx": ZIP_FAMILY,
    "odt": ZIP_FAMILY,
    "ods": ZIP_FAMILY,
    "odp": ZIP_FAMILY,
    "doc": OLE_FAMILY,
    "xls": OLE_FAMILY,
    "ppt": OLE_FAMILY,
}
SNIFF_BYTES = 8192

# The structure of an Office file: the main part of an Office Open XML
# package, the media type an OpenDocument file stores first, the stream of an
# Office 97–2003 (OLE) file.
OOXML_PARTS = {"docx": "word/document.xml", "xlsx": "xl/workbook.xml", "pptx": "ppt/presentation.xml"}
OOXML_MAIN_TYPES = {  # for a package whose main part has another name (word/document2.xml)
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml": "docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml": "xlsx",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml": "pptx",
}
ODF = ("odt", "ods", "odp")  # their media type: ALLOWED
OLE_STREAMS = {"doc": ("WordDocument",), "xls": ("Workbook", "Book"), "ppt": ("PowerPoint Document",)}
OFFICE = {*OOXML_PARTS, *ODF, *OLE_STREAMS}
MAX_PARTS = 10_000
MAX_DIRECTORY = 4 * 1024 * 1024  # bytes of a zip's central directory, which zipfile reads whole
MAX_CONTENT_TYPES = 1024 * 1024
MAX_MEDIA_TYPE = 100


def content_matches(extension: str, head: bytes) -> bool:
    """Whether the first bytes of a file are what its extension says (for an
    Office file: of its family, ZIP or OLE)."""
    found = filetype.guess(head)
    kind = found.extension if found else None
    if kind in KINDS[extension]:
        return True
    _content_type, signatures = ALLOWED[extension]
    return kind is None and extension in ("doc", "xls", "ppt") and any(head.startswith(s) for s in signatures)


# What a file that is not what it says raises while its structure is read.
DAMAGED = (
    zipfile.BadZipFile,
    zlib.error,
    expat.ExpatError,
    OSError,  # olefile.OleFileError among them
    EOFError,
    KeyError,
    IndexError,
    ValueError,
    struct.error,
    NotImplementedError,
    RecursionError,  # olefile walks the directory's tree recursively
)


def office_kind(file, extension: str) -> str:
    """What an Office file is by its structure: an extension of OFFICE
    (preferring the file's own when it is that too), "zip", "ole",
    "encrypted" (a password-protected Office file), "too many parts" or
    "damaged". Nothing is inflated but a small [Content_Types].xml or
    mimetype: a zip's directory is read, bounded first, or an OLE file's."""
    try:
        return _ole_kind(file, extension) if extension in OLE_STREAMS else _zip_kind(file, extension)
    except DAMAGED:
        return "damaged"
    finally:
        file.seek(0)


def _ole_kind(file, extension: str) -> str:
    with olefile.OleFileIO(file) as ole:
        if ole.exists("EncryptionInfo") and ole.exists("EncryptedPackage"):
            return "encrypted"
        kinds = [kind for kind, streams in OLE_STREAMS.items() if any(ole.exists(name) for name in streams)]
    return extension if extension in kinds else next(iter(kinds), "ole")


def _zip_kind(file, extension: str) -> str:
    file.seek(0, 2)
    file.seek(max(0, file.tell() - 22 - 0xFFFF))
    directory = zip_directory(file.read())
    if directory is None:
        return "damaged"
    if directory[0] > MAX_PARTS or directory[1] > MAX_DIRECTORY:
        return "too many parts"
    with zipfile.ZipFile(file) as archive:
        members = archive.infolist()
        if members and members[0].filename == "mimetype":
            return _odf_kind(archive, members[0])
        names = {member.filename for member in members}
        if "[Content_Types].xml" not in names:
            return "zip"
        kinds = [kind for kind, part in OOXML_PARTS.items() if part in names]
        if extension in kinds:
            return extension
        return next(iter(kinds), None) or _main_part_kind(archive, names)


def _odf_kind(archive: zipfile.ZipFile, mimetype: zipfile.ZipInfo) -> str:
    """An OpenDocument file stores its media type first, uncompressed."""
    stored = mimetype.compress_type == zipfile.ZIP_STORED and not mimetype.flag_bits & 0x1  # nor encrypted
    if mimetype.header_offset or not stored or mimetype.file_size > MAX_MEDIA_TYPE:
        return "zip"
    media_type = archive.read(mimetype).decode("ascii", "replace")
    return next((kind for kind in ODF if ALLOWED[kind][0] == media_type), "zip")


def _main_part_kind(archive: zipfile.ZipFile, names: set[str]) -> str:
    """The kind of a package by its main part's content type, for a main
    part of another name than usual."""
    content_types = archive.getinfo("[Content_Types].xml")
    if content_types.file_size > MAX_CONTENT_TYPES:
        return "zip"
    for part, content_type in _overrides(archive.read(content_types)):
        if content_type in OOXML_MAIN_TYPES and part.lstrip("/") in names:
            return OOXML_MAIN_TYPES[content_type]
    return "zip"


def _overrides(content_types: bytes) -> list[tuple[str, str]]:
    """(part, content type) of a [Content_Types].xml; a DTD or an entity
    refuses it (no Office program writes one)."""
    found = []
    parser = expat.ParserCreate(namespace_separator=" ")

    def start(name, attributes):
        if name.rpartition(" ")[2] == "Override":
            found.append((attributes.get("PartName", ""), attributes.get("ContentType", "")))

    def declaration(*_args):
        raise ValueError("a DTD")

    parser.StartElementHandler = start
    parser.StartDoctypeDeclHandler = parser.EntityDeclHandler = declaration
    parser.Parse(content_types, True)
    return found


def _kind_name(kind: str) -> str:
    return {
        "docx": _("a Word document (.docx)"),
        "xlsx": _("an Excel workbook (.xlsx)"),
        "pptx": _("a PowerPoint presentation (.pptx)"),
        "odt": _("an OpenDocument text (.odt)"),
        "ods": _("an OpenDocument spreadsheet (.ods)"),
        "odp": _("an OpenDocument presentation (.odp)"),
        "doc": _("a Word 97–2003 document (.doc)"),
        "xls": _("an Excel 97–2003 workbook (.xls)"),
        "ppt": _("a PowerPoint 97–2003 presentation (.ppt)"),
        "zip": _("a plain ZIP archive"),
        "ole": _("a compound (OLE) file of another program"),
    }[kind]


def office_problem(file, extension: str) -> str | None:
    """Why an Office file is refused (what it really is, or that it is
    damaged), or None when its structure is what its extension says."""
    kind = office_kind(file, extension)
    if kind == extension:
        return None
    expected = _kind_name(extension)
    if kind == "encrypted":
        return _("The file is protected by a password: save it without one and attach it again.")
    if kind == "too many parts":
        return _("The file holds too many parts to be %(expected)s.") % {"expected": expected}
    if kind == "damaged":
        return _("The file is damaged: it cannot be opened as %(expected)s.") % {"expected": expected}
    return _("The file is %(found)s, not %(expected)s as its extension says.") % {
        "found": _kind_name(kind),
        "expected": expected,
    }


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
        problem = office_problem(upload, extension) if extension in OFFICE else None
        if problem:
            raise forms.ValidationError(problem)
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
