"""Archives of a document and the files it names, as ZIP files: written
with the files under ``files/<sha256>``, read with bounds against hostile
archives (too many members, too many bytes, a bomb's compression ratio,
names that climb out or start at the root, files whose bytes do not match
their name)."""

import hashlib
import io
import json
import re
import struct
import zipfile
from collections.abc import Mapping
from typing import IO, Any, NoReturn

from django.conf import settings
from django.db.models.fields.files import FieldFile
from django.utils.translation import gettext as _

from pso_site.lib.schema import DocumentProblem, read_json

FILE_NAME = re.compile(r"^files/([0-9a-f]{64})$")
MAX_MEMBERS = 20000
MAX_RATIO = 200  # a real PDF or photo compresses far less; a bomb far more
CHUNK = 1024 * 1024


def is_zip(data: bytes) -> bool:
    return data[:4] == b"PK\x03\x04"


def write_zip(
    handle: IO[bytes], *, document_name: str, document: dict[str, Any], files: Mapping[str, FieldFile]
) -> None:
    """The document as JSON and each file (sha256 → an open-able file) as
    ``files/<sha256>``."""
    with zipfile.ZipFile(handle, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        text = json.dumps(document, ensure_ascii=False, indent=1) + "\n"
        archive.writestr(document_name, text.encode("utf-8"))
        for sha256 in sorted(files):
            with files[sha256].open("rb") as source, archive.open(f"files/{sha256}", "w") as target:
                while chunk := source.read(CHUNK):
                    target.write(chunk)


def _limit() -> int:
    limit: int = getattr(settings, "ARCHIVE_MAX_BYTES", 512 * 1024 * 1024)
    return limit


def _refuse(message: str) -> NoReturn:
    raise DocumentProblem([message])


def read_zip(data: bytes, *, document_names: tuple[str, ...]) -> tuple[object, dict[str, bytes]]:
    """The parsed document and the files (sha256 → bytes) of an archive;
    DocumentProblem, with nothing read further, for anything hostile."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError):
        _refuse(_("The file is not a readable ZIP archive."))
    if len(members) > MAX_MEMBERS:
        _refuse(_("The archive holds too many files (at most %(max)s).") % {"max": MAX_MEMBERS})
    total = sum(member.file_size for member in members)
    if total > _limit():
        _refuse(
            _("The archive is too large unpacked (at most %(mb)s MB).") % {"mb": _limit() // (1024 * 1024)}
        )
    document_member = None
    for member in members:
        name = member.filename
        if (
            name.startswith(("/", "\\"))
            or ".." in name.replace("\\", "/").split("/")
            or re.match(r"^[A-Za-z]:", name)
        ):
            _refuse(_("The archive holds a file named %(name)s, outside the archive.") % {"name": name[:100]})
        if member.is_dir():
            continue
        if (
            member.compress_size
            and member.file_size / member.compress_size > MAX_RATIO
            and member.file_size > CHUNK
        ):
            _refuse(
                _("The archive's file %(name)s unpacks to far more than it holds.") % {"name": name[:100]}
            )
        if name in document_names:
            document_member = member
        elif not FILE_NAME.match(name):
            _refuse(_("The archive holds an unexpected file %(name)s.") % {"name": name[:100]})
    if document_member is None:
        _refuse(_("The archive has no %(name)s.") % {"name": " / ".join(document_names)})
    try:
        document = read_json(_read(archive, document_member))
        files: dict[str, bytes] = {}
        for member in members:
            found = FILE_NAME.match(member.filename)
            if found:
                content = _read(archive, member)
                if hashlib.sha256(content).hexdigest() != found.group(1):
                    _refuse(
                        _(
                            "The archive's file %(name)s does not match its SHA-256: it was changed or damaged."
                        )
                        % {"name": member.filename}
                    )
                files[found.group(1)] = content
    except (zipfile.BadZipFile, NotImplementedError, RuntimeError, EOFError, OSError):
        _refuse(_("The file is not a readable ZIP archive."))
    return document, files


def _read(archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> bytes:
    """A member's bytes, never more than it declares (zipfile stops there
    and checks the CRC)."""
    buffer = io.BytesIO()
    with archive.open(member) as source:
        while chunk := source.read(CHUNK):
            buffer.write(chunk)
            if buffer.tell() > member.file_size:
                _refuse(_("The archive's file %(name)s is larger than it says.") % {"name": member.filename})
    return buffer.getvalue()


def zip_directory(tail: bytes) -> tuple[int, int] | None:
    """The number of parts and the size of the central directory that a zip's
    end record declares (zip64's when there is one), found as zipfile finds
    them, from the last 65,557 bytes of the file (all of it when shorter):
    zipfile reads the whole directory into memory, so it is bounded first.
    None when there is no end record."""
    end = len(tail) - 22
    if not (tail[end : end + 4] == b"PK\x05\x06" and tail[-2:] == b"\0\0"):
        end = tail.rfind(b"PK\x05\x06")
    if end < 0 or end + 22 > len(tail):
        return None
    entries, size = struct.unpack_from("<HI", tail, end + 10)
    record = end - 20 - 56  # zip64's end record, just before its locator
    if (
        record >= 0
        and tail[end - 20 : end - 16] == b"PK\x06\x07"
        and tail[record : record + 4] == b"PK\x06\x06"
    ):
        entries, size = struct.unpack_from("<QQ", tail, record + 32)
    return entries, size
