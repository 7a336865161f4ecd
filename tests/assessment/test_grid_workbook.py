"""The grid as an Excel workbook: download, fill offline, upload, preview,
apply through the grid's write path; conflicts and bad cells refused."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from assessment import services
from assessment.grid import cell_key, grid_token
from assessment.models import Assessment

pytestmark = pytest.mark.django_db


def download(client, project, number=1):
    response = client.get(reverse("assessment:workbook", args=[project.pk, number]))
    assert response.status_code == 200, response.status_code
    return load_workbook(io.BytesIO(response.content))


def upload(client, project, workbook, number=1):
    buffer = io.BytesIO()
    workbook.save(buffer)
    return client.post(
        reverse("assessment:workbook_upload", args=[project.pk, number]),
        {"workbook": SimpleUploadedFile("round.xlsx", buffer.getvalue())},
    )


def apply(client, project, preview, number=1):
    """Post the preview's form as the browser would."""
    import re

    html = preview.content.decode()
    form = html[html.index('id="workbook-changes"') - 2000 :]
    data = dict(re.findall(r'name="((?:level|just)-\d+)" value="([^"]*)"', form))
    data["snapshot"] = re.search(r'name="snapshot" value="([^"]+)"', html).group(1)
    return client.post(reverse("assessment:workbook_apply", args=[project.pk, number]), data)


def first_cells(project):
    return list(
        Assessment.objects.filter(round__project=project).order_by(
            "mission__order", "mission_id", "indicator__order", "indicator_id"
        )
    )


def test_the_workbook_holds_the_round(client, filled_project, viewer_a):
    client.force_login(viewer_a)  # any member may download
    workbook = download(client, filled_project)
    levels, justifications, indicators, key = workbook.worksheets
    assert key.sheet_state == "veryHidden"
    assert levels.title == "ระดับ" and justifications.title == "เหตุผล"
    missions = filled_project.missions.order_by("order", "id")
    assert levels["A4"].value == missions[0].code and levels["B4"].value == missions[0].name
    assert levels["C4"].value == 2  # the fixture's level everywhere
    assert levels.protection.sheet and not levels["C4"].protection.locked and levels["B4"].protection.locked
    assert levels.data_validations.dataValidation[0].formula1 == '"0,1,2,3"'
    assert "0:" in levels["C2"].comment.text  # the four conditions
    assert indicators["C1"].value and indicators.max_row == 1 + filled_project.indicators.count()


def test_a_filled_workbook_is_previewed_then_applied(client, filled_project, editor_a):
    client.force_login(editor_a)
    workbook = download(client, filled_project)
    levels, justifications = workbook.worksheets[:2]
    levels["C4"] = 3
    justifications["C4"] = "มีหลักฐานครบทุกเรื่อง"
    levels["D5"] = "1"
    preview = upload(client, filled_project, workbook)
    assert preview.status_code == 200
    html = preview.content.decode()
    assert "ระดับ!C4" in html and "ระดับ!D5" in html and 'id="workbook-apply"' in html
    cells = first_cells(filled_project)
    assert {cell.level for cell in cells} == {2}  # the preview saved nothing
    total_before = filled_project.rounds.get().total_score
    response = apply(client, filled_project, preview)
    assert response.status_code == 302
    changed = Assessment.objects.get(pk=cells[0].pk)
    assert (changed.level, changed.justification) == (3, "มีหลักฐานครบทุกเรื่อง")
    assert filled_project.rounds.get().total_score != total_before  # scored by the engine


def test_a_cell_someone_changed_since_the_download_is_a_conflict(client, filled_project, editor_a, head_a):
    client.force_login(editor_a)
    workbook = download(client, filled_project)
    cell = first_cells(filled_project)[0]
    # The head saves the same cell in the web grid after the download.
    token = grid_token(
        {cell_key(cell.mission_id, cell.indicator_id): ("", "2 " + cell.justification)},
        assessment_round=cell.round,
    )
    services.round_cells_save(
        project_id=filled_project.pk,
        round_number=1,
        user=head_a,
        token=token,
        values={cell.pk: (0, "ของหัวหน้า")},
    )
    levels = workbook.worksheets[0]
    levels["C4"] = 3
    levels["D4"] = 1
    preview = upload(client, filled_project, workbook)
    html = preview.content.decode()
    assert 'id="workbook-conflicts"' in html and "ของหัวหน้า" in html
    apply(client, filled_project, preview)
    cell.refresh_from_db()
    assert (cell.level, cell.justification) == (0, "ของหัวหน้า")  # theirs is kept
    assert first_cells(filled_project)[1].level == 1  # the other change went in


def test_a_change_between_preview_and_apply_is_refused(client, filled_project, editor_a, head_a):
    client.force_login(editor_a)
    workbook = download(client, filled_project)
    workbook.worksheets[0]["C4"] = 3
    preview = upload(client, filled_project, workbook)
    cell = first_cells(filled_project)[0]
    token = grid_token(
        {cell_key(cell.mission_id, cell.indicator_id): ("", "2 " + cell.justification)},
        assessment_round=cell.round,
    )
    services.round_cells_save(
        project_id=filled_project.pk, round_number=1, user=head_a, token=token, values={cell.pk: (1, "")}
    )
    response = apply(client, filled_project, preview)
    cell.refresh_from_db()
    assert cell.level == 1
    assert "ไม่ได้บันทึก" in client.get(response.url).content.decode()


def test_bad_cells_are_refused_with_their_address(client, filled_project, editor_a):
    client.force_login(editor_a)
    workbook = download(client, filled_project)
    levels, justifications = workbook.worksheets[:2]
    levels["C4"] = 5
    levels["D6"] = "สาม"
    justifications["E5"] = "ยาว" * 2001
    response = upload(client, filled_project, workbook)
    assert response.status_code == 400
    html = response.content.decode()
    assert "ระดับ!C4" in html and "ระดับ!D6" in html and "เหตุผล!E5" in html
    assert {cell.level for cell in first_cells(filled_project)} == {2}


def test_text_that_looks_like_a_formula_stays_text(client, filled_project, editor_a):
    cell = first_cells(filled_project)[0]
    Assessment.objects.filter(pk=cell.pk).update(justification='=HYPERLINK("http://evil","x")')
    client.force_login(editor_a)
    justifications = download(client, filled_project).worksheets[1]
    assert justifications["C4"].data_type == "s" and justifications["C4"].quotePrefix


@pytest.mark.parametrize(
    "content, message",
    [(b"not a workbook", "ไม่ใช่"), (b"PK\x03\x04garbage", "ไม่ใช่")],
)
def test_a_file_that_is_not_the_workbook_is_refused(client, filled_project, editor_a, content, message):
    client.force_login(editor_a)
    response = client.post(
        reverse("assessment:workbook_upload", args=[filled_project.pk, 1]),
        {"workbook": SimpleUploadedFile("round.xlsx", content)},
    )
    assert response.status_code == 400 and message in response.content.decode()


def test_a_tampered_key_is_refused(client, filled_project, editor_a):
    client.force_login(editor_a)
    workbook = download(client, filled_project)
    workbook["key"]["A2"] = 999999
    response = upload(client, filled_project, workbook)
    assert response.status_code == 400


def test_outsiders_and_viewers(client, filled_project, outsider, viewer_a):
    client.force_login(outsider)
    assert client.get(reverse("assessment:workbook", args=[filled_project.pk, 1])).status_code == 404
    client.force_login(viewer_a)
    response = client.post(
        reverse("assessment:workbook_upload", args=[filled_project.pk, 1]),
        {"workbook": SimpleUploadedFile("round.xlsx", b"x")},
    )
    assert response.status_code == 404
