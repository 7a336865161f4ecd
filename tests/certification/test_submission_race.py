"""Submission is final even under concurrency. While a submission holds the
project's row lock, every write path waits for it, then finds the project
submitted and is refused: the submitted record stays exactly as submitted.
(PostgreSQL: SQLite serialises all writers anyway.)"""

import datetime
import threading

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import close_old_connections, connection, transaction

from assessment import services as assessment
from assessment.access import ProjectReadOnly
from assessment.concurrency import snapshot_token
from assessment.grid import grid_token
from assessment.models import Assessment, Mission, Project
from assessment.snapshots import STEP_SECTIONS, round_cells
from assessment.writes import lock_project
from plans import services as plans
from plans.models import Activity, Plan
from tests.test_get_changes_nothing import everything

pytestmark = pytest.mark.django_db(transaction=True)


def write_paths(project, editor):
    """Every way the agency changes a project, each with a valid token."""
    tokens = {number: snapshot_token(STEP_SECTIONS[number].snapshot(project)) for number in (1, 3, 4)}
    latest = assessment.latest_round(project)
    cell = Assessment.objects.filter(round=latest).first()
    cells_token = grid_token(round_cells(latest), assessment_round=latest)
    plan = Plan.objects.get(project=project)
    activity = Activity.objects.filter(plan=plan).first()
    rows = [
        assessment.MissionRow(m.pk, m.code, m.name, m.category, m.points)
        for m in Mission.objects.filter(project=project).order_by("order")
    ]
    activity_values = plans.activity_input_of(activity)
    common = {"user": editor}
    return {
        "step 1": lambda: assessment.vision_save(
            project_id=project.pk, token=tokens[1], vision="ใหม่", **common
        ),
        "step 3": lambda: assessment.missions_save(
            project_id=project.pk, token=tokens[3], budgets=project.budgets(), rows=rows, **common
        ),
        "step 4": lambda: assessment.weights_save(
            project_id=project.pk,
            token=tokens[4],
            weights={c.code: c.weight for c in project.criteria.all()},
            **common,
        ),
        "grid": lambda: assessment.round_cells_save(
            project_id=project.pk,
            round_number=latest.number,
            token=cells_token,
            values={cell.pk: (0, "x")},
            **common,
        ),
        "evidence": lambda: assessment.evidence_attach(
            project_id=project.pk,
            round_number=latest.number,
            cell_id=cell.pk,
            upload=SimpleUploadedFile("a.pdf", b"%PDF-1.4 x"),
            sha256="0" * 64,
            content_type="application/pdf",
            **common,
        ),
        "new round": lambda: assessment.round_start(project_id=project.pk, **common),
        "targets": lambda: plans.targets_save(
            project_id=project.pk,
            token=snapshot_token(plans.targets_snapshot(project)),
            targets={c.code: 2 for c in project.criteria.all()},
            **common,
        ),
        "new plan": lambda: plans.plan_create(
            project_id=project.pk, name="แผนใหม่", approach="", criterion_ids=[], **common
        ),
        "plan edit": lambda: plans.plan_update(
            project_id=project.pk,
            plan_id=plan.pk,
            token=snapshot_token(plans.plan_section(plan.pk).snapshot(project)),
            name="เปลี่ยน",
            approach="",
            criterion_ids=[],
            **common,
        ),
        "new activity": lambda: plans.activity_create(
            project_id=project.pk, values=activity_values, **common
        ),
        "activity edit": lambda: plans.activity_update(
            project_id=project.pk,
            activity_id=activity.pk,
            token=snapshot_token(plans.activity_section(activity.pk).snapshot(project)),
            values=activity_values,
            **common,
        ),
        "activity delete": lambda: plans.activity_delete(
            project_id=project.pk,
            activity_id=activity.pk,
            token=snapshot_token(plans.activity_section(activity.pk).snapshot(project)),
            **common,
        ),
        "progress": lambda: plans.progress_record(
            project_id=project.pk,
            activity_id=activity.pk,
            status="done",
            percent=100,
            date=datetime.date(2025, 9, 30),
            note="",
            **common,
        ),
        "plan delete": lambda: plans.plan_delete(
            project_id=project.pk,
            plan_id=plan.pk,
            token=snapshot_token(plans.plan_section(plan.pk).snapshot(project)),
            **common,
        ),
    }


def test_every_write_waits_for_a_submission_and_is_refused(ready_project, editor_a, settings, tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers: the race needs PostgreSQL")
    settings.MEDIA_ROOT = tmp_path
    project = ready_project
    paths = write_paths(project, editor_a)
    before = everything()
    outcomes = {}
    for name, write in paths.items():
        held, release = threading.Event(), threading.Event()

        def submit(held=held, release=release):
            # As the head's submission does: lock, change the status, commit later.
            try:
                with transaction.atomic():
                    lock_project(project.pk)
                    Project.objects.filter(pk=project.pk).update(status=Project.Status.SUBMITTED)
                    held.set()
                    release.wait(10)
            finally:
                close_old_connections()

        def attempt(name=name, write=write):
            try:
                write()
                outcomes[name] = "written"
            except ProjectReadOnly:
                outcomes[name] = "refused"
            except Exception as error:  # pragma: no cover - reported below
                outcomes[name] = repr(error)
            finally:
                close_old_connections()

        submitter = threading.Thread(target=submit)
        submitter.start()
        assert held.wait(10)
        writer = threading.Thread(target=attempt)
        writer.start()
        writer.join(0.5)
        assert writer.is_alive(), f"{name} did not wait for the lock"
        release.set()
        submitter.join(10)
        writer.join(10)
        Project.objects.filter(pk=project.pk).update(status=Project.Status.DRAFT)
    assert outcomes == {name: "refused" for name in paths}
    after = everything()
    # Only the project's own row was touched (by the submissions above).
    assert {key: value for key, value in after.items() if key != "assessment.project"} == {
        key: value for key, value in before.items() if key != "assessment.project"
    }
