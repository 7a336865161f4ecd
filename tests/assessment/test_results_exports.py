"""The results page as downloads: a workbook of every table and one table
as CSV, of the latest round or of the round asked for (``?round=``), with the
numbers the page shows; each download is in the access log."""

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from agencies.models import AccessEvent
from assessment import services
from tests.factories import add_indicators, add_missions, fill_round, fill_weights

pytestmark = pytest.mark.django_db


def workbook_url(project):
    return reverse("assessment:results_workbook", args=[project.pk])


def csv_url(project):
    return reverse("assessment:results_csv", args=[project.pk])


def rows_of(response) -> list[list[str]]:
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"].startswith("text/csv")
    assert response.content.startswith(b"\xef\xbb\xbf")  # the BOM Excel needs for Thai
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


@pytest.fixture
def two_rounds(filled_project, editor_a):
    """Round 1 at level 2 everywhere (66.67), round 2 at level 3 (100)."""
    second = services.round_create(
        project=filled_project, user=editor_a, prefill_from=filled_project.rounds.get()
    )
    fill_round(second, level=3)
    return filled_project


def test_the_workbook_holds_the_latest_round_and_the_rounds_compared(client, two_rounds, viewer_a):
    client.force_login(viewer_a)
    response = client.get(workbook_url(two_rounds))
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="pso-1101-agency-a-2568-results-2.xlsx"'
    book = load_workbook(io.BytesIO(response.content))
    criteria, missions, rounds = book.worksheets
    assert "100.00" in criteria["A1"].value
    levels = [row[2] for row in criteria.iter_rows(min_row=4, values_only=True)]
    assert levels == [3.0] * two_rounds.criteria.count()
    assert missions.max_row == 1 + two_rounds.missions.count()
    assert [cell.value for cell in rounds[2]][1:3] == [2.0, 3.0]  # round 1, round 2 of the first criterion


def test_an_earlier_round_is_exported_as_it_was(client, two_rounds, editor_a):
    client.force_login(editor_a)
    response = client.get(workbook_url(two_rounds), {"round": "1"})
    assert response["Content-Disposition"].endswith('-results-1.xlsx"')
    criteria = load_workbook(io.BytesIO(response.content)).worksheets[0]
    assert "66.67" in criteria["A1"].value
    assert {row[2] for row in criteria.iter_rows(min_row=4, values_only=True)} == {2.0}


def test_the_csv_is_the_criteria_table_by_default_and_the_others_when_asked(client, two_rounds, viewer_a):
    client.force_login(viewer_a)
    response = client.get(csv_url(two_rounds))
    assert response["Content-Disposition"].endswith('-results-2-criteria.csv"')
    header, *rows = rows_of(response)
    assert header[0] == "เกณฑ์" and len(rows) == two_rounds.criteria.count()
    first = two_rounds.criteria.order_by("order").first()
    assert rows[0][:3] == [first.name_th, f"{first.weight:.2f}", "3.00"]
    header, *rows = rows_of(client.get(csv_url(two_rounds), {"table": "missions"}))
    assert [row[0] for row in rows] == list(
        two_rounds.missions.order_by("order").values_list("code", flat=True)
    )
    header, *rows = rows_of(client.get(csv_url(two_rounds), {"table": "rounds", "round": "1"}))
    assert len(header) == 4 and rows[0][1:3] == ["2.00", "3.00"]


def test_there_is_no_table_of_rounds_with_one_round_nor_any_other_table(client, filled_project, editor_a):
    client.force_login(editor_a)
    assert client.get(csv_url(filled_project), {"table": "rounds"}).status_code == 404
    assert client.get(csv_url(filled_project), {"table": "secrets"}).status_code == 404
    assert client.get(csv_url(filled_project), {"table": "missions"}).status_code == 200


def test_a_round_that_does_not_exist_is_a_404(client, filled_project, editor_a):
    client.force_login(editor_a)
    for number in ("2", "0", "x", "1.0", "²"):
        assert client.get(workbook_url(filled_project), {"round": number}).status_code == 404, number
        assert client.get(csv_url(filled_project), {"round": number}).status_code == 404, number


def test_a_project_without_results_has_nothing_to_download(client, project, editor_a):
    add_missions(project, 3)
    fill_weights(project)
    add_indicators(project)
    client.force_login(editor_a)
    assert client.get(workbook_url(project)).status_code == 404  # no round yet
    assert client.get(csv_url(project)).status_code == 404


def test_each_download_is_in_the_access_log(client, filled_project, head_a):
    client.force_login(head_a)
    client.get(workbook_url(filled_project))
    client.get(csv_url(filled_project), {"table": "missions"})
    subjects = list(
        AccessEvent.objects.filter(user=head_a, action=AccessEvent.Action.EXPORT)
        .order_by("pk")
        .values_list("subject", flat=True)
    )
    assert [subject.rsplit(" · ", 1)[1] for subject in subjects] == ["results.xlsx", "results-missions.csv"]


def test_an_outsider_gets_404_and_nothing_is_logged(client, filled_project, outsider):
    client.force_login(outsider)
    assert client.get(workbook_url(filled_project)).status_code == 404
    assert client.get(csv_url(filled_project)).status_code == 404
    assert not AccessEvent.objects.filter(user=outsider, action=AccessEvent.Action.EXPORT).exists()


def test_the_committee_reads_the_results_of_a_submitted_project(client, submitted_project, committee_member):
    client.force_login(committee_member)
    assert client.get(workbook_url(submitted_project)).status_code == 200
    header, *rows = rows_of(client.get(csv_url(submitted_project)))
    assert {row[2] for row in rows} == {"3.00"}  # the ready project's levels


def test_the_committee_reads_no_draft(client, ready_project, committee_member):
    client.force_login(committee_member)
    assert client.get(workbook_url(ready_project)).status_code == 404
    assert client.get(csv_url(ready_project)).status_code == 404


def test_the_downloads_take_no_post(client, filled_project, editor_a):
    client.force_login(editor_a)
    assert client.post(workbook_url(filled_project)).status_code == 405
    assert client.post(csv_url(filled_project)).status_code == 405
