"""The printable certificate: one A4 page in Thai with the agency, the
standard, the number and the validity in the Buddhist era, read back from
the PDF; revoked and expired certificates say so on the page."""

import datetime

import pytest
from django.urls import reverse
from pypdf import PdfReader

from agencies.models import AccessEvent
from certification.models import Certificate
from certification.services import certificate_revoke, project_decide
from pso_site.lib.pdf import extract_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def certificate(submitted_project, committee_member):
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
    assert f'filename="{certificate.number}.pdf"' in response["Content-Disposition"]
    pdf = b"".join(response.streaming_content) if response.streaming else response.content
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
def test_a_revoked_certificate_prints_as_revoked(client, certificate, committee_member, auditor):
    certificate_revoke(certificate_id=certificate.pk, user=committee_member, reason="ยกเลิกตามคำสั่ง")
    client.force_login(auditor)
    response = client.get(reverse("certification:certificate_pdf", args=[certificate.project_id]))
    assert "ใบรับรองนี้ถูกเพิกถอนเมื่อ" in " ".join(extract_text(response.content).split())


def test_the_agency_text_stays_out_of_the_style_sheet(certificate):
    from certification.printing import certificate_html

    agency = certificate.project.agency
    agency.name_th = 'x}</style><style>@import url("http://evil.example/")</style>'
    agency.save()
    certificate.refresh_from_db()
    html = certificate_html(Certificate.objects.select_related("project__agency").get(pk=certificate.pk))
    style = html[html.index("<style>") : html.index("</style>")]
    assert "evil" not in style
    assert "evil.example" not in html.split("</style>", 1)[1].split("<body>")[0]
    assert "&lt;/style&gt;" in html
