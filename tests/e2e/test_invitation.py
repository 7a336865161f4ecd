"""An agency grows on its own: the head invites a colleague by e-mail, the
colleague opens the link, chooses a username and a password, and lands on
the agency's card of the home page."""

import re

import pytest
from playwright.sync_api import expect

from agencies.models import Membership
from tests.e2e.conftest import sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_colleague_invited_by_e_mail_joins_the_agency(
    live_server, page, head_a, agency_a, mailoutbox, screenshot
):
    sign_in(page, live_server, "head_a")
    page.goto(f"{live_server.url}/agencies/{agency_a.code}/members/")
    page.get_by_label("ชื่อผู้ใช้หรืออีเมล").fill("somsri@lampang.go.th")
    page.locator("#invite-form select").select_option("editor")
    page.get_by_role("button", name="เชิญ", exact=True).click()
    expect(page.locator("#invitations")).to_contain_text("somsri@lampang.go.th")
    link = re.search(r"https?://\S+/invitations/welcome/\S+/", mailoutbox[-1].body)[0]
    assert link.startswith(live_server.url)  # built from the address the head used

    page.context.clear_cookies()
    page.goto(link)
    expect(page).to_have_url(re.compile(r"/invitations/join/$"))  # the secret left the address bar
    expect(page.get_by_role("heading", name="เข้าร่วม สำนักงานจังหวัดลำปาง")).to_be_visible()
    page.locator("#id_username").fill("somsri")
    page.locator("#id_first_name").fill("สมศรี")
    page.locator("#id_last_name").fill("ใจดี")
    page.locator("#id_password1").fill("ลำปาง-2543-ข้อมูล")
    page.locator("#id_password2").fill("ลำปาง-2543-ข้อมูล")
    screenshot("invitation-welcome")
    page.get_by_role("button", name="สร้างบัญชีและเข้าร่วม").click()
    expect(page).to_have_url(re.compile(rf"/#agency-{agency_a.code}$"))
    expect(page.locator(f"#agency-{agency_a.code}")).to_contain_text("ผู้บันทึกข้อมูล")
    assert Membership.objects.get(user__username="somsri").role == Membership.Role.EDITOR
