"""The printable certificate: one A4 page in Thai with the agency, the
standard, the number and the validity in the Buddhist era, read back from
the PDF, issued and signed at certification; a revocation issues a new one
that says so and names the one it replaces, which never changes."""

import datetime
import hashlib

import pytest
from django.urls import reverse
from pypdf import PdfReader

from agencies.models import AccessEvent
from certification.models import Certificate, IssuedDossier
from certification.services import certificate_revoke, project_decide
from pso_site.lib import signing
from pso_site.lib.pdf import extract_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def certificate(submitted_project, committee_member, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        project_decide(
            project_id=submitted_project.pk,
            user=committee_member,
            kind="certify",
            valid_from=datetime.date(2025, 10, 9),
        )
    return Certificate.objects.get(project=submitted_project)


@pytest.mark.pdf
def test_the_printed_certificate_reads_back_in_thai(client, certificate, head_a, tmp_path):
    client.force_login(head_a)
    response = client.get(reverse("certification:certificate_pdf", args=[certificate.project_id]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    issued = IssuedDossier.objects.get(project=certificate.project, kind=IssuedDossier.Kind.CERTIFICATE)
    assert f'filename="{certificate.number}-{issued.sha256[:8]}.pdf"' in response["Content-Disposition"]
    pdf = b"".join(response.streaming_content)
    assert hashlib.sha256(pdf).hexdigest() == issued.sha256 == response["X-Content-SHA256"]
    signature = signing.check_signature(pdf)
    assert signature.sound and signature.signer_fingerprint == signing.identity().fingerprint == issued.signer
    (tmp_path / "certificate.pdf").write_bytes(pdf)
    assert len(PdfReader(tmp_path / "certificate.pdf").pages) == 1
    text = " ".join(extract_text(pdf).split())
    assert certificate.number in text
    assert "สำนักงานจังหวัดลำปาง" in text
    assert "9 ตุลาคม 2568" in text  # valid from, B.E.
    assert "8 ตุลาคม 2571" in text  # valid until: three years less a day
    assert "ใบรับรองมาตรฐาน" in text
    assert "หมดอายุ" not in text and "เพิกถอน" not in text
    assert AccessEvent.objects.filter(user=head_a, action=AccessEvent.Action.CERTIFICATE).exists()


@pytest.mark.pdf
def test_a_revoked_certificate_prints_as_revoked(
    client, certificate, committee_member, auditor, django_capture_on_commit_callbacks
):
    first = IssuedDossier.objects.get(project=certificate.project, kind=IssuedDossier.Kind.CERTIFICATE)
    first_bytes = first.file.read()
    with django_capture_on_commit_callbacks(execute=True):
        certificate_revoke(certificate_id=certificate.pk, user=committee_member, reason="ยกเลิกตามคำสั่ง")
    client.force_login(auditor)
    response = client.get(reverse("certification:certificate_pdf", args=[certificate.project_id]))
    pdf = b"".join(response.streaming_content)
    text = " ".join(extract_text(pdf).split())
    assert "ใบรับรองนี้ถูกเพิกถอนเมื่อ" in text
    assert "ฉบับนี้แทนฉบับที่ออกเมื่อ" in text and first.sha256[:16] in text
    again = IssuedDossier.objects.get(project=certificate.project, kind="certificate", occasion="revocation")
    assert again.replaces == first and signing.check_signature(pdf).sound
    # The first one is untouched: same record, same bytes.
    first.refresh_from_db()
    assert first.file.read() == first_bytes and hashlib.sha256(first_bytes).hexdigest() == first.sha256
    # The dossier is issued again too, naming the decision's.
    dossier = IssuedDossier.objects.get(project=certificate.project, kind="dossier", occasion="revocation")
    assert dossier.replaces.occasion == "decision" and dossier.is_ready


def test_the_agency_text_stays_out_of_the_style_sheet(certificate):
    from certification.printing import certificate_html

    agency = certificate.project.agency
    agency.name_th = 'x}</style><style>@import url("http://evil.example/")</style>'
    agency.save()
    certificate.refresh_from_db()
    issued = IssuedDossier.objects.get(project=certificate.project, kind=IssuedDossier.Kind.CERTIFICATE)
    html = certificate_html(
        Certificate.objects.select_related("project__agency").get(pk=certificate.pk), issued=issued
    )
    style = html[html.index("<style>") : html.index("</style>")]
    assert "evil" not in style
    assert "evil.example" not in html.split("</style>", 1)[1].split("<body>")[0]
    assert "&lt;/style&gt;" in html
