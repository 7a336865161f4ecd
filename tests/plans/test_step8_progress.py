import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from assessment import services
from assessment.models import Assessment, AssessmentRound, EvidenceFile
from plans.models import Activity, ActivityEvidence, ProgressUpdate
from tests.factories import fill_round
from tests.utils import count_queries

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n%%EOF\n"


def activity_url(project, activity):
    return reverse("plans:activity", args=[project.pk, activity.pk])


def test_progress_with_an_evidence_file_is_recorded_and_listed(
    client, planned_project, editor_a, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    activity = Activity.objects.filter(plan__project=planned_project).first()
    client.force_login(editor_a)
    response = client.post(
        activity_url(planned_project, activity),
        {
            "status": "in_progress",
            "percent": "40",
            "date": "2025-08-20",
            "note": "เริ่มเก็บข้อมูล",
            "file": SimpleUploadedFile("รายงาน.pdf", PDF),
        },
    )
    assert response.status_code == 302
    update = ProgressUpdate.objects.get()
    assert (update.status, update.percent) == ("in_progress", 40)
    evidence = ActivityEvidence.objects.get()
    assert evidence.original_name == "รายงาน.pdf" and len(evidence.sha256) == 64
    page = client.get(activity_url(planned_project, activity)).content.decode()
    assert "เริ่มเก็บข้อมูล" in page and "รายงาน.pdf" in page


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"status": "in_progress", "percent": "140"}, "100"),
        ({"status": "done", "percent": "80"}, "กิจกรรมที่เสร็จแล้วต้องได้ร้อยละ 100"),
        ({"status": "blocked", "percent": "20", "note": ""}, "โปรดระบุว่าอะไรทำให้กิจกรรมติดขัด"),
    ],
)
def test_bad_progress_is_refused_with_a_message(client, planned_project, editor_a, data, message):
    activity = Activity.objects.filter(plan__project=planned_project).first()
    client.force_login(editor_a)
    response = client.post(activity_url(planned_project, activity), {"date": "2025-08-20", **data})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not ProgressUpdate.objects.exists()


def test_plan_overview_counts_done_activities_and_highlights_overdue_ones(client, planned_project, editor_a):
    short = Activity.objects.get(plan__project=planned_project, phase="short")
    client.force_login(editor_a)
    page = client.get(reverse("plans:step", args=[planned_project.pk, 8])).content.decode()
    assert "เสร็จแล้ว 0 จาก 2 กิจกรรม" in page
    assert "overdue" in page  # ended 30 Sep 2025, not done
    ProgressUpdate.objects.create(activity=short, status="done", percent=100, date=datetime.date(2025, 9, 30))
    page = client.get(reverse("plans:step", args=[planned_project.pk, 8])).content.decode()
    assert "เสร็จแล้ว 1 จาก 2 กิจกรรม" in page
    assert "table-danger overdue" not in page


def test_a_new_round_is_prefilled_and_the_previous_one_is_frozen(client, planned_project, editor_a):
    first = planned_project.rounds.get()
    client.force_login(editor_a)
    response = client.post(reverse("assessment:round_start", args=[planned_project.pk]))
    assert response.status_code == 302
    second = AssessmentRound.objects.get(project=planned_project, number=2)
    assert list(
        second.cells.order_by("mission_id", "indicator_id").values_list("level", "justification")
    ) == list(first.cells.order_by("mission_id", "indicator_id").values_list("level", "justification"))
    # Round 1 is read-only now: the page shows no inputs and a save changes nothing.
    page = client.get(reverse("assessment:round", args=[planned_project.pk, 1])).content.decode()
    assert "level-select" not in page
    cell = first.cells.first()
    client.post(
        reverse("assessment:round", args=[planned_project.pk, 1]),
        {f"level-{cell.pk}": "0", f"just-{cell.pk}": "x"},
    )
    cell.refresh_from_db()
    assert cell.level == 2
    # Evidence cannot be added to a frozen round either.
    response = client.post(
        reverse("assessment:cell", args=[planned_project.pk, 1, cell.pk]),
        {"file": SimpleUploadedFile("a.pdf", PDF)},
    )
    assert response.status_code == 302
    assert not EvidenceFile.objects.filter(cell=cell).exists()


def test_a_new_round_needs_the_previous_one_complete(client, planned_project, editor_a):
    Assessment.objects.filter(round__project=planned_project).update(justification="")
    services.round_score_store(assessment_round=planned_project.rounds.get())
    client.force_login(editor_a)
    client.post(reverse("assessment:round_start", args=[planned_project.pk]))
    assert planned_project.rounds.count() == 1


def test_results_compare_baseline_latest_and_target(client, planned_project, editor_a):
    second = services.round_create(
        project=planned_project, user=editor_a, prefill_from=planned_project.rounds.get()
    )
    fill_round(second, level=3)
    client.force_login(editor_a)
    response = client.get(reverse("assessment:results", args=[planned_project.pk]))
    page = response.content.decode()
    assert 'id="round-comparison"' in page
    assert "66.67" in page and "100.00" in page
    assert page.count("<polygon") >= 3 + 3  # rings + baseline, latest and target


def test_results_query_count_does_not_grow_with_rounds(
    client, planned_project, editor_a, django_assert_max_num_queries
):
    client.force_login(editor_a)
    url = reverse("assessment:results", args=[planned_project.pk])
    second = services.round_create(
        project=planned_project, user=editor_a, prefill_from=planned_project.rounds.get()
    )
    few = count_queries(client, url)
    previous = second
    for _ in range(4):
        previous = services.round_create(project=planned_project, user=editor_a, prefill_from=previous)
    with django_assert_max_num_queries(few):
        client.get(url)


def test_two_people_recording_progress_both_land(planned_project, editor_a, head_a):
    activity = Activity.objects.filter(plan__project=planned_project).first()
    for user, note in ((editor_a, "ครั้งที่หนึ่ง"), (head_a, "ครั้งที่สอง")):
        session = Client()
        session.force_login(user)
        session.post(
            activity_url(planned_project, activity),
            {"status": "in_progress", "percent": "30", "date": "2025-08-20", "note": note},
        )
    assert set(ProgressUpdate.objects.values_list("note", flat=True)) == {"ครั้งที่หนึ่ง", "ครั้งที่สอง"}


def test_done_with_no_percent_is_100(client, planned_project, editor_a):
    """Issue 23: "done" did not fill 100 % (the page fills it as the status is chosen; the server too)."""
    activity = Activity.objects.filter(plan__project=planned_project).first()
    client.force_login(editor_a)
    data = {"status": "done", "percent": "", "date": "2025-08-20"}
    assert client.post(activity_url(planned_project, activity), data).status_code == 302
    assert ProgressUpdate.objects.get().percent == 100


def test_a_percent_left_empty_is_asked_for_unless_done(client, planned_project, editor_a):
    activity = Activity.objects.filter(plan__project=planned_project).first()
    client.force_login(editor_a)
    data = {"status": "in_progress", "percent": "", "date": "2025-08-20"}
    response = client.post(activity_url(planned_project, activity), data)
    assert response.status_code == 200 and "ระบุร้อยละที่ทำเสร็จ" in response.content.decode()
    assert not ProgressUpdate.objects.exists()
