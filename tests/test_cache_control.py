"""Nothing private is cached: every page and download of a signed-in person
says `private, no-store`; the public verification page may be cached a
short while."""

import pytest
from django.urls import reverse

from certification import services as certification
from certification.models import Certificate, IssuedDossier
from tests.pages import agency_pages, institute_pages

pytestmark = pytest.mark.django_db


def assert_private(response, url):
    header = response.get("Cache-Control", "")
    assert "private" in header and "no-store" in header, (url, header)


def test_every_page_and_download_is_private(client, submitted_project, head_a, auditor, committee_member):
    client.force_login(head_a)
    issued = IssuedDossier.objects.get(project=submitted_project)
    urls = agency_pages(submitted_project) + [
        reverse("certification:dossier", args=[submitted_project.pk]),
        reverse("certification:dossier_issued", args=[submitted_project.pk, issued.pk]),
    ]
    for url in urls:
        assert_private(client.get(url), url)
    for user in (auditor, committee_member):
        client.force_login(user)
        for url in institute_pages(submitted_project):
            assert_private(client.get(url), url)
    client.logout()
    assert_private(client.get(reverse("login")), "login")


def test_the_public_verification_page_is_cached_briefly(client, submitted_project, committee_member):
    certification.project_decide(project_id=submitted_project.pk, user=committee_member, kind="certify")
    certificate = Certificate.objects.get()
    response = client.get(reverse("verify", args=[certificate.token]))
    assert response["Cache-Control"] in ("public, max-age=300", "max-age=300, public")
