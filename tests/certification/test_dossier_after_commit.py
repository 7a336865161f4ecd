"""Submission and decision commit first; the dossier is built after the
commit, never under the project's lock. A rendering failure never undoes a
decision: the dossier is marked failed, leaves no file, and can be retried."""

import pytest
from django.db import connection
from django.urls import reverse

from assessment.models import Project
from certification import rendering, services
from certification.models import Decision, IssuedDossier
from tests.conftest import _stand_in_pdf

pytestmark = pytest.mark.django_db


def test_the_dossier_is_pending_until_the_transaction_commits(
    ready_project, head_a, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.project_submit(project_id=ready_project.pk, user=head_a)
    issued = IssuedDossier.objects.get(project=ready_project)
    assert issued.status == IssuedDossier.Status.PENDING and not issued.file
    for callback in callbacks:
        callback()
    issued.refresh_from_db()
    assert issued.status == IssuedDossier.Status.READY and issued.sha256 and issued.file


def test_a_rendering_failure_leaves_the_decision_recorded_and_the_dossier_failed(
    client,
    submitted_project,
    committee_member,
    head_a,
    monkeypatch,
    django_capture_on_commit_callbacks,
    settings,
):
    def broken(*args, **kwargs):
        raise RuntimeError("renderer out of memory")

    working = rendering.render_archival_pdf
    monkeypatch.setattr(rendering, "render_archival_pdf", broken)
    with django_capture_on_commit_callbacks(execute=True):
        decision = services.project_decide(
            project_id=submitted_project.pk, user=committee_member, kind="certify"
        )
    submitted_project.refresh_from_db()
    assert submitted_project.status == Project.Status.CERTIFIED
    assert Decision.objects.filter(pk=decision.pk).exists()
    issued = IssuedDossier.objects.get(decision=decision, kind=IssuedDossier.Kind.DOSSIER)
    assert issued.status == IssuedDossier.Status.FAILED
    assert "renderer out of memory" in issued.error and issued.error.startswith("rendering:")
    assert not issued.file
    media = settings.MEDIA_ROOT / "dossiers" / str(submitted_project.pk)
    assert len(list(media.iterdir())) == 1  # the submission's dossier only: no orphan

    # The project page says so, and the head can try again once rendering works.
    monkeypatch.setattr(rendering, "render_archival_pdf", working)
    client.force_login(head_a)
    page = client.get(reverse("assessment:project", args=[submitted_project.pk])).content.decode()
    assert "จัดทำไม่สำเร็จ" in page
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("certification:dossier_retry", args=[submitted_project.pk, issued.pk]))
    issued.refresh_from_db()
    assert issued.status == IssuedDossier.Status.READY


def test_a_failed_dossier_cannot_be_downloaded_and_others_cannot_retry(
    client, submitted_project, viewer_a, outsider
):
    issued = IssuedDossier.objects.get(project=submitted_project)
    IssuedDossier.objects.filter(pk=issued.pk).update(
        status=IssuedDossier.Status.FAILED, file="", sha256="", size=None
    )
    client.force_login(viewer_a)
    assert (
        client.get(
            reverse("certification:dossier_issued", args=[submitted_project.pk, issued.pk])
        ).status_code
        == 404
    )
    assert (
        client.post(
            reverse("certification:dossier_retry", args=[submitted_project.pk, issued.pk])
        ).status_code
        == 404
    )
    client.force_login(outsider)
    assert (
        client.post(
            reverse("certification:dossier_retry", args=[submitted_project.pk, issued.pk])
        ).status_code
        == 404
    )


@pytest.mark.django_db(transaction=True)
def test_no_pdf_is_rendered_inside_a_transaction(ready_project, head_a, committee_member, monkeypatch):
    seen = []

    def watch(html, **kwargs):
        seen.append(connection.in_atomic_block)
        return _stand_in_pdf(html)

    monkeypatch.setattr(rendering, "render_archival_pdf", watch)
    services.project_submit(project_id=ready_project.pk, user=head_a)
    services.project_decide(project_id=ready_project.pk, user=committee_member, kind="certify")
    assert seen == [False, False, False]  # the submission's dossier, the decision's, the certificate
    assert IssuedDossier.objects.filter(project=ready_project, status=IssuedDossier.Status.READY).count() == 3
