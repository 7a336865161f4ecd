"""Dossiers never block a request: they are built by the task worker
(django-tasks, stored in the database), and a draft is kept under the hash
of its content — served at once while the project is unchanged, built
again after an edit (from the parts that did not change and those that
did: tests/certification/test_draft_parts.py)."""

import time

import pytest
from django.core.management import call_command
from django.urls import reverse

from certification import drafts, rendering, services
from certification.models import DraftDossier, IssuedDossier
from tests.conftest import _stand_in_pdf

pytestmark = pytest.mark.django_db

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default", "mail"]}}


@pytest.fixture
def task_queue(settings):
    """The production backend: tasks wait in the database for a worker
    (django-tasks follows the setting's change)."""
    settings.TASKS = DATABASE_TASKS


def run_worker():
    """The worker, in the test's own connection: its periodic check for old
    connections would close the test's open transaction (PostgreSQL), so it
    is switched off here; a real worker has its own connection."""
    from unittest import mock

    with mock.patch("django_tasks_db.management.commands.db_worker.close_old_connections"):
        call_command("task_worker", "--batch", "--no-startup-delay", "--queue-name", "*", verbosity=0)


def test_a_decision_returns_while_its_dossier_waits_for_the_worker(
    submitted_project, committee_member, task_queue, django_capture_on_commit_callbacks, monkeypatch
):
    from django_tasks_db.models import DBTaskResult

    def slow(html, **kwargs):
        time.sleep(2)
        return _stand_in_pdf(html)

    monkeypatch.setattr(rendering, "render_archival_pdf", slow)
    started = time.perf_counter()
    with django_capture_on_commit_callbacks(execute=True):
        decision = services.project_decide(
            project_id=submitted_project.pk, user=committee_member, kind="certify"
        )
    assert time.perf_counter() - started < 1.5  # the 2-second render did not happen here
    issued = IssuedDossier.objects.get(decision=decision, kind=IssuedDossier.Kind.DOSSIER)
    assert issued.status == IssuedDossier.Status.PENDING
    assert DBTaskResult.objects.filter(status="READY").count() >= 2  # the dossier and the e-mail
    run_worker()
    issued.refresh_from_db()
    assert issued.status == IssuedDossier.Status.READY


def test_the_draft_is_built_once_and_reused_until_the_project_changes(
    client, ready_project, editor_a, django_capture_on_commit_callbacks, monkeypatch
):
    builds = []
    real = drafts.draft_build_pdf

    def counting(**kwargs):
        builds.append(1)
        return real(**kwargs)

    monkeypatch.setattr(drafts, "draft_build_pdf", counting)
    client.force_login(editor_a)
    url = reverse("certification:dossier", args=[ready_project.pk])
    page = client.get(url)
    assert (
        'id="draft-status"' in page.content.decode() and not DraftDossier.objects.exists()
    )  # a GET starts nothing
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("certification:draft_prepare", args=[ready_project.pk]))
    assert client.get(url)["Content-Type"] == "application/pdf"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("certification:draft_prepare", args=[ready_project.pk]))  # unchanged: a hit
    assert len(builds) == 1 and DraftDossier.objects.count() == 1
    # An edit changes the content: the kept draft no longer answers.
    step1 = reverse("assessment:step", args=[ready_project.pk, 1])
    token = client.get(step1).context["snapshot_token"]
    client.post(step1, {"snapshot": token, "vision": "วิสัยทัศน์ใหม่"})
    assert 'id="draft-status"' in client.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("certification:draft_prepare", args=[ready_project.pk]))
    assert len(builds) == 2 and DraftDossier.objects.count() == 1  # the old draft is dropped
    assert client.get(url)["Content-Type"] == "application/pdf"


def test_a_pending_draft_page_refreshes_itself(client, ready_project, editor_a, task_queue):
    client.force_login(editor_a)
    client.post(reverse("certification:draft_prepare", args=[ready_project.pk]))
    page = client.get(reverse("certification:dossier", args=[ready_project.pk])).content.decode()
    assert 'http-equiv="refresh"' in page and "spinner-border" in page


def test_the_worker_waits_out_a_database_restart(
    submitted_project, committee_member, task_queue, django_capture_on_commit_callbacks
):
    """The database refuses the worker's first look at the queue (a restart):
    the stock ``db_worker`` would exit; ``task_worker`` waits and builds the dossier."""
    from unittest import mock

    from django.db import OperationalError
    from django_tasks_db.models import DBTaskResultQuerySet

    with django_capture_on_commit_callbacks(execute=True):
        decision = services.project_decide(
            project_id=submitted_project.pk, user=committee_member, kind="certify"
        )
    original = DBTaskResultQuerySet.get_locked
    calls = []

    def shutting_down(self):
        calls.append(1)
        if len(calls) == 1:
            raise OperationalError("the database system is shutting down")
        return original(self)

    with (
        mock.patch.object(DBTaskResultQuerySet, "get_locked", shutting_down),
        mock.patch("pso_site.management.commands.task_worker.time.sleep") as sleep,
        mock.patch("pso_site.management.commands.task_worker.connections"),
    ):
        run_worker()
    sleep.assert_called_once()
    assert {d.status for d in IssuedDossier.objects.filter(decision=decision)} == {IssuedDossier.Status.READY}


def test_the_demo_queues_its_documents_to_the_worker(task_queue, settings, tmp_path, signing_identity):
    """Issue 24: ``seed_demo`` writes the demo in seconds and leaves its issued
    documents to the task worker, which then builds every one."""
    import io

    from django.test import override_settings

    with override_settings(DEBUG=True):
        call_command("seed_demo", "--without-cohort", "--password", "demo-pw", stdout=io.StringIO())
    issued = IssuedDossier.objects.all()
    assert issued.exists() and set(issued.values_list("status", flat=True)) == {"pending"}
    run_worker()
    assert set(IssuedDossier.objects.values_list("status", flat=True)) == {"ready"}
