"""The evidence travels inside the issued dossier (issue 25): each file an
associated file, byte for byte the stored one, opened from its name on the
evidence page, named and described, within a size budget above which the
largest files are listed, not embedded, and the dossier says so."""

import hashlib
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from pypdf import PdfReader

from assessment import services as assessment
from certification.models import IssuedDossier
from pso_site.lib.pdf import extract_text

pytestmark = pytest.mark.django_db

FILES = [
    ("ภาพถ่ายการประชุม.jpg", b"\xff\xd8\xff\xe0" + b"J" * 3000, "image/jpeg"),
    ("รายงานผล 2568.pdf", b"%PDF-1.4\n" + b"P" * 9000 + b"\n%%EOF\n", "application/pdf"),
    ("บันทึก.pdf", b"%PDF-1.4\n" + b"Q" * 500 + b"\n%%EOF\n", "application/pdf"),
]


@pytest.fixture
def with_evidence(ready_project, editor_a):
    cells = list(ready_project.rounds.get().cells.order_by("pk")[:3])
    for cell, (name, content, kind) in zip(cells, FILES, strict=True):
        assessment.evidence_attach(
            project_id=ready_project.pk,
            round_number=cell.round.number,
            cell_id=cell.pk,
            user=editor_a,
            upload=SimpleUploadedFile(name, content, content_type=kind),
            sha256=hashlib.sha256(content).hexdigest(),
            content_type=kind,
        )
    return ready_project


def issued_submission(project, head_a, capture) -> bytes:
    from certification.services import project_submit

    with capture(execute=True):
        project_submit(project_id=project.pk, user=head_a)
    return IssuedDossier.objects.get(project=project, kind="dossier", occasion="submission").file.read()


def attachments(data: bytes) -> dict[str, tuple[bytes, object, str]]:
    """The files linked from the pages: name → (bytes, spec, page number)."""
    reader = PdfReader(io.BytesIO(data))
    found = {}
    for number, page in enumerate(reader.pages):
        for annotation in page.get("/Annots", []):
            annotation = annotation.get_object()
            if annotation.get("/Subtype") == "/FileAttachment":
                spec = annotation["/FS"].get_object()
                found[str(spec["/UF"])] = (spec["/EF"]["/F"].get_object().get_data(), spec, number)
    return found


@pytest.mark.pdf
def test_every_evidence_file_is_inside_byte_for_byte(
    with_evidence, head_a, django_capture_on_commit_callbacks
):
    data = issued_submission(with_evidence, head_a, django_capture_on_commit_callbacks)
    found = attachments(data)
    assert set(found) == {name for name, _content, _kind in FILES}
    evidence_page = next(
        number
        for number, page in enumerate(PdfReader(io.BytesIO(data)).pages)
        if "รายการหลักฐาน" in (page.extract_text() or "")
    )
    for name, content, kind in FILES:
        inside, spec, page = found[name]
        assert inside == content  # byte for byte the stored file
        assert spec["/AFRelationship"] == "/Supplement" and hashlib.sha256(content).hexdigest() in str(
            spec["/Desc"]
        )
        assert spec["/EF"]["/F"].get_object()["/Subtype"] == "/" + kind
        assert page >= evidence_page  # opened from the page that lists it
    root = PdfReader(io.BytesIO(data)).trailer["/Root"]
    associated = [reference.get_object() for reference in root["/AF"]]
    assert {str(spec["/UF"]) for spec in associated} >= {name for name, _c, _k in FILES} | {"project.json"}
    assert len(root["/AF"]) == len({reference.idnum for reference in root["/AF"]})


@pytest.mark.pdf
def test_over_the_budget_the_largest_are_listed_not_embedded(
    with_evidence, head_a, settings, django_capture_on_commit_callbacks
):
    settings.DOSSIER_EVIDENCE_BUDGET = 5000  # the photograph and the note fit; the report does not
    data = issued_submission(with_evidence, head_a, django_capture_on_commit_callbacks)
    assert set(attachments(data)) == {"ภาพถ่ายการประชุม.jpg", "บันทึก.pdf"}
    text = "".join(extract_text(data).split())  # Thai wraps anywhere: compared without spaces
    assert "รายงานผล2568.pdf(ไม่ได้แนบไว้ในแฟ้ม)" in text
    assert "ไฟล์หลักฐานที่ใหญ่ที่สุด1ไฟล์ไม่ได้แนบไว้ในแฟ้มนี้" in text and "ไม่เกิน4.9KB" in text


def test_a_file_that_no_longer_matches_its_digest_is_not_embedded(with_evidence, caplog):
    from certification.dossier import evidence_resources, evidence_to_embed

    embedded, left_out = evidence_to_embed(with_evidence)
    assert len(embedded) == 3 and left_out == []
    changed = embedded[0]
    with open(changed.file.path, "wb") as handle:
        handle.write(b"changed on the disk")
    resources = evidence_resources(embedded)
    assert len(resources) == 2 and f"pso-evidence:{changed.sha256}" not in resources
    assert "does not match its SHA-256" in caplog.text
