"""The plans of steps 7–8 as downloads: a workbook with the activities and
every progress update, or one of those tables as CSV (``?table=``), for
whoever reads the project; each download is in the access log."""

import csv
import datetime
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from agencies.models import AccessEvent
from plans.models import Activity, ProgressUpdate

pytestmark = pytest.mark.django_db


def workbook_url(project):
    return reverse("plans:workbook", args=[project.pk])


def csv_url(project):
    return reverse("plans:csv", args=[project.pk])


def rows_of(response) -> list[list[str]]:
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"].startswith("text/csv")
    assert response.content.startswith(b"\xef\xbb\xbf")  # the BOM Excel needs for Thai
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_the_activities_csv_has_a_row_per_activity_with_its_latest_progress(client, ready_project, viewer_a):
    client.force_login(viewer_a)
    response = client.get(csv_url(ready_project))
    assert (
        response["Content-Disposition"]
        == 'attachment; filename="pso-1101-agency-a-2568-plans-activities.csv"'
    )
    header, *rows = rows_of(response)
    assert header[:3] == ["แผนงาน", "เกณฑ์", "กิจกรรม"]
    start = header.index("วันเริ่มต้น")
    assert header[start + 1] == "วันเริ่มต้น (พ.ศ.)"
    short, long = rows  # in order of their start dates
    assert short[0] == "แผนงานที่ 1" and short[2] == "จัดทำฐานข้อมูลทุกภารกิจ"
    assert short[start : start + 2] == ["2025-08-01", "1 ส.ค. 2568"]
    assert "นายสมชาย หัวหน้าฝ่าย" in short
    assert short[-3:] == ["100", "2025-09-30", "30 ก.ย. 2568"]  # done, on the day of the last update
    assert long[2] == "พัฒนาระบบข้อมูลอย่างต่อเนื่อง" and long[-3:] == ["0", "", ""]  # not started


def test_the_progress_csv_has_every_update_with_who_gave_it(client, ready_project, editor_a):
    activity = Activity.objects.get(plan__project=ready_project, phase=Activity.Phase.LONG)
    ProgressUpdate.objects.create(
        activity=activity, status="in_progress", percent=20, date=datetime.date(2026, 2, 1),
        note="=1+1 เริ่มแล้ว", created_by=editor_a,
    )  # fmt: skip
    client.force_login(editor_a)
    response = client.get(csv_url(ready_project), {"table": "progress"})
    assert response["Content-Disposition"].endswith('-plans-progress.csv"')
    header, *rows = rows_of(response)
    assert len(rows) == 2
    update = next(row for row in rows if row[1] == "พัฒนาระบบข้อมูลอย่างต่อเนื่อง")
    assert update[2:4] == ["2026-02-01", "1 ก.พ. 2569"]
    assert "'=1+1 เริ่มแล้ว" in update  # cannot run as a formula
    assert update[-1] == "Editor_A"


def test_the_workbook_holds_both_tables(client, ready_project, head_a):
    client.force_login(head_a)
    response = client.get(workbook_url(ready_project))
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="pso-1101-agency-a-2568-plans.xlsx"'
    activities, progress = load_workbook(io.BytesIO(response.content)).worksheets
    assert [activities.cell(row=row, column=3).value for row in (2, 3)] == [
        "จัดทำฐานข้อมูลทุกภารกิจ",
        "พัฒนาระบบข้อมูลอย่างต่อเนื่อง",
    ]
    assert activities["E2"].value == datetime.datetime(2025, 8, 1)
    assert progress.max_row == 2 and progress["E2"].value == 100


def test_a_project_without_plans_downloads_the_headers_only(client, filled_project, editor_a):
    client.force_login(editor_a)
    assert len(rows_of(client.get(csv_url(filled_project)))) == 1
    activities, progress = load_workbook(
        io.BytesIO(client.get(workbook_url(filled_project)).content)
    ).worksheets
    assert activities.max_row == progress.max_row == 1


def test_a_table_that_does_not_exist_is_a_404(client, ready_project, editor_a):
    client.force_login(editor_a)
    assert client.get(csv_url(ready_project), {"table": "budgets"}).status_code == 404


def test_each_download_is_in_the_access_log(client, ready_project, viewer_a):
    client.force_login(viewer_a)
    client.get(workbook_url(ready_project))
    client.get(csv_url(ready_project), {"table": "progress"})
    subjects = AccessEvent.objects.filter(user=viewer_a, action=AccessEvent.Action.EXPORT).order_by("pk")
    assert [subject.rsplit(" · ", 1)[1] for subject in subjects.values_list("subject", flat=True)] == [
        "plans.xlsx",
        "plans-progress.csv",
    ]


def test_an_outsider_gets_404_and_nothing_is_logged(client, ready_project, outsider):
    client.force_login(outsider)
    assert client.get(workbook_url(ready_project)).status_code == 404
    assert client.get(csv_url(ready_project)).status_code == 404
    assert not AccessEvent.objects.filter(user=outsider, action=AccessEvent.Action.EXPORT).exists()


def test_the_committee_downloads_a_submitted_project_not_a_draft(
    client, ready_project, head_a, committee_member
):
    from certification.services import project_submit

    client.force_login(committee_member)
    assert client.get(csv_url(ready_project)).status_code == 404
    project_submit(project_id=ready_project.pk, user=head_a)
    assert len(rows_of(client.get(csv_url(ready_project)))) == 3


def test_the_downloads_take_no_post(client, ready_project, editor_a):
    client.force_login(editor_a)
    assert client.post(workbook_url(ready_project)).status_code == 405
    assert client.post(csv_url(ready_project)).status_code == 405
