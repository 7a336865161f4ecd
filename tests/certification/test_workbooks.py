"""Results, plans and the institute's lists as workbooks and CSV: numbers
from the scoring engine as numbers, dates as dates in the Buddhist era,
Thai that Excel shows, and no text that runs as a formula."""

import csv
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from agencies.models import Agency
from assessment import results
from assessment.scoring import to_display
from pso_site.lib.xlsx import BE_DATE

pytestmark = pytest.mark.django_db


def workbook(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return load_workbook(io.BytesIO(response.content))


def test_the_results_workbook_holds_the_engines_numbers(client, filled_project, viewer_a):
    client.force_login(viewer_a)
    book = workbook(client.get(reverse("assessment:results_workbook", args=[filled_project.pk])))
    criteria = book.worksheets[0]
    score = results.round_score(filled_project.rounds.get())
    rows = results.criterion_rows(results.ProjectData.load(filled_project), score)
    first = rows[0]
    assert criteria["A4"].value == first.criterion.name
    assert criteria["C4"].value == float(to_display(first.level)) and criteria["C4"].number_format == "0.00"
    assert criteria["D4"].value == float(to_display(first.points))
    assert str(to_display(score.total)) in criteria["A1"].value
    missions = book.worksheets[1]
    assert missions.max_row == 1 + filled_project.missions.count()


def test_the_plans_workbook_has_real_dates_in_the_buddhist_era(client, ready_project, viewer_a):
    client.force_login(viewer_a)
    book = workbook(client.get(reverse("plans:workbook", args=[ready_project.pk])))
    activities, progress = book.worksheets
    start = activities["E2"]
    assert start.is_date and start.number_format == BE_DATE
    assert progress.max_row == 2  # the one progress update of the fixture


@pytest.fixture
def hostile_agency(submitted_project):
    Agency.objects.filter(pk=submitted_project.agency_id).update(name_th='=HYPERLINK("http://x","คลิก")')
    return submitted_project


def test_the_lists_download_every_match_as_xlsx_and_csv(client, hostile_agency, committee_member, auditor):
    client.force_login(committee_member)
    book = workbook(client.get(reverse("certification:committee_queue") + "?download=xlsx"))
    sheet = book.worksheets[0]
    assert sheet.max_row == 2
    name = sheet["A2"]
    assert name.data_type == "s" and name.value.startswith("=HYPERLINK") and name.quotePrefix
    assert sheet["F2"].is_date and sheet["F2"].number_format.startswith("[$-107041E]")
    assert sheet["G2"].value == 100.0 and sheet["G2"].number_format == "0.00"
    client.force_login(auditor)
    response = client.get(reverse("certification:audit") + "?q=ไม่มีหน่วยงานนี้&download=csv")
    assert response.content.startswith(b"\xef\xbb\xbf")  # the BOM Excel needs for Thai
    assert len(list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))) == 1  # the filter holds
    response = client.get(reverse("certification:audit") + "?download=csv")
    header, row = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert header[0] == "หน่วยงาน"
    assert row[0].startswith("'=HYPERLINK")  # cannot run as a formula
    submitted = timezone.localtime(hostile_agency.submitted_at)
    assert header[6].startswith(header[5]) and header[6] != header[5]  # "… (B.E.)" beside the ISO dates
    assert row[5] == submitted.strftime("%Y-%m-%d %H:%M")  # ISO 8601: the same in every spreadsheet
    assert row[6].startswith(f"{submitted.day} ") and f" {submitted.year + 543} " in row[6]
    assert row[7] == "100.00"


def test_an_outsider_gets_404_for_the_workbooks(client, filled_project, outsider):
    client.force_login(outsider)
    for url in (
        reverse("assessment:results_workbook", args=[filled_project.pk]),
        reverse("plans:workbook", args=[filled_project.pk]),
        reverse("assessment:workbook", args=[filled_project.pk, 1]),
        reverse("certification:archive", args=[filled_project.pk]),
    ):
        assert client.get(url).status_code == 404, url
