"""The round in Excel, through the browser: download the workbook, fill it
(openpyxl stands in for Excel), upload it, read the preview, apply it; a
cell someone else changed meanwhile is shown as a conflict and kept."""

import io

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from assessment import services
from assessment.grid import cell_key, grid_token
from assessment.models import Assessment
from pso_site.demo import demo_seed

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_round_filled_in_excel_is_previewed_and_applied(live_server, page, screenshot, tmp_path):
    demo = demo_seed(password="demo-pw")
    project = demo["renewal"]
    number = project.rounds.order_by("-number").first().number
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("ชื่อผู้ใช้").fill("lampang_editor")
    page.get_by_label("รหัสผ่าน").fill("demo-pw")
    page.get_by_role("button", name="เข้าสู่ระบบ").click()
    page.goto(f"{live_server.url}/projects/{project.pk}/rounds/{number}/")
    with page.expect_download() as downloaded:
        page.locator("#workbook-download").click()
    path = tmp_path / "round.xlsx"
    downloaded.value.save_as(path)

    # Meanwhile the head changes the first cell in the web grid.
    cells = list(
        Assessment.objects.filter(round__project=project, round__number=number).order_by(
            "mission__order", "mission_id", "indicator__order", "indicator_id"
        )
    )
    first, second = cells[0], cells[1]
    token = grid_token(
        {
            cell_key(first.mission_id, first.indicator_id): (
                "",
                f"{first.level} {first.justification}".strip(),
            )
        },
        assessment_round=first.round,
    )
    from django.contrib.auth import get_user_model

    head = get_user_model().objects.get(username="lampang_head")
    services.round_cells_save(
        project_id=project.pk, round_number=number, user=head, token=token, values={first.pk: (0, "หัวหน้าแก้")}
    )

    workbook = load_workbook(path)
    levels, justifications = workbook.worksheets[:2]
    levels["C4"] = next(v for v in (1, 2, 3) if v != first.level)  # the head's cell: a conflict
    levels["D4"] = 3 if second.level != 3 else 1
    justifications["D4"] = "กรอกใน Excel"
    buffer = io.BytesIO()
    workbook.save(buffer)
    path.write_bytes(buffer.getvalue())

    page.locator("#id_workbook").set_input_files(str(path))
    page.locator("#workbook-upload").click()
    expect(page.locator("#workbook-changes")).to_contain_text("ระดับ!D4")
    expect(page.locator("#workbook-conflicts")).to_contain_text("หัวหน้าแก้")
    screenshot("grid-workbook-preview")
    page.locator("#workbook-apply").click()
    expect(page.get_by_text("จากไฟล์ Excel แล้ว")).to_be_visible()
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.level, first.justification) == (0, "หัวหน้าแก้")
    assert second.justification == "กรอกใน Excel"
