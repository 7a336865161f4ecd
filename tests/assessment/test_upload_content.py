"""Uploads are what they say they are (checked by filetype), and a body over
the limit is dropped before its file is stored."""

import io
import struct
import zipfile

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from assessment.evidence import content_matches, office_problem
from assessment.models import EvidenceFile

pytestmark = pytest.mark.django_db


def office_zip(*names) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in names:
            archive.writestr(name, "x")
    return buffer.getvalue()


GENUINE = {
    "pdf": b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n",
    "png": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 20,
    "jpg": b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 20,
    "gif": b"GIF89a" + b"\x00" * 20,
    "webp": b"RIFF\x24\x00\x00\x00WEBPVP8 " + b"\x00" * 20,
    "docx": office_zip("[Content_Types].xml", "word/document.xml"),
    "xlsx": office_zip("[Content_Types].xml", "xl/workbook.xml"),
    "odt": office_zip("mimetype"),
    "doc": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600,
}


@pytest.mark.parametrize("extension", sorted(GENUINE))
def test_each_accepted_type_is_recognised(extension):
    assert content_matches(extension, GENUINE[extension])


@pytest.mark.parametrize(
    "extension, content",
    [
        ("webp", b"RIFF\x24\x00\x00\x00WAVEfmt " + b"\x00" * 20),  # a WAV dressed as WebP
        ("pdf", b"<html><body><script>alert(1)</script>%PDF-1.4"),  # HTML dressed as PDF
        ("png", GENUINE["jpg"]),
        ("docx", GENUINE["pdf"]),
        ("doc", b"MZ\x90\x00" + b"\x00" * 60),  # a program dressed as Word
    ],
)
def test_look_alikes_are_refused(extension, content):
    assert not content_matches(extension, content)


def test_a_body_over_the_limit_is_dropped_before_it_is_stored(client, filled_project, editor_a, settings):
    settings.UPLOAD_MAX_BYTES = 4096
    client.force_login(editor_a)
    cell = filled_project.rounds.get().cells.first()
    big = SimpleUploadedFile("big.pdf", GENUINE["pdf"] + b"x" * 10_000, content_type="application/pdf")
    response = client.post(reverse("assessment:cell", args=[filled_project.pk, 1, cell.pk]), {"file": big})
    assert response.status_code == 200
    assert "ไฟล์ใหญ่เกินไป" in response.content.decode()
    assert not EvidenceFile.objects.exists()


# Office files: their structure, not only their first bytes ------------------------

CONTENT_TYPES = (
    '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/{part}" ContentType="{content_type}"/></Types>'
)
MAIN = {
    "docx": (
        "word/document.xml",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
    ),
    "pptx": (
        "ppt/presentation.xml",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml",
    ),
}
NOSTREAM, END_OF_CHAIN, FREE = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFF


def ooxml(kind: str, *, part: str | None = None) -> bytes:
    """A minimal Word document or PowerPoint presentation, as Office packs one."""
    usual, content_type = MAIN[kind]
    part = part or usual
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES.format(part=part, content_type=content_type))
        archive.writestr(
            "_rels/.rels",
            '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
            f'officeDocument" Target="{part}"/></Relationships>',
        )
        archive.writestr(part, "<w:document xmlns:w='urn:x'/>")
    return buffer.getvalue()


def xlsx() -> bytes:
    workbook = openpyxl.Workbook()
    workbook.active["A1"] = "หลักฐาน"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def odf(media_type: str, *, compressed: bool = False) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "mimetype", media_type, compress_type=zipfile.ZIP_DEFLATED if compressed else zipfile.ZIP_STORED
        )
        archive.writestr("content.xml", "<office:document-content xmlns:office='urn:x'/>")
        archive.writestr("META-INF/manifest.xml", "<manifest:manifest xmlns:manifest='urn:x'/>")
    return buffer.getvalue()


def ole(*streams: str) -> bytes:
    """A minimal OLE compound file (version 3, 512-byte sectors) holding the
    named streams (at most three), each of 4,096 bytes."""
    sectors = 8  # per stream: past the mini stream's cutoff
    fat = [0xFFFFFFFD, END_OF_CHAIN]  # the FAT itself, the directory
    for index in range(len(streams)):
        first = 2 + index * sectors
        fat += [*range(first + 1, first + sectors), END_OF_CHAIN]
    fat += [FREE] * (128 - len(fat))

    def entry(name="", kind=0, *, child=NOSTREAM, right=NOSTREAM, start=END_OF_CHAIN, size=0):
        encoded = name.encode("utf-16-le") + b"\0\0" if name else b""
        return struct.pack(
            "<64sHBBIII16sIQQIII",
            encoded,
            len(encoded),
            kind,
            1,
            NOSTREAM,
            right,
            child,
            bytes(16),
            0,
            0,
            0,
            start,
            size,
            0,
        )

    entries = [entry("Root Entry", 5, child=1 if streams else NOSTREAM)]
    for index, name in enumerate(streams):
        right = index + 2 if index + 1 < len(streams) else NOSTREAM
        entries.append(entry(name, 2, right=right, start=2 + index * sectors, size=sectors * 512))
    entries += [entry()] * (4 - len(entries))
    header = struct.pack(
        "<8s16sHHHHH6sIIIIIIIII",
        OLE_SIGNATURE,
        bytes(16),
        0x3E,
        3,
        0xFFFE,
        9,
        6,
        bytes(6),
        0,
        1,  # one FAT sector
        1,  # the directory's first sector
        0,
        4096,
        END_OF_CHAIN,
        0,
        END_OF_CHAIN,
        0,
    ) + struct.pack("<109I", 0, *[FREE] * 108)
    return header + struct.pack("<128I", *fat) + b"".join(entries) + b"x" * 4096 * len(streams)


OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def problem(extension: str, content: bytes) -> str | None:
    """Why the form refuses a file of this content and extension (in English),
    or None when it accepts it."""
    assert content_matches(extension, content[:8192]), extension
    with translation.override("en"):
        return office_problem(io.BytesIO(content), extension)


@pytest.mark.parametrize(
    "extension, content",
    [
        ("docx", ooxml("docx")),
        ("docx", ooxml("docx", part="word/document2.xml")),  # found by its content type
        ("xlsx", xlsx()),
        ("pptx", ooxml("pptx")),
        ("odt", odf("application/vnd.oasis.opendocument.text")),
        ("ods", odf("application/vnd.oasis.opendocument.spreadsheet")),
        ("odp", odf("application/vnd.oasis.opendocument.presentation")),
        ("doc", ole("WordDocument", "1Table")),
        ("xls", ole("Workbook")),
        ("xls", ole("Book")),  # Excel 5 and 95
        ("ppt", ole("PowerPoint Document", "Current User")),
    ],
)
def test_genuine_office_files_are_accepted(extension, content):
    assert problem(extension, content) is None


@pytest.mark.parametrize(
    "extension, content, message",
    [
        (
            "docx",
            office_zip("a.txt"),
            "The file is a plain ZIP archive, not a Word document (.docx) as its extension says.",
        ),
        (
            "docx",
            office_zip("word/document.xml"),
            "The file is a plain ZIP archive, not a Word document (.docx)",
        ),
        (
            "docx",
            xlsx(),
            "The file is an Excel workbook (.xlsx), not a Word document (.docx) as its extension says.",
        ),
        ("xlsx", ooxml("docx"), "The file is a Word document (.docx), not an Excel workbook (.xlsx)"),
        (
            "pptx",
            odf("application/vnd.oasis.opendocument.presentation"),
            "The file is an OpenDocument presentation (.odp), not a PowerPoint",
        ),
        (
            "odt",
            odf("application/vnd.oasis.opendocument.spreadsheet"),
            "The file is an OpenDocument spreadsheet (.ods), not an OpenDocument text (.odt)",
        ),
        (
            "odt",
            odf("application/vnd.oasis.opendocument.text", compressed=True),
            "The file is a plain ZIP archive, not an OpenDocument text (.odt)",
        ),
        ("odt", odf("application/vnd.oasis.opendocument.graphics"), "The file is a plain ZIP archive"),
        ("docx", ooxml("docx")[:-30], "The file is damaged: it cannot be opened as a Word document (.docx)."),
        (
            "doc",
            ole("Workbook"),
            "The file is an Excel 97–2003 workbook (.xls), not a Word 97–2003 document (.doc)",
        ),
        (
            "doc",
            ole("Contents"),
            "The file is a compound (OLE) file of another program, not a Word 97–2003",
        ),
        (
            "xls",
            ole("PowerPoint Document"),
            "The file is a PowerPoint 97–2003 presentation (.ppt), not an Excel 97–2003",
        ),
        ("ppt", ole("WordDocument"), "The file is a Word 97–2003 document (.doc), not a PowerPoint 97–2003"),
        ("doc", ole("EncryptionInfo", "EncryptedPackage"), "The file is protected by a password"),
        (
            "doc",
            OLE_SIGNATURE + bytes(600),
            "The file is damaged: it cannot be opened as a Word 97–2003 document (.doc).",
        ),
        ("doc", ole("WordDocument")[:1100], "The file is damaged"),  # cut inside its directory
    ],
)
def test_office_look_alikes_are_refused_saying_what_they_are(extension, content, message):
    assert problem(extension, content).startswith(message)


def test_a_password_protected_docx_is_an_ole_file_refused_by_its_first_bytes():
    assert not content_matches("docx", ole("EncryptionInfo", "EncryptedPackage"))


def test_a_zip_of_too_many_parts_is_refused_before_its_directory_is_read():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "")
        for number in range(11_000):
            archive.writestr(f"{number:x}", b"")
    assert (
        problem("docx", buffer.getvalue()) == "The file holds too many parts to be a Word document (.docx)."
    )


def test_content_types_with_entities_are_refused():
    laughs = '<?xml version="1.0"?><!DOCTYPE Types [<!ENTITY a "aaaaaaaaaa">]><Types>&a;</Types>'
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", laughs)
        archive.writestr("word/document2.xml", "<x/>")
    assert problem("docx", buffer.getvalue()).startswith("The file is damaged")


def test_the_form_refuses_an_xlsx_named_docx_and_accepts_a_docx(client, filled_project, editor_a):
    client.force_login(editor_a)
    client.cookies["django_language"] = "en"
    cell = filled_project.rounds.get().cells.first()
    url = reverse("assessment:cell", args=[filled_project.pk, 1, cell.pk])
    response = client.post(url, {"file": SimpleUploadedFile("report.docx", xlsx())})
    assert "The file is an Excel workbook (.xlsx), not a Word document (.docx)" in response.content.decode()
    assert not EvidenceFile.objects.exists()
    response = client.post(url, {"file": SimpleUploadedFile("report.docx", ooxml("docx"))})
    assert response.status_code == 302
    assert EvidenceFile.objects.get().cell == cell
