"""The PDF dossier of the demo Lampang project."""

import hashlib

import pytest
from django.core.management import call_command
from django.urls import reverse
from pypdf import PdfReader

from certification import dossier
from certification.models import IssuedDossier
from pso_site.demo import demo_seed
from pso_site.lib.pdf import embedded_fonts, extract_text

pytestmark = [pytest.mark.django_db, pytest.mark.pdf]


def squeeze(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture
def demo(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return demo_seed(password="pw")


def test_demo_dossier_text_numbers_font_and_bytes(client, demo, tmp_path):
    historic = demo["historic"]
    issued = historic.dossiers.get(occasion=IssuedDossier.Occasion.DECISION)
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
    assert "ฉบับร่าง" not in text
    assert any("Sarabun" in name for name in embedded_fonts(data))
    pages = len(PdfReader(issued.file.path).pages)
    assert 10 <= pages <= 80

    client.force_login(historic.agency.memberships.get(role="head").user)
    first = b"".join(client.get(reverse("certification:dossier", args=[historic.pk])).streaming_content)
    second = b"".join(client.get(reverse("certification:dossier", args=[historic.pk])).streaming_content)
    assert first == second == data

    output = tmp_path / "dossier.pdf"
    call_command("build_dossier", str(historic.pk), output=output)
    assert output.read_bytes() == data


def test_draft_dossiers_are_watermarked(client, demo):
    renewal = demo["renewal"]
    draft = dossier.dossier_pdf(renewal, draft=True)
    text = extract_text(draft)
    assert "ฉบับร่าง" in text
    assert "สำนักงานจังหวัดลำปาง" in text
    client.force_login(renewal.agency.memberships.get(role="editor").user)
    response = client.get(reverse("certification:dossier", args=[renewal.pk]))
    assert response["Content-Type"] == "application/pdf"
    assert not renewal.dossiers.exists()  # a preview is not issued
