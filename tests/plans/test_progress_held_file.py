"""A file chosen in a progress update refused for another field is not
dropped: it is held for that person and that activity, named on the page,
attached when the update is saved, or let go on request."""

import hashlib
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from plans.models import Activity, ActivityEvidence, ProgressUpdate

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n% progress report\n%%EOF\n"
GOOD = {"status": "in_progress", "percent": "40", "date": "2025-08-20", "note": "เริ่มเก็บข้อมูล"}


@pytest.fixture
def url(planned_project):
    activity = Activity.objects.filter(plan__project=planned_project).order_by("pk").first()
    return reverse("plans:activity", args=[planned_project.pk, activity.pk])


def held_token(response) -> str:
    match = re.search(r'<input type="hidden" name="held_file" value="([^"]+)">', response.content.decode())
    assert match, "no held file on the page"
    return match.group(1)


def refused_with_file(client, url, name="รายงาน.pdf", content=PDF):
    response = client.post(url, {**GOOD, "percent": "140", "file": SimpleUploadedFile(name, content)})
    assert response.status_code == 200
    return response


def test_a_file_chosen_with_refused_progress_is_named_and_attached_on_save(client, url, editor_a):
    client.cookies["django_language"] = "en"
    client.force_login(editor_a)
    response = refused_with_file(client, url)
    page = response.content.decode()
    assert 'id="held-file"' in page and "File chosen: รายงาน.pdf" in page
    assert not ActivityEvidence.objects.exists()
    response = client.post(url, {**GOOD, "held_file": held_token(response)})
    assert response.status_code == 302
    evidence = ActivityEvidence.objects.get()
    assert evidence.original_name == "รายงาน.pdf"
    assert evidence.sha256 == hashlib.sha256(PDF).hexdigest() and evidence.size == len(PDF)
    assert evidence.file.read() == PDF
    assert evidence.update == ProgressUpdate.objects.get()


def test_a_held_file_stays_through_another_refusal(client, url, editor_a):
    client.force_login(editor_a)
    token = held_token(refused_with_file(client, url))
    again = client.post(url, {**GOOD, "status": "done", "percent": "80", "held_file": token})
    assert again.status_code == 200 and held_token(again) == token
    assert client.post(url, {**GOOD, "held_file": token}).status_code == 302
    assert ActivityEvidence.objects.get().original_name == "รายงาน.pdf"


def test_a_held_file_can_be_let_go(client, url, editor_a):
    client.force_login(editor_a)
    token = held_token(refused_with_file(client, url))
    response = client.post(url, {**GOOD, "held_file": token, "held_file_clear": "on"})
    assert response.status_code == 302
    assert ProgressUpdate.objects.exists() and not ActivityEvidence.objects.exists()


def test_a_file_chosen_again_replaces_the_held_one(client, url, editor_a):
    client.force_login(editor_a)
    token = held_token(refused_with_file(client, url))
    newer = SimpleUploadedFile("ฉบับแก้ไข.pdf", PDF + b"%")
    assert client.post(url, {**GOOD, "held_file": token, "file": newer}).status_code == 302
    assert ActivityEvidence.objects.get().original_name == "ฉบับแก้ไข.pdf"


def test_a_held_file_is_for_its_person_only(client, url, editor_a, head_a):
    client.force_login(editor_a)
    token = held_token(refused_with_file(client, url))
    client.force_login(head_a)
    assert client.post(url, {**GOOD, "held_file": token}).status_code == 302
    assert not ActivityEvidence.objects.exists()


def test_the_form_opened_afresh_holds_no_file(client, url, editor_a):
    client.force_login(editor_a)
    refused_with_file(client, url)
    assert 'id="held-file"' not in client.get(url).content.decode()


def test_a_refused_file_is_not_held(client, url, editor_a):
    client.force_login(editor_a)
    response = client.post(url, {**GOOD, "percent": "140", "file": SimpleUploadedFile("x.exe", b"MZ")})
    assert response.status_code == 200 and 'id="held-file"' not in response.content.decode()


def test_a_held_file_let_go_is_gone_even_when_the_rest_is_refused(client, url, editor_a):
    client.force_login(editor_a)
    token = held_token(refused_with_file(client, url))
    again = client.post(url, {**GOOD, "percent": "140", "held_file": token, "held_file_clear": "on"})
    assert again.status_code == 200 and 'id="held-file"' not in again.content.decode()
    assert client.post(url, {**GOOD, "held_file": token}).status_code == 302
    assert not ActivityEvidence.objects.exists()
