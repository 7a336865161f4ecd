"""The committee's view reaches the agency, and the committee sees what
changed since it asked for changes."""

import pytest
from django.urls import reverse

from certification.services import project_submit
from tests.utils import decide, page_form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def sent_back(client, submitted_project, committee_member, django_capture_on_commit_callbacks):
    client.force_login(committee_member)
    with django_capture_on_commit_callbacks(execute=True):
        decide(
            client,
            submitted_project,
            "request_changes",
            reason="โปรดทบทวนภารกิจ",
            level_coverage="2.5",
            comment_coverage="ควรเพิ่มหลักฐานความครอบคลุม",
            step_coverage="3",
        )
    submitted_project.refresh_from_db()
    assert submitted_project.status == "changes_requested"
    return submitted_project


def test_the_agency_reads_the_committees_levels_comments_and_reason(client, sent_back, head_a, viewer_a):
    client.force_login(viewer_a)
    page = client.get(reverse("certification:committee_view", args=[sent_back.pk])).content.decode()
    assert "โปรดทบทวนภารกิจ" in page and "ควรเพิ่มหลักฐานความครอบคลุม" in page
    assert "2.50" in page  # the committee's level
    assert f'href="{reverse("assessment:step", args=[sent_back.pk, 3])}"' in page  # the step it concerns
    notice = client.get(reverse("assessment:project", args=[sent_back.pk])).content.decode()
    assert "ควรเพิ่มหลักฐานความครอบคลุม" in notice
    assert reverse("certification:committee_view", args=[sent_back.pk]) in notice


def test_the_committee_sees_what_changed_since_it_asked(
    client, sent_back, head_a, editor_a, committee_member, django_capture_on_commit_callbacks
):
    project = sent_back
    client.force_login(editor_a)  # as the agency does, through the page
    step1 = reverse("assessment:step", args=[project.pk, 1])
    data = page_form_data(client.get(step1), "form")
    client.post(step1, {**data, "vision": "วิสัยทัศน์ที่แก้ไขตามคณะกรรมการ"})
    with django_capture_on_commit_callbacks(execute=True):
        project_submit(project_id=project.pk, user=head_a)
    client.force_login(committee_member)
    page = client.get(reverse("certification:review", args=[project.pk])).content.decode()
    assert 'id="changes-since-asked"' in page and "โปรดทบทวนภารกิจ" in page
    assert "วิสัยทัศน์ที่แก้ไขตามคณะกรรมการ" in page


def client_token(client, user, project):
    client.force_login(user)
    return client.get(reverse("assessment:step", args=[project.pk, 1])).context["snapshot_token"]


def test_an_outsider_gets_404(client, sent_back, outsider):
    client.force_login(outsider)
    assert client.get(reverse("certification:committee_view", args=[sent_back.pk])).status_code == 404
