"""Agencies start in the app (issue 23): the standards administrator creates
an agency on a page of the product — Thai name first, its ministry or
department, its province, a code suggested when none is typed — and may
invite its first head there, which a second institute person confirms."""

import pytest
from django.core import mail
from django.urls import reverse

from agencies.models import Agency, Invitation

pytestmark = pytest.mark.django_db
URL = reverse("agencies:agency_create")


@pytest.fixture
def ministry(db):
    return Agency.objects.create(code="moi", name_th="กระทรวงมหาดไทย", kind=Agency.Kind.MINISTRY)


def test_the_standards_administrator_creates_an_agency_with_a_suggested_code(
    client, standards_admin, ministry
):
    client.force_login(standards_admin)
    assert client.get(URL).status_code == 200
    response = client.post(
        URL,
        {"name_th": " สำนักงานพัฒนาชุมชนจังหวัดลำปาง ", "kind": "provincial_office",
         "parent": ministry.pk, "province": "ลำปาง", "code": ""},
    )  # fmt: skip
    assert response.status_code == 302
    agency = Agency.objects.get(name_th="สำนักงานพัฒนาชุมชนจังหวัดลำปาง")
    assert agency.code.startswith("agency-") and agency.parent == ministry and agency.province == "ลำปาง"
    assert not Invitation.objects.exists()
    page = client.get(reverse("agencies:people_history")).content.decode()
    assert "สำนักงานพัฒนาชุมชนจังหวัดลำปาง" in page  # among the agencies without a head


def test_the_first_head_is_invited_from_the_same_page_and_waits_for_confirmation(
    client, standards_admin, ministry, django_capture_on_commit_callbacks
):
    client.force_login(standards_admin)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            URL,
            {"name_th": "สำนักงานใหม่", "kind": "department", "parent": ministry.pk, "code": "new-office",
             "head_email": "Head@New.go.th"},
        )  # fmt: skip
    invitation = Invitation.objects.get(agency__code="new-office")
    assert invitation.email == "head@new.go.th" and invitation.awaiting_confirmation
    assert mail.outbox == []


def test_a_bad_code_or_a_missing_name_is_said_in_thai_and_keeps_what_was_typed(
    client, standards_admin, ministry
):
    Agency.objects.create(code="taken", name_th="มีแล้ว", kind="department")
    client.force_login(standards_admin)
    for code, message in (("ลำปาง", "ใช้ตัวอักษรภาษาอังกฤษ"), ("taken", "มีหน่วยงานอื่นใช้รหัสนี้แล้ว")):
        response = client.post(URL, {"name_th": "สำนักงานทดสอบ", "kind": "department", "code": code})
        page = response.content.decode()
        assert response.status_code == 200 and message in page and 'value="สำนักงานทดสอบ"' in page
    response = client.post(URL, {"name_th": "  ", "kind": "department"})
    assert "พิมพ์ชื่อหน่วยงานเป็นภาษาไทย" in response.content.decode()
    assert Agency.objects.count() == 2


def test_nobody_else_creates_an_agency(client, head_a, committee_member, auditor):
    for person in (head_a, committee_member, auditor):
        client.force_login(person)
        assert client.get(URL).status_code == 404
        assert client.post(URL, {"name_th": "x", "kind": "department"}).status_code == 404
    assert not Agency.objects.filter(name_th="x").exists()
