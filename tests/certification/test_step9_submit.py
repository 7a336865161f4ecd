import pytest
from django.contrib.auth.models import AnonymousUser
from django.core import mail
from django.urls import reverse

from assessment.frame import ProjectState
from assessment.models import Assessment, Project
from assessment.services import round_score_store
from certification import readiness
from plans.models import Activity, ProgressUpdate

pytestmark = pytest.mark.django_db


def project_readiness(project):
    return readiness.project_readiness(ProjectState(project, AnonymousUser()))


def test_checklist_of_a_ready_project_blocks_nothing(ready_project):
    readiness = project_readiness(ready_project)
    assert readiness.ready, [(i.label, i.detail) for i in readiness.blocking]
    assert any(item.is_warning for item in readiness.items)  # the long-term activity still runs


def test_checklist_of_an_incomplete_project_names_what_blocks(planned_project):
    Assessment.objects.filter(round__project=planned_project).update(justification="")
    round_score_store(assessment_round=planned_project.rounds.get())  # as every save does
    readiness = project_readiness(planned_project)
    labels = [item.label for item in readiness.blocking]
    assert not readiness.ready
    assert any("ครบทุกช่อง" in label for label in labels)
    assert any("คะแนนรวมอย่างน้อย 70.00" in label for label in labels)  # 66.67 < 70


def test_a_blocked_activity_without_a_note_blocks_the_request(ready_project):
    activity = Activity.objects.filter(plan__project=ready_project, phase="long").get()
    ProgressUpdate.objects.create(activity=activity, status="blocked", percent=0, date="2026-02-01", note="")
    assert not project_readiness(ready_project).ready


def test_checklist_page_links_every_item(client, planned_project, editor_a):
    client.force_login(editor_a)
    page = client.get(reverse("certification:step9", args=[planned_project.pk])).content.decode()
    assert 'id="readiness-checklist"' in page
    assert "item-blocking" in page
    assert 'id="submit-form"' not in page


def test_only_the_head_submits(client, ready_project, editor_a, head_a):
    client.force_login(editor_a)
    page = client.get(reverse("certification:step9", args=[ready_project.pk])).content.decode()
    assert 'id="submit-form"' not in page
    assert (
        client.post(reverse("certification:submit", args=[ready_project.pk]), {"confirm": "yes"}).status_code
        == 404
    )
    ready_project.refresh_from_db()
    assert ready_project.status == Project.Status.DRAFT


def test_submission_needs_the_confirmation(client, ready_project, head_a):
    client.force_login(head_a)
    client.post(reverse("certification:submit", args=[ready_project.pk]), {})
    ready_project.refresh_from_db()
    assert ready_project.status == Project.Status.DRAFT


def test_a_project_that_is_not_ready_cannot_be_submitted(client, planned_project, head_a):
    client.force_login(head_a)
    response = client.post(
        reverse("certification:submit", args=[planned_project.pk]), {"confirm": "yes"}, follow=True
    )
    assert "ยังไม่ได้ยื่นขอการรับรอง" in response.content.decode()
    planned_project.refresh_from_db()
    assert planned_project.status == Project.Status.DRAFT


def test_the_head_submits_and_the_committee_is_notified(
    client, ready_project, head_a, committee_member, django_capture_on_commit_callbacks
):
    committee_member.email = "committee@example.go.th"
    committee_member.save()
    client.force_login(head_a)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("certification:submit", args=[ready_project.pk]), {"confirm": "yes"})
    assert response.status_code == 302
    ready_project.refresh_from_db()
    assert ready_project.status == Project.Status.SUBMITTED
    assert ready_project.submitted_by == head_a and ready_project.submitted_at
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["committee@example.go.th"]
    assert "P.S.O. 1101" in mail.outbox[0].subject


def test_the_checklist_says_what_step_8_says(client, ready_project, head_a):
    """Issue 23: step 8 said short-term activities were open while the
    checklist said nothing of them. Step 8's state is now a line of the
    checklist (a warning: it does not block the request)."""
    from django.urls import reverse

    from plans.models import Activity, ProgressUpdate

    ProgressUpdate.objects.filter(activity__phase=Activity.Phase.SHORT).delete()
    client.force_login(head_a)
    page = client.get(reverse("certification:step9", args=[ready_project.pk]))
    readiness = page.context["readiness"]
    step8 = [
        item for item in readiness.items if item.url == reverse("plans:step", args=[ready_project.pk, 8])
    ]
    line = next(item for item in step8 if "8" in str(item.label))
    assert not line.ok and not line.blocking and line.detail
    assert readiness.ready  # a warning, not a block
