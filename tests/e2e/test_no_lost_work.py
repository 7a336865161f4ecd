"""Typed work is not lost: leaving a form with unsaved changes asks first,
and dates typed in the Buddhist era are stored and shown right."""

import datetime

import pytest
from playwright.sync_api import expect

from agencies.catalogue import catalogue_load, read_catalogue
from agencies.models import Standard
from assessment import services
from plans.models import Activity, Plan
from tests.e2e.conftest import sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def project(agency_a, editor_a):
    catalogue_load(data=read_catalogue())
    project = services.project_create(
        agency=agency_a, standard=Standard.objects.get(code="1101"), fiscal_year=2027, user=editor_a
    )
    plan = Plan.objects.create(project=project, name="แผนงานที่ 1")
    plan.criteria.set(project.criteria.all())
    return project


def test_leaving_a_form_with_typed_changes_asks_first(live_server, page, project):
    sign_in(page, live_server, "editor_a")
    page.goto(f"{live_server.url}/projects/{project.pk}/step/1/")
    page.locator("textarea").first.fill("วิสัยทัศน์ที่พิมพ์ไว้แต่ยังไม่บันทึก")
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.type), dialog.dismiss()))
    page.locator(".stepper-item a, a.stepper-item").nth(2).click()
    page.wait_for_timeout(500)
    assert dialogs == ["beforeunload"]
    assert page.url.endswith("/step/1/")
    expect(page.locator("textarea").first).to_have_value("วิสัยทัศน์ที่พิมพ์ไว้แต่ยังไม่บันทึก")


def test_a_date_typed_in_the_buddhist_era_is_stored_and_shown(live_server, page, project, screenshot):
    sign_in(page, live_server, "editor_a")
    page.goto(f"{live_server.url}/projects/{project.pk}/activities/new/?plan={project.plans.get().pk}")
    page.locator("#id_title").fill("สำรวจความต้องการข้อมูล")
    page.locator("#id_phase").select_option("short")
    page.locator("#id_start_date").fill("1/12/2569")
    page.locator("#id_end_date").fill("31/1/2570")
    page.locator("#id_responsible_name").fill("นางสาวสุดา")
    expect(page.locator(".thai-date-button")).to_have_count(2)  # the calendar beside each date
    screenshot("activity-form-thai-dates")
    page.get_by_role("button", name="บันทึก", exact=True).click()
    expect(page.get_by_text("เพิ่มกิจกรรม สำรวจความต้องการข้อมูล แล้ว")).to_be_visible()
    activity = Activity.objects.get()
    assert (activity.start_date, activity.end_date) == (
        datetime.date(2026, 12, 1),
        datetime.date(2027, 1, 31),
    )
    page.goto(f"{live_server.url}/projects/{project.pk}/activities/{activity.pk}/")
    expect(page.locator("main")).to_contain_text("1 ธันวาคม 2569 – 31 มกราคม 2570")


def test_one_upload_supports_a_whole_column(live_server, page, project, editor_a, tmp_path):
    from assessment.models import Assessment, EvidenceFile
    from tests.factories import add_indicators, add_missions, fill_weights

    add_missions(project, 4)
    fill_weights(project)
    add_indicators(project)
    assessment_round = services.round_create(project=project, user=editor_a)
    cell = Assessment.objects.filter(round=assessment_round).order_by("pk").first()
    sign_in(page, live_server, "editor_a")
    page.goto(f"{live_server.url}/projects/{project.pk}/rounds/1/cells/{cell.pk}/")
    survey = tmp_path / "แบบสำรวจ.pdf"
    survey.write_bytes(b"%PDF-1.4\n%%EOF\n")
    page.locator("#id_file").set_input_files(str(survey))
    page.get_by_label("ทุกภารกิจของตัวชี้วัดนี้ (ทั้งคอลัมน์)").check()
    page.get_by_role("button", name="แนบไฟล์", exact=True).click()
    expect(page.get_by_text("แนบไฟล์หลักฐาน แบบสำรวจ.pdf กับ 4 ช่องแล้ว")).to_be_visible()
    assert EvidenceFile.objects.filter(cell__indicator=cell.indicator).count() == 4
