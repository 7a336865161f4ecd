"""Anyone checks a certificate by the number printed on it: the same facts
as its QR page, nothing else; unknown numbers are said so; a flood of
guesses from one address is slowed down."""

import pytest
from django.urls import reverse

from certification.models import Certificate
from certification.services import project_decide
from certification.views.certificates import LOOKUPS_PER_WINDOW

pytestmark = pytest.mark.django_db
LOOKUP = reverse("verify_lookup")


@pytest.fixture
def certificate(submitted_project, committee_member):
    project_decide(project_id=submitted_project.pk, user=committee_member, kind="certify")
    return Certificate.objects.get(project=submitted_project)


def test_a_typed_number_shows_what_the_qr_page_shows(client, certificate):
    typed = " " + certificate.number.lower() + " "
    response = client.get(LOOKUP, {"number": typed})
    assert response.status_code == 200
    by_number = response.content.decode()
    by_token = client.get(reverse("verify", args=[certificate.token])).content.decode()
    section = lambda page: page[page.index('id="verification"') : page.index("</dl>")]  # noqa: E731
    assert section(by_number) == section(by_token)
    assert certificate.token not in by_number


def test_an_unknown_number_is_said_so_and_kept(client, certificate):
    response = client.get(LOOKUP, {"number": "PSO-1101-2599-9999"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "ไม่มีใบรับรองหมายเลขนี้" in page  # no certificate has this number
    assert 'value="PSO-1101-2599-9999"' in page


def test_the_empty_page_asks_for_a_number(client):
    response = client.get(LOOKUP)
    assert response.status_code == 200
    assert 'name="number"' in response.content.decode()
    assert "is-invalid" not in response.content.decode()


def test_too_many_lookups_from_one_address_are_refused(client, certificate):
    for _attempt in range(LOOKUPS_PER_WINDOW):
        assert client.get(LOOKUP, {"number": "PSO-0000"}).status_code == 200
    refused = client.get(LOOKUP, {"number": certificate.number})
    assert refused.status_code == 429
    assert certificate.project.agency.name not in refused.content.decode()
    other = client.get(LOOKUP, {"number": certificate.number}, REMOTE_ADDR="192.0.2.7")
    assert other.status_code == 200
