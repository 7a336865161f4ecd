import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_lampang_editor_logs_in_and_reads_the_thai_home_page(live_server, page, editor_a, screenshot):
    page.goto(f"{live_server.url}/")
    expect(page.get_by_role("heading", name="เข้าสู่ระบบ")).to_be_visible()
    page.get_by_label("ชื่อผู้ใช้").fill("editor_a")
    page.get_by_label("รหัสผ่าน").fill("pw-editor_a")
    page.get_by_role("button", name="เข้าสู่ระบบ").click()
    expect(page.get_by_role("heading", name="หน่วยงานของฉัน")).to_be_visible()
    expect(page.locator("main").get_by_text("สำนักงานจังหวัดลำปาง").first).to_be_visible()
    assert page.evaluate("document.documentElement.lang") == "th"
    # The page font is the vendored Sarabun, not a fallback that shows boxes.
    assert page.evaluate("document.fonts.check('16px Sarabun', 'สำนักงาน')")
    screenshot("home-editor")


def test_wrong_password_shows_a_thai_message(live_server, page, editor_a):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("ชื่อผู้ใช้").fill("editor_a")
    page.get_by_label("รหัสผ่าน").fill("nope")
    page.get_by_role("button", name="เข้าสู่ระบบ").click()
    expect(page.locator(".alert-danger, .invalid-feedback").first).to_contain_text("กรุณาใส่")


def test_a_forgotten_password_is_reset_from_the_login_page_in_thai(
    live_server, page, editor_a, mailoutbox, screenshot
):
    import re

    editor_a.email = "editor@example.go.th"
    editor_a.save()
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_role("link", name="ลืมรหัสผ่าน").click()
    expect(page.get_by_role("heading", name="ลืมรหัสผ่าน")).to_be_visible()
    page.get_by_label("อีเมล").fill("editor@example.go.th")
    page.get_by_role("button", name="ส่งลิงก์").click()
    expect(page.locator("#reset-sent")).to_be_visible()
    (message,) = mailoutbox
    assert "ตั้งรหัสผ่านใหม่" in message.subject and "Dear" in message.body and "เรียน" in message.body
    link = re.search(r"https?://\S+/reset/\S+/", message.body).group(0)
    page.goto(link)
    expect(page.get_by_role("heading", name="ตั้งรหัสผ่านใหม่")).to_be_visible()
    page.locator("#id_new_password1").fill("ลำปาง-2569-ใหม่")
    page.locator("#id_new_password2").fill("ลำปาง-2569-ใหม่")
    screenshot("password-reset-confirm")
    page.get_by_role("button", name="บันทึกรหัสผ่านใหม่").click()
    expect(page.locator("#reset-complete")).to_be_visible()
    page.get_by_role("link", name="เข้าสู่ระบบ").last.click()
    page.get_by_label("ชื่อผู้ใช้").fill("editor_a")
    page.get_by_label("รหัสผ่าน").fill("ลำปาง-2569-ใหม่")
    page.get_by_role("button", name="เข้าสู่ระบบ").click()
    expect(page.get_by_role("heading", name="หน่วยงานของฉัน")).to_be_visible()
