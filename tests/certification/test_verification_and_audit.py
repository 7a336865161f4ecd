import base64
import datetime

import pytest
from django.urls import reverse

from certification import services as review
from certification.models import Certificate
from pso_site.lib.qr import qr_svg

pytestmark = pytest.mark.django_db


@pytest.fixture
def certificate(submitted_project, committee_member):
    review.project_decide(
        project_id=submitted_project.pk,
        user=committee_member,
        kind="certify",
        valid_from=datetime.date(2025, 10, 9),
    )
    return Certificate.objects.get()


def test_verification_page_shows_a_valid_certificate_without_login(client, certificate):
    page = client.get(reverse("verify", args=[certificate.token])).content.decode()
    assert certificate.number in page
    assert "สำนักงานจังหวัดลำปาง" in page and "P.S.O. 1101" in page
    assert "9 ตุลาคม 2568" in page and "8 ตุลาคม 2571" in page
    assert 'id="certificate-status">มีผล' in page


def test_verification_leaks_nothing_else(client, certificate):
    page = client.get(reverse("verify", args=[certificate.token])).content.decode()
    for private in ("เป็นหน่วยงานที่มีประสิทธิภาพ", "ภารกิจที่ 1", "100.00", "/projects/", "head_a"):
        assert private not in page


def test_expired_and_revoked_certificates_say_so(client, certificate):
    Certificate.objects.filter(pk=certificate.pk).update(
        valid_from=datetime.date(2001, 10, 9), valid_until=datetime.date(2004, 10, 8)
    )
    assert (
        'id="certificate-status">หมดอายุ'
        in client.get(reverse("verify", args=[certificate.token])).content.decode()
    )
    Certificate.objects.filter(pk=certificate.pk).update(
        revoked_at=datetime.datetime(2003, 1, 1, tzinfo=datetime.UTC)
    )
    assert (
        'id="certificate-status">ถูกเพิกถอน'
        in client.get(reverse("verify", args=[certificate.token])).content.decode()
    )


def test_unknown_tokens_are_404(client, certificate):
    assert client.get(reverse("verify", args=["not-a-token"])).status_code == 404
    assert client.get(reverse("verify", args=[certificate.number])).status_code == 404


def test_tokens_are_unguessable(certificate, submitted_project, committee_member):
    # At least 24 random bytes, URL-safe, and nothing of the certificate in it.
    raw = base64.urlsafe_b64decode(certificate.token + "=" * (-len(certificate.token) % 4))
    assert len(raw) >= 24
    assert certificate.number not in certificate.token
    assert str(certificate.project_id) != certificate.token


def test_certificate_page_carries_the_verification_qr_code(client, certificate, head_a):
    client.force_login(head_a)
    page = client.get(reverse("certification:certificate", args=[certificate.project_id])).content.decode()
    # The QR drawn on the page is the QR of this certificate's verification
    # address, and not of any other.
    assert qr_svg(certificate.verification_url()) in page
    assert qr_svg(certificate.verification_url() + "x") not in page
    assert certificate.verification_url().endswith(f"/verify/{certificate.token}/")


def test_auditor_reads_submitted_projects_and_downloads_the_dossier(client, submitted_project, auditor):
    client.force_login(auditor)
    listing = client.get(reverse("certification:audit"))
    assert submitted_project in list(listing.context["page"])
    for url in (
        reverse("assessment:project", args=[submitted_project.pk]),
        reverse("assessment:results", args=[submitted_project.pk]),
        reverse("plans:step", args=[submitted_project.pk, 7]),
        reverse("assessment:round", args=[submitted_project.pk, 1]),
    ):
        page = client.get(url).content.decode()
        assert "level-select" not in page and 'type="submit">บันทึก' not in page, url
    response = client.get(reverse("certification:dossier", args=[submitted_project.pk]))
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_auditors_never_see_drafts(client, ready_project, auditor):
    client.force_login(auditor)
    assert ready_project not in list(client.get(reverse("certification:audit")).context["page"])
    assert client.get(reverse("assessment:project", args=[ready_project.pk])).status_code == 404
    assert client.get(reverse("certification:dossier", args=[ready_project.pk])).status_code == 404


def test_auditors_and_committee_cannot_write_to_agency_steps(
    client, submitted_project, auditor, committee_member
):
    before = submitted_project.vision
    for user in (auditor, committee_member):
        client.force_login(user)
        response = client.post(reverse("assessment:step", args=[submitted_project.pk, 1]), {"vision": "x"})
        assert response.status_code == 404
    submitted_project.refresh_from_db()
    assert submitted_project.vision == before


def test_outsiders_and_anonymous_cannot_download(client, submitted_project, outsider):
    url = reverse("certification:dossier", args=[submitted_project.pk])
    assert client.get(url).status_code == 404
    client.force_login(outsider)
    assert client.get(url).status_code == 404
    assert client.get(reverse("certification:audit")).status_code == 404
    assert client.get(reverse("certification:committee_queue")).status_code == 404


def test_queue_filters_and_pages(client, submitted_project, committee_member):
    client.force_login(committee_member)
    url = reverse("certification:committee_queue")
    assert submitted_project in list(client.get(url).context["page"])
    assert submitted_project not in list(client.get(url, {"province": "เชียงใหม่"}).context["page"])
    assert submitted_project in list(
        client.get(url, {"province": "ลำปาง", "standard": submitted_project.standard_id}).context["page"]
    )
    assert submitted_project not in list(client.get(url, {"status": "certified"}).context["page"])


def test_queue_query_count_does_not_grow(
    client, submitted_project, committee_member, django_assert_max_num_queries, catalogue
):
    from agencies.models import Agency, Standard
    from assessment.models import Project
    from tests.utils import count_queries

    client.force_login(committee_member)
    url = reverse("certification:committee_queue")
    few = count_queries(client, url)
    standard = Standard.objects.get(code="1107")
    for number in range(15):
        agency = Agency.objects.create(
            code=f"a{number}", name_th=f"หน่วยงาน {number}", kind="department", province="ลำปาง"
        )
        Project.objects.create(agency=agency, standard=standard, fiscal_year=2025, status="submitted")
    with django_assert_max_num_queries(few):
        response = client.get(url)
    assert len(response.context["page"]) == 16
