"""The PDF dossier of the demo Lampang project."""

import hashlib
import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from pypdf import PdfReader

from certification import dossier
from certification.models import IssuedDossier
from pso_site.demo import demo_seed
from pso_site.lib import signing
from pso_site.lib.pdf import embedded_fonts, extract_text

pytestmark = [pytest.mark.django_db, pytest.mark.pdf]


def squeeze(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture
def demo(django_capture_on_commit_callbacks, monkeypatch):
    """The demo, seeded with the cheap PDF stand-in; then the documents the
    tests read are built again with WeasyPrint."""
    from tests.conftest import _stand_in_pdf

    with monkeypatch.context() as patch:
        patch.setattr("pso_site.lib.pdf._render_with_weasyprint", _stand_in_pdf)
        with django_capture_on_commit_callbacks(execute=True):
            demo = demo_seed(password="pw")
    # The decision's dossier and certificate, rendered for real.
    for issued in demo["historic"].dossiers.filter(occasion=IssuedDossier.Occasion.DECISION):
        issued.file.delete(save=False)
        IssuedDossier.objects.filter(pk=issued.pk).update(
            status=IssuedDossier.Status.PENDING, sha256="", size=None
        )
        dossier.dossier_build(issued_id=issued.pk)
    return demo


def test_the_demo_dossiers_issued_and_draft(client, demo, tmp_path):
    historic = demo["historic"]
    issued = historic.dossiers.get(occasion=IssuedDossier.Occasion.DECISION, kind=IssuedDossier.Kind.DOSSIER)
    data = issued.file.read()
    assert hashlib.sha256(data).hexdigest() == issued.sha256

    text = squeeze(extract_text(data))
    for expected in (
        "สำนักงานจังหวัดลำปาง",
        "ความครอบคลุม",
        "40.93",
        "86.67",
        "96.67",
        "9 ตุลาคม 2544",
        "8 ตุลาคม 2547",
        "PSO-1101-2544-0001",
        "งานวางแผนและโครงการ",
        "หน้า 1 /",
    ):
        assert expected in text, expected
    assert any("Sarabun" in name for name in embedded_fonts(data))
    # Signed by the institute, PDF/A-3b, with the project's record inside.
    assert signing.check_signature(data).sound and issued.signer == signing.identity().fingerprint
    assert "project.json" in signing.embedded_files(data)
    pages = len(PdfReader(issued.file.path).pages)
    # No draft watermark (the word appears only where the history says the
    # status left "draft"), and the cover says the dossier was issued.
    assert text.count("ฉบับร่าง") < pages
    assert "(ฉบับร่าง)" not in text and "ออกเอกสารเมื่อ" in text
    assert 10 <= pages <= 80

    client.force_login(historic.agency.memberships.get(role="head").user)
    first = b"".join(client.get(reverse("certification:dossier", args=[historic.pk])).streaming_content)
    second = b"".join(client.get(reverse("certification:dossier", args=[historic.pk])).streaming_content)
    assert first == second == data

    output = tmp_path / "dossier.pdf"
    call_command("build_dossier", str(historic.pk), output=output)
    assert output.read_bytes() == data


def test_the_demo_certificate_is_signed_and_reads_back_in_thai(demo):
    issued = demo["historic"].dossiers.get(kind=IssuedDossier.Kind.CERTIFICATE)
    data = issued.file.read()
    assert signing.check_signature(data).sound and issued.signer == signing.identity().fingerprint
    text = squeeze(extract_text(data))
    for expected in (
        "ใบรับรองมาตรฐาน",
        "สำนักงานจังหวัดลำปาง",
        "PSO-1101-2544-0001",
        "9 ตุลาคม 2544",
        "8 ตุลาคม 2547",
    ):
        assert expected in text, expected
    assert "ออกเมื่อ 9 ตุลาคม 2544" in text and "ลงลายมือชื่ออิเล็กทรอนิกส์โดยสถาบัน" in text


def test_a_draft_is_watermarked_on_every_page_and_not_issued(
    client, planned_project, editor_a, django_capture_on_commit_callbacks
):
    client.force_login(editor_a)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("certification:draft_prepare", args=[planned_project.pk]))
    response = client.get(reverse("certification:dossier", args=[planned_project.pk]))
    assert response["Content-Type"] == "application/pdf"
    draft = b"".join(response.streaming_content)
    text = extract_text(draft)
    assert text.count("ฉบับร่าง") >= len(PdfReader(io.BytesIO(draft)).pages)
    assert "สำนักงานจังหวัดลำปาง" in text
    assert not planned_project.dossiers.exists()  # a preview is not issued


@pytest.mark.django_db
def test_a_dossier_names_each_of_two_indicators_of_a_criterion(project, editor_a):
    from assessment import services
    from tests.factories import add_indicators, add_missions, fill_round, fill_weights

    add_missions(project, 3)
    fill_weights(project)
    add_indicators(project, 2)
    fill_round(services.round_create(project=project, user=editor_a))
    text = squeeze(extract_text(dossier.dossier_pdf(project, draft=True)))
    first = project.criteria.order_by("order").first()
    assert f"1.1 {first.name_th} ตัวชี้วัด {first.code} 1" in text
    assert f"1.2 {first.name_th} ตัวชี้วัด {first.code} 2" in text  # the legend tells them apart
    assert f"1.2 ตัวชี้วัด {first.code} 2" in text  # and so does each justification


def test_a_line_never_starts_with_mai_yamok():
    assert dossier.keep_mai_yamok("<p>หน่วยงานต่าง ๆ ในจังหวัด</p>") == "<p>หน่วยงานต่าง\u00a0ๆ ในจังหวัด</p>"
