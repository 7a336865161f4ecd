"""Steps 7–9 in the browser: plan, progress with evidence, a second round,
the head's readiness check and submission."""

import pytest
from playwright.sync_api import expect

from agencies.catalogue import catalogue_load, read_catalogue
from agencies.models import Standard
from assessment import services
from tests.e2e.conftest import ARTIFACTS, DOSSIER_CLICK_MS, sign_in
from tests.factories import add_indicators, add_missions, fill_round, fill_weights

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def assessed_project(agency_a, editor_a, head_a):
    catalogue_load(data=read_catalogue())
    project = services.project_create(
        agency=agency_a, standard=Standard.objects.get(code="1101"), fiscal_year=2026, user=editor_a
    )
    project.vision = "เป็นหน่วยงานที่มีประสิทธิภาพ"
    project.mission_statement = "ประสานราชการทั่วไป"
    project.goals = "เป็นที่ยอมรับ"
    project.objectives = "ปรับปรุงระบบการบริหาร"
    project.save()
    add_missions(project, 4)
    fill_weights(project)
    add_indicators(project)
    fill_round(services.round_create(project=project, user=editor_a), level=2)
    return project


def test_plan_progress_second_round_and_submission(
    live_server, page, browser, assessed_project, tmp_path, screenshot
):
    base = f"{live_server.url}/projects/{assessed_project.pk}"
    sign_in(page, live_server, "editor_a")

    page.goto(f"{base}/step/7/")
    for select in page.locator("#targets-table select").all():
        select.select_option("3")
    page.get_by_role("button", name="บันทึกระดับเป้าหมาย").click()
    expect(page.get_by_text("บันทึกระดับเป้าหมายแล้ว")).to_be_visible()

    page.get_by_role("link", name="เพิ่มแผนงาน").click()
    page.locator("#id_name").fill("แผนงานที่ 1 ระบบข้อมูล")
    page.locator("#id_approach").fill("จัดทำฐานข้อมูลทุกภารกิจใหม่")
    for checkbox in page.locator("input[name='criteria']").all():
        checkbox.check()
    page.get_by_role("button", name="บันทึก", exact=True).click()
    expect(page.get_by_text("ต่อไปให้เพิ่มกิจกรรม")).to_be_visible()

    for title, phase, start, end in (
        ("จัดทำฐานข้อมูลทุกภารกิจ", "short", "1/8/2569", "30/9/2569"),  # typed in the Buddhist era
        ("พัฒนาระบบข้อมูลอย่างต่อเนื่อง", "long", "1/1/2570", ""),
    ):
        page.get_by_role("link", name="เพิ่มกิจกรรม").click()
        page.locator("#id_title").fill(title)
        page.locator("#id_phase").select_option(phase)
        page.locator("#id_start_date").fill(start)
        if end:
            page.locator("#id_end_date").fill(end)
        page.locator("#id_responsible_name").fill("นายสมชาย ใจดี")
        page.locator("#id_responsible_position").fill("หัวหน้าฝ่ายข้อมูล")
        page.get_by_role("button", name="บันทึก", exact=True).click()
        expect(page.get_by_text(f"เพิ่มกิจกรรม {title} แล้ว")).to_be_visible()
    expect(page.locator(".stepper-item.state-complete").filter(has_text="แผนยกระดับ")).to_be_visible()
    screenshot("step7-plan")

    page.goto(f"{base}/timeline/")
    expect(page.locator("#timeline svg")).to_be_visible()
    screenshot("timeline")

    page.goto(f"{base}/step/8/")
    page.get_by_role("link", name="จัดทำฐานข้อมูลทุกภารกิจ").click()
    page.locator("#id_status").select_option("done")
    page.locator("#id_percent").fill("100")
    page.locator("#id_date").fill("30/9/2569")
    page.locator("#id_note").fill("แล้วเสร็จตามแผน")
    evidence = tmp_path / "รายงานผล.pdf"
    evidence.write_bytes(b"%PDF-1.4\n%%EOF\n")
    page.locator("#id_file").set_input_files(str(evidence))
    page.get_by_role("button", name="บันทึกความก้าวหน้า").click()
    expect(page.get_by_text("บันทึกความก้าวหน้าแล้ว")).to_be_visible()
    expect(page.locator("#progress-history")).to_contain_text("รายงานผล.pdf")

    page.goto(f"{base}/step/8/")
    expect(page.get_by_text("เสร็จแล้ว 1 จาก 2 กิจกรรม")).to_be_visible()
    screenshot("step8-overview")
    # Starting a round asks first (it locks round 1); the column fills below
    # ask, in each column's header, before replacing the levels carried over.
    questions = []
    page.on("dialog", lambda dialog: (questions.append(dialog.message), dialog.accept()))
    page.get_by_role("button", name="เริ่มการประเมินซ้ำ (ตั้งต้นจากรอบล่าสุด)").click()
    expect(page.get_by_text("เริ่มการประเมินรอบที่ 2 แล้ว")).to_be_visible()
    # The first page of a round must have its script running before the
    # fill row is used; otherwise the server applies the fill on save.
    expect(page.locator("#assessment-grid[data-ready]")).to_be_attached()
    for column in page.locator("select.fill-level").all():
        column.select_option("3")
        # Cells carried over hold levels: the column's header asks, in the page.
        header = column.locator("xpath=ancestor::th")
        expect(header.locator(".fill-choice")).to_contain_text("มีระดับอยู่แล้ว")
        header.get_by_role("button", name="แทนที่ค่าเดิมด้วย").click()
    page.get_by_role("button", name="บันทึกตาราง").click()
    expect(page.get_by_text("ในรอบที่ 2 แล้ว")).to_be_visible()
    assert len(questions) == 1 and "รอบที่ 1" in questions[0]
    page.goto(f"{base}/results/")
    expect(page.locator("#round-comparison")).to_contain_text("66.67")
    expect(page.locator("#total-score")).to_contain_text("100.00")
    screenshot("round-comparison")

    head = browser.new_page(locale="th-TH")
    sign_in(head, live_server, "head_a")
    head.goto(f"{base}/step/9/")
    expect(head.locator("#readiness-checklist .item-blocking")).to_have_count(0)
    expect(head.locator("#readiness-checklist")).to_contain_text("กิจกรรมระยะกลางและระยะยาว")
    head.screenshot(path=str(ARTIFACTS / "readiness.png"), full_page=True)
    head.get_by_label("ข้าพเจ้ายืนยันว่าข้อมูลถูกต้อง และขอยื่นขอการรับรอง").check()
    head.get_by_role("button", name="ยื่นขอการรับรอง").click(timeout=DOSSIER_CLICK_MS)
    expect(head.get_by_text("ยื่นขอการรับรองแล้ว ระบบได้แจ้งคณะกรรมการแล้ว")).to_be_visible()

    page.goto(f"{base}/step/1/")
    expect(page.get_by_role("button", name="บันทึก", exact=True)).to_have_count(0)
    expect(page.get_by_text("โครงการนี้ยื่นขอการรับรองแล้ว หน่วยงานอ่านได้อย่างเดียว")).to_be_visible()
    page.goto(f"{base}/step/7/")
    expect(page.get_by_role("link", name="เพิ่มแผนงาน")).to_have_count(0)
    page.goto(f"{base}/rounds/2/")
    expect(page.locator("select.level-select")).to_have_count(0)
