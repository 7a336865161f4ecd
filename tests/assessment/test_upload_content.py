"""Uploads are what they say they are (checked by filetype), and a body over
the limit is dropped before its file is stored."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from assessment.evidence import content_matches
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
