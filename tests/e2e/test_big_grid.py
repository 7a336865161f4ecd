"""A 60 × 30 round on a generated project: one block at a time, only changed
cells sent, a column fill that reaches every block, and the guard against
leaving unsaved work."""

from urllib.parse import parse_qsl

import pytest
from playwright.sync_api import expect

from agencies.catalogue import catalogue_load, read_catalogue
from assessment import services
from assessment.models import Assessment, Project
from bench.generator import loadgen

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_60_by_30_grid_saves_block_by_block(live_server, page, screenshot):
    catalogue_load(data=read_catalogue())
    loadgen.generate(loadgen.Size(agencies=1, projects_per_agency=1, missions=60, indicators=30, rounds=1))
    project = Project.objects.get()
    Project.objects.filter(pk=project.pk).update(status=Project.Status.DRAFT)
    Assessment.objects.update(level=None, justification="")
    services.round_score_store(assessment_round=project.rounds.get())

    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("ชื่อผู้ใช้").fill("gen-000001-editor")
    page.get_by_label("รหัสผ่าน").fill("load-test")
    page.get_by_role("button", name="เข้าสู่ระบบ").click()
    response = page.goto(f"{live_server.url}/projects/{project.pk}/rounds/1/")
    assert len(response.body()) < 300_000
    grid = page.locator("#assessment-grid")
    expect(grid).to_have_attribute("data-ready", "true")
    expect(grid.locator("tbody tr")).to_have_count(8)  # 240 cells // 30 indicators

    first = grid.locator('td[data-row="0"][data-col="0"] .level-select')
    first.focus()
    page.keyboard.press("2")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("1")
    grid.locator('td[data-row="0"][data-col="0"] .just-input').fill("พิมพ์เอง")
    third_column = project.indicators.order_by("criterion__order", "order", "id")[3]
    page.locator(f"#fill-level-{third_column.pk}").select_option("3")
    page.locator(f'input[name="fill-just-{third_column.pk}"]').fill("ทั้งคอลัมน์")
    page.locator(f'input[name="fill-just-{third_column.pk}"]').dispatch_event("change")
    screenshot("big-grid-block-1")

    with page.expect_request(lambda request: request.method == "POST") as posted:
        page.get_by_role("button", name="บันทึกและไปยังภารกิจถัดไป").click()
    fields = [name for name, _value in parse_qsl(posted.value.post_data)]
    assert sum(name.startswith("level-") for name in fields) == 2 + 8  # two typed, one column of 8
    expect(page.get_by_text("บันทึก 62 ช่องที่แก้ไขในรอบที่ 1 แล้ว")).to_be_visible()
    assert page.url.endswith("?block=2")

    cells = Assessment.objects.filter(round__project=project)
    column = cells.filter(indicator=third_column)
    assert set(column.values_list("level", "justification")) == {(3, "ทั้งคอลัมน์")}
    assert column.count() == 60  # every block, not only the one on screen
    assert cells.filter(level=2, justification="พิมพ์เอง").count() == 1
    assert cells.filter(level=1).count() == 1

    # Leaving a block with unsaved changes asks first.
    grid.locator('td[data-row="0"][data-col="0"] .level-select').select_option("0")
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.type), dialog.dismiss()))
    page.locator(".grid-blocks").first.get_by_role("link").nth(2).click()
    page.wait_for_timeout(500)
    assert dialogs == ["beforeunload"]
    assert page.url.endswith("?block=2")
