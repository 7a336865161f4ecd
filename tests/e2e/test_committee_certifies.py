"""The committee reviews the demo Lampang renewal, asks for a change, the
agency fixes it and resubmits, the committee certifies, the auditor
downloads the dossier and anyone can verify the certificate."""

import re
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from assessment.models import Assessment
from assessment.services import carried_confirm
from certification.models import Certificate, ReviewCriterion
from certification.services import project_submit
from pso_site.demo import demo_seed
from pso_site.lib.pdf import extract_text
from tests.e2e.conftest import DOSSIER_CLICK_MS, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
PASSWORD = "demo-pass-2544"


@pytest.fixture
def demo():
    data = demo_seed(password=PASSWORD)
    head = get_user_model().objects.get(username="lampang_head")
    # The agency has read the justifications carried over from B.E. 2544.
    cells = Assessment.objects.filter(round__project=data["renewal"], carried_over=True)
    carried_confirm(
        project_id=data["renewal"].pk,
        round_number=1,
        user=head,
        cell_ids=list(cells.values_list("pk", flat=True)),
    )
    data["renewal"] = project_submit(project_id=data["renewal"].pk, user=head)
    return data


def login(page, live_server, username):
    sign_in(page, live_server, username, PASSWORD)
    expect(page.get_by_role("heading", name="ยินดีต้อนรับ", exact=False)).to_be_visible()


def test_review_request_changes_resubmit_certify_download_verify(
    live_server, page, demo, tmp_path, screenshot
):
    renewal = demo["renewal"]
    base = f"{live_server.url}/projects/{renewal.pk}"

    login(page, live_server, "committee")
    page.get_by_role("link", name="รายการรอพิจารณา").first.click()
    expect(page.locator("#project-table")).to_contain_text("สำนักงานจังหวัดลำปาง")
    page.locator("#project-table tbody a").first.click()
    expect(page.locator("#self-total")).to_have_text("86.67")
    page.locator("input[name='level_speed']").fill("1.5")
    # The committee total follows the typed level (speed weighs 10: 86.67 − 10·0.5/3).
    expect(page.locator("#committee-total")).to_have_text("85.00")
    page.locator("textarea[name='comment_speed']").fill("โปรดแนบหลักฐานความรวดเร็วของการค้นหาข้อมูล")
    page.locator("select[name='step_speed']").select_option("6")
    # Straight to the decision, forgetting the reason: refused, and nothing
    # typed is lost.
    page.get_by_label("ให้แก้ไขเพิ่มเติม").check()
    page.get_by_label("ข้าพเจ้ายืนยันผลการพิจารณานี้").check()
    page.get_by_role("button", name="บันทึกผลการพิจารณา").click()
    expect(page.get_by_text("ยังไม่ได้บันทึก")).to_be_visible()
    expect(page.locator("input[name='level_speed']")).to_have_value("1.5")
    expect(page.locator("textarea[name='comment_speed']")).to_have_value(
        "โปรดแนบหลักฐานความรวดเร็วของการค้นหาข้อมูล"
    )
    screenshot("committee-review-refused")
    page.locator("#id_reason").fill("เพิ่มหลักฐานเกณฑ์ความรวดเร็ว")
    page.get_by_role("button", name="บันทึกผลการพิจารณา").click(timeout=DOSSIER_CLICK_MS)
    expect(page.get_by_text("บันทึกผลการพิจารณาแล้ว: ให้แก้ไขเพิ่มเติม")).to_be_visible()
    row = ReviewCriterion.objects.get(review__project=renewal, criterion__code="speed")
    assert (row.level, row.comment, row.step) == (Decimal("1.50"), "โปรดแนบหลักฐานความรวดเร็วของการค้นหาข้อมูล", 6)
    screenshot("committee-review")

    login(page, live_server, "lampang_editor")
    # The agency reads the committee's whole review: level, comment, reason, the step concerned.
    page.goto(f"{base}/")
    page.get_by_role("link", name="ผลการพิจารณาของคณะกรรมการ").first.click()
    review = page.locator(".committee-decision").first
    expect(review).to_contain_text("เพิ่มหลักฐานเกณฑ์ความรวดเร็ว")
    expect(review).to_contain_text("1.50")
    expect(review).to_contain_text("โปรดแนบหลักฐานความรวดเร็วของการค้นหาข้อมูล")
    screenshot("agency-reads-the-review")
    review.get_by_role("link", name=re.compile("^6")).first.click()
    expect(page.locator("#committee-comments")).to_contain_text("โปรดแนบหลักฐานความรวดเร็วของการค้นหาข้อมูล")
    first_speed = page.locator("textarea.just-input").nth(3)
    first_speed.fill("แนบรายงานเวลาค้นหาข้อมูลเฉลี่ยไม่เกิน 5 นาที")
    page.get_by_role("button", name="บันทึกตาราง").click()
    expect(page.get_by_text("บันทึก 1 ช่องที่แก้ไขในรอบที่ 1 แล้ว")).to_be_visible()

    login(page, live_server, "lampang_head")
    page.goto(f"{base}/step/9/")
    page.get_by_label("ข้าพเจ้ายืนยันว่าข้อมูลถูกต้อง และขอยื่นขอการรับรอง").check()
    page.get_by_role("button", name="ยื่นขอการรับรอง").click(timeout=DOSSIER_CLICK_MS)
    expect(page.get_by_text("ยื่นขอการรับรองแล้ว ระบบได้แจ้งคณะกรรมการแล้ว")).to_be_visible()

    login(page, live_server, "committee")
    page.goto(f"{live_server.url}/committee/projects/{renewal.pk}/")
    # What changed since the committee asked.
    expect(page.locator("#changes-since-asked")).to_contain_text("แนบรายงานเวลาค้นหาข้อมูลเฉลี่ย")
    page.get_by_label("รับรอง", exact=True).check()
    page.get_by_label("ข้าพเจ้ายืนยันผลการพิจารณานี้").check()
    page.get_by_role("button", name="บันทึกผลการพิจารณา").click(timeout=DOSSIER_CLICK_MS)
    expect(page.get_by_text("บันทึกผลการพิจารณาแล้ว: รับรอง")).to_be_visible()
    certificate = Certificate.objects.get(project=renewal)
    page.goto(f"{base}/certificate/")
    expect(page.locator("#certificate")).to_contain_text(certificate.number)
    screenshot("certificate")

    login(page, live_server, "auditor")
    page.get_by_role("link", name="การตรวจสอบ").first.click()
    expect(page.locator("#project-table")).to_contain_text("สำนักงานจังหวัดลำปาง")
    page.goto(f"{base}/")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="ดาวน์โหลดแฟ้มเอกสาร (PDF)").click()
    path = tmp_path / "dossier.pdf"
    download_info.value.save_as(path)
    data = path.read_bytes()
    assert data.startswith(b"%PDF")
    assert certificate.number in extract_text(data)

    page.context.clear_cookies()
    page.goto(f"{live_server.url}/verify/{certificate.token}/")
    expect(page.locator("#certificate-status")).to_have_text("มีผล")
    expect(page.locator("#verification")).to_contain_text(certificate.number)
    screenshot("verify")

    # Anyone can check the downloaded file, and a changed copy is refused.
    page.goto(f"{live_server.url}/verify/document/")
    page.locator("input[type=file]").set_input_files(str(path))
    page.get_by_role("button", name="ตรวจสอบแฟ้ม").click()
    expect(page.locator("#verdict")).to_contain_text("ของจริง")
    expect(page.locator("#record")).to_contain_text(certificate.number)
    screenshot("verify-document")
    changed = tmp_path / "changed.pdf"
    changed.write_bytes(data + b"\n% a line added later\n")
    page.locator("input[type=file]").set_input_files(str(changed))
    page.get_by_role("button", name="ตรวจสอบแฟ้ม").click()
    expect(page.locator("#verdict")).to_have_attribute("data-verdict", "not-issued")
    expect(page.locator("#verdict")).to_contain_text("ไม่ใช่เอกสารที่สถาบันออก")
