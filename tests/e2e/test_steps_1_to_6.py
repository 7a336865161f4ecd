"""An editor fills steps 1–6 for a small agency through the browser."""

import re

import pytest
from playwright.sync_api import expect

from agencies.catalogue import catalogue_load, read_catalogue
from tests.e2e.conftest import sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def save(page):
    page.locator("#step-form").get_by_role("button", name="บันทึก", exact=True).click()


def test_editor_fills_steps_1_to_6_and_reads_the_total(live_server, page, editor_a, screenshot):
    catalogue_load(data=read_catalogue())
    sign_in(page, live_server, "editor_a")
    page.get_by_role("link", name="สร้างโครงการขอรับรองใหม่").click()
    page.get_by_label("มาตรฐาน").select_option(label="P.S.O. 1101 ระบบข้อมูล")
    page.get_by_label("รอบการรับรอง (ปีงบประมาณ พ.ศ.)").fill("2569")
    page.get_by_role("button", name="สร้างโครงการ").click()
    expect(page.get_by_text("สร้างโครงการแล้ว")).to_be_visible()

    page.get_by_role("link", name="1 การกำหนดวิสัยทัศน์").click()
    page.get_by_label("วิสัยทัศน์").fill("เป็นหน่วยงานที่มีประสิทธิภาพ")
    save(page)
    expect(page.get_by_text("บันทึกขั้นตอนที่ 1 แล้ว")).to_be_visible()

    page.get_by_role("link", name="2 การกำหนดพันธกิจและเป้าหมาย").click()
    page.get_by_label("พันธกิจ").fill("ประสานราชการทั่วไปในจังหวัด")
    page.get_by_label("เป้าหมาย").fill("เป็นที่ยอมรับของประชาชน")
    page.get_by_label("วัตถุประสงค์").fill("ปรับปรุงระบบการบริหาร\nพัฒนาประสิทธิภาพ")
    save(page)
    expect(page.get_by_text("บันทึกขั้นตอนที่ 2 แล้ว")).to_be_visible()

    page.get_by_role("link", name="3 การกำหนดภารกิจและจัดลำดับความสำคัญ").click()
    rows = page.locator("tr.mission-row")
    rows.nth(0).locator("input[name$='-name']").fill("งานวางแผน")
    rows.nth(0).locator("select[name$='-category']").select_option("main")
    rows.nth(0).locator("input[name$='-points']").fill("60")
    rows.nth(1).locator("input[name$='-name']").fill("งานตรวจราชการ")
    rows.nth(1).locator("select[name$='-category']").select_option("secondary")
    rows.nth(1).locator("input[name$='-points']").fill("28")
    # The live total shows the shortfall while typing.
    expect(page.locator('[data-category-total="secondary"] .difference')).to_have_text("ขาดอีก 2 คะแนน")
    save(page)
    # An incomplete step is kept as a draft, with what is missing listed at the top.
    expect(page.get_by_text("บันทึกขั้นตอนที่ 3 แล้ว")).to_be_visible()
    expect(page.locator("#step-problems")).to_contain_text("ภารกิจรอง: 28 จาก 30 คะแนน — ขาดอีก 2 คะแนน")
    screenshot("step3-draft")
    rows = page.locator("tr.mission-row")
    expect(rows.nth(1).locator("input[name$='-name']")).to_have_value("งานตรวจราชการ")
    rows.nth(1).locator("input[name$='-points']").fill("30")
    rows.nth(2).locator("input[name$='-name']").fill("งานธุรการ")
    rows.nth(2).locator("select[name$='-category']").select_option("support")
    rows.nth(2).locator("input[name$='-points']").fill("10")
    expect(page.locator('[data-category-total="secondary"] .difference')).to_have_text("ครบพอดี")
    save(page)
    expect(page.get_by_text("บันทึกขั้นตอนที่ 3 แล้ว")).to_be_visible()
    screenshot("step3")

    page.get_by_role("link", name="4 การกำหนดตัวถ่วงน้ำหนัก").click()
    for field, weight in zip(
        page.locator(".weight-input").all(), [20, 15, 15, 10, 10, 10, 10, 5, 5], strict=True
    ):
        field.fill(str(weight))
    expect(page.locator("#weight-total")).to_have_text("100")
    save(page)
    expect(page.get_by_text("บันทึกขั้นตอนที่ 4 แล้ว")).to_be_visible()

    page.get_by_role("link", name="5 การกำหนดตัวชี้วัดและวิธีคิดคะแนน").click()
    # The page offers a blank form for each criterion, its criterion chosen.
    forms = page.locator(".indicator-form")
    expect(forms).to_have_count(9)
    for index in range(9):
        form = forms.nth(index)
        form.locator("input[name$='-name']").fill(f"ตัวชี้วัดที่ {index + 1}")
        for level in range(4):
            form.locator(f"textarea[name$='-level_{level}']").fill(f"เงื่อนไขระดับ {level}")
    save(page)
    expect(page.get_by_text("บันทึกขั้นตอนที่ 5 แล้ว")).to_be_visible()

    page.get_by_role("link", name="6 การประเมินสถานภาพปัจจุบัน").click()
    page.get_by_role("button", name="เริ่มการประเมิน").click()
    expect(page.get_by_text("เริ่มการประเมินรอบที่ 1 แล้ว")).to_be_visible()
    # The first page of a round must have its script running before the
    # fill row is used; otherwise the server applies the fill on save.
    expect(page.locator("#assessment-grid[data-ready]")).to_be_attached()
    for column in page.locator("select.fill-level").all():
        column.select_option("2")
    for column in page.locator("input.fill-just").all():
        column.fill("มีหลักฐานประกอบ")
        column.dispatch_event("change")
    first = page.locator("select.level-select").first
    # Named by what it is, for screen readers: level, mission, indicator.
    expect(first).to_have_accessible_name(re.compile(r"^ระดับ .*งานวางแผน ตัวชี้วัดที่ 1$"))
    first.focus()
    page.keyboard.press("3")
    expect(first).to_have_value("3")
    # Arrow keys move along the row: the next cell takes the next key.
    page.keyboard.press("ArrowRight")
    expect(page.locator("select.level-select").nth(1)).to_be_focused()
    page.keyboard.press("2")
    screenshot("step6")
    page.get_by_role("button", name="บันทึกตาราง").click()
    expect(page.get_by_text("บันทึก 27 ช่องที่แก้ไขในรอบที่ 1 แล้ว")).to_be_visible()

    page.get_by_role("link", name="ผลการประเมิน").first.click()
    # Mission 1 (60 points) at level 3 on coverage, everything else 2:
    # coverage level 2.6 → 17.33 points; the rest 2 → 53.33; total 70.67.
    expect(page.locator("#total-score")).to_contain_text("70.67")
    screenshot("results")
