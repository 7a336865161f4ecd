"""The public document check looks a file up before it reads it (issue 22,
A): an unknown file is answered at once from its SHA-256 and never parsed,
and even an issued document's record is read within a small budget. A PDF
built to inflate (a 300 MiB record deflated into a few hundred KB) or to nest
without end gets an answer, never a 500, quickly and in bounded memory."""

import functools
import hashlib
import io
import time
import tracemalloc
import zlib

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from certification import verification
from certification.models import IssuedDossier
from pso_site.lib import signing
from tests.conftest import pdf_of

pytestmark = pytest.mark.django_db

MiB = 1024 * 1024
SECONDS_ALLOWED = 5
PEAK_ALLOWED = 150 * MiB


def carrying(stream: bytes, filters: bytes = b"/Filter /FlateDecode") -> bytes:
    """A one-page PDF that embeds ``project.json`` as the given stream."""
    return pdf_of(
        [
            b"<< /Type /Catalog /Pages 2 0 R"
            b" /Names << /EmbeddedFiles << /Names [(project.json) 4 0 R] >> >> >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
            b"<< /Type /Filespec /F (project.json) /UF (project.json) /EF << /F 5 0 R >> >>",
            b"<< /Type /EmbeddedFile %s /Length %d >>\nstream\n" % (filters, len(stream))
            + stream
            + b"\nendstream",
        ]
    )


@functools.cache
def inflating_pdf(inflated: int = 300 * MiB) -> bytes:
    """An embedded ``project.json`` of zeros: ``inflated`` bytes once
    decompressed, about a thousandth of that in the file."""
    compressor = zlib.compressobj(9)
    zeros = bytes(MiB)
    return carrying(b"".join(compressor.compress(zeros) for _ in range(inflated // MiB)) + compressor.flush())


def nesting_pdf(depth: int = 100_000) -> bytes:
    """A name tree nested far deeper than any parser's stack."""
    return pdf_of(
        [
            b"<< /Type /Catalog /Pages 2 0 R /Names << /EmbeddedFiles << /Names [(project.json) "
            + b"[" * depth
            + b"]" * depth
            + b"] >> >> >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
        ]
    )


def measured(call):
    """The call's result, its time in seconds and its peak of Python memory."""
    tracemalloc.start()
    started = time.perf_counter()
    try:
        result = call()
        seconds = time.perf_counter() - started
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return result, seconds, peak


def warm(client):
    """The page once, so that what is measured is the file, not the first
    request of the process (loading templates takes about 1.5 s and 20 MB)."""
    assert client.get(reverse("verify_document")).status_code == 200


def post(client, data: bytes):
    upload = io.BytesIO(data)
    upload.name = "dossier.pdf"
    return client.post(reverse("verify_document"), {"document": upload}, REMOTE_ADDR="192.0.2.30")


def stored_as_issued(project, data: bytes) -> IssuedDossier:
    """``data`` stored as a ready issued document, signed by the institute
    when pyHanko can sign it (it cannot write a structure nested that deep):
    what the public check will then read."""
    try:
        signed = signing.sign_pdf(
            data, metadata=signing.Metadata(title="t", author="a", subject="s"), reason="r"
        )
    except RecursionError:
        signed = data
    issued = IssuedDossier(
        project=project,
        occasion=IssuedDossier.Occasion.SUBMISSION,
        status=IssuedDossier.Status.READY,
        sha256=hashlib.sha256(signed).hexdigest(),
        size=len(signed),
        signer=signing.identity().fingerprint,
        built_at=timezone.now(),
    )
    issued.file.save("hostile.pdf", ContentFile(signed), save=False)
    issued.save()
    return issued


@pytest.mark.parametrize("hostile", [inflating_pdf, nesting_pdf], ids=["inflating", "nesting"])
def test_an_unknown_hostile_file_is_answered_at_the_door(client, hostile):
    data = hostile()
    assert len(data) < MiB
    warm(client)
    response, seconds, peak = measured(lambda: post(client, data))
    page = response.content.decode()
    assert response.status_code == 200
    assert 'data-verdict="not-issued"' in page and hashlib.sha256(data).hexdigest() in page
    assert seconds < SECONDS_ALLOWED and peak < PEAK_ALLOWED, (seconds, peak)
    print(f"unknown {hostile.__name__}: {seconds:.3f} s, peak {peak / MiB:.1f} MB")


@pytest.mark.parametrize("hostile", [inflating_pdf, nesting_pdf], ids=["inflating", "nesting"])
def test_an_issued_hostile_file_is_read_within_the_budget(client, submitted_project, hostile):
    """Were such a file ever stored as issued (an archive's, say), reading
    it is still bounded: its record is left unread, and the answer comes."""
    issued = stored_as_issued(submitted_project, hostile())
    data = issued.file.read()
    warm(client)
    response, seconds, peak = measured(lambda: post(client, data))
    page = response.content.decode()
    assert response.status_code == 200 and 'id="verdict"' in page
    assert seconds < SECONDS_ALLOWED and peak < PEAK_ALLOWED, (seconds, peak)
    assert verification.check_document(data).record is None
    print(f"issued {hostile.__name__}: {seconds:.3f} s, peak {peak / MiB:.1f} MB")


def test_the_record_is_read_from_its_raw_stream_within_the_budget():
    record = b'{"format": "pso-project"}'
    small = carrying(zlib.compress(record))
    assert signing.embedded_files(small) == {"project.json": record}
    assert signing.embedded_files(small, max_bytes=len(record) - 1) == {}  # over the budget: left unread
    assert signing.embedded_files(carrying(record, filters=b"")) == {"project.json": record}
    # Another filter than Flate, or Flate with a predictor, is refused rather than decoded.
    assert signing.embedded_files(carrying(record.hex().encode() + b">", b"/Filter /ASCIIHexDecode")) == {}
    predicted = b"/Filter /FlateDecode /DecodeParms << /Predictor 12 /Columns 4 >>"
    assert signing.embedded_files(carrying(zlib.compress(record), predicted)) == {}
    assert signing.embedded_files(inflating_pdf()) == {}
    assert signing.embedded_files(nesting_pdf()) == {}
    assert signing.embedded_files(b"%PDF-1.7 not really") == {}
