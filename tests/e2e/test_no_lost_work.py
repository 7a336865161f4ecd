"""Typed work is not lost: leaving a form with unsaved changes asks first —
after typing, after a helper button filled the form in (an even split, equal
weights, rows added, an example copied) and after the server showed the form
again without saving it; what was typed when the session ended comes back
after signing in again; a chosen file survives a refusal for another field;
and dates typed in the Buddhist era are stored and shown right."""

import datetime
import time
from urllib.parse import urlsplit

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from playwright.sync_api import expect

from agencies.catalogue import catalogue_load, read_catalogue
from agencies.models import Standard
from assessment import services
from assessment.models import Assessment
from certification.services import project_submit
from plans.models import Activity, ActivityEvidence, Plan
from pso_site.idle import LAST_SEEN
from tests.e2e.conftest import axe_violations, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

TYPED = "ข้อความที่พิมพ์ไว้แต่ยังไม่บันทึก"
# Links that download a file rather than leave the page for another.
DOWNLOADS = (".xlsx", ".csv", ".zip", ".pdf", "/archive/", "/evidence/", "/activity-evidence/")


@pytest.fixture
def draft(agency_a, editor_a):
    catalogue_load(data=read_catalogue())
    project = services.project_create(
        agency=agency_a, standard=Standard.objects.get(code="1101"), fiscal_year=2027, user=editor_a
    )
    plan = Plan.objects.create(project=project, name="แผนงานที่ 1")
    plan.criteria.set(project.criteria.all())
    return project


# Helpers ----------------------------------------------------------------------------


def answers(page, action, *, accept=()) -> list[str]:
    """Do ``action`` and return the questions the page asked (dialog types),
    each answered "stay" (dismissed) unless its type is in ``accept``."""
    asked = []

    def answer(dialog):
        asked.append(dialog.type)
        if dialog.type in accept:
            dialog.accept()
        else:
            dialog.dismiss()

    page.on("dialog", answer)
    try:
        action()
        for _ in range(40):
            if asked:
                break
            page.wait_for_timeout(50)
        page.wait_for_timeout(150)
    finally:
        page.remove_listener("dialog", answer)
    return asked


def leaving_asks(page, action, way: str = "") -> None:
    """``action`` (a way out) is stopped by the unsaved-changes question."""
    here = page.url
    asked = answers(page, action)
    assert asked == ["beforeunload"], f"{here} → {way}: {asked}"
    assert page.url == here


def ways_out(page, live_server) -> list:
    """Every link of the page to another page of the site (not a download,
    not a place on the same page), once each."""
    found, seen = [], set()
    for link in page.locator("main a[href], nav.navbar a[href]").all():
        href = link.get_attribute("href") or ""
        if not link.is_visible() or link.get_attribute("target") or link.get_attribute("data-bs-toggle"):
            continue
        if href.startswith(("#", "javascript:", "mailto:")) or any(part in href for part in DOWNLOADS):
            continue
        target = urlsplit(href)
        if target.netloc and not live_server.url.endswith(target.netloc):
            continue
        if href in seen:
            continue
        seen.add(href)
        found.append(link)
    return found


def every_way_out_asks(page, live_server, typed_field, typed_value) -> int:
    """Each way out of the page asks first, and what was typed stays."""
    links = ways_out(page, live_server)
    assert links, page.url
    for link in links:
        leaving_asks(page, link.click, link.get_attribute("href"))
    # The language switch and signing out are ways out too.
    leaving_asks(page, page.locator("nav.navbar button[name='language']:not([aria-pressed])").click)
    expect(typed_field).to_have_value(typed_value)
    return len(links)


def type_into(page, selector: str, value: str = TYPED):
    field = page.locator(selector).first
    if field.evaluate("e => e.tagName") == "SELECT":
        # By keyboard, as a person does (select_option's events are a script's).
        last = field.evaluate("select => select.selectedIndex === select.options.length - 1")
        field.focus()
        page.keyboard.press("ArrowUp" if last else "ArrowDown")
        return field, field.input_value()
    if field.get_attribute("type") == "number":
        value = "2571" if field.get_attribute("name") == "fiscal_year" else "12"
    field.fill(value)
    return field, value


def expire_session(page, live_server, *, seconds_ago: int) -> None:
    """The browser's session was last active ``seconds_ago``."""
    cookie = next(c for c in page.context.cookies(live_server.url) if c["name"] == "sessionid")
    session = SessionStore(session_key=cookie["value"])
    session[LAST_SEEN] = int(time.time()) - seconds_ago
    session.save()


def last_seen(page, live_server) -> int:
    cookie = next(c for c in page.context.cookies(live_server.url) if c["name"] == "sessionid")
    return Session.objects.get(session_key=cookie["value"]).get_decoded()[LAST_SEEN]


# Leaving asks first -------------------------------------------------------------------


def test_leaving_a_form_with_typed_changes_asks_first(live_server, page, draft):
    sign_in(page, live_server, "editor_a")
    page.goto(f"{live_server.url}/projects/{draft.pk}/step/1/")
    page.locator("textarea").first.fill("วิสัยทัศน์ที่พิมพ์ไว้แต่ยังไม่บันทึก")
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.type), dialog.dismiss()))
    page.locator(".stepper-item a, a.stepper-item").nth(2).click()
    page.wait_for_timeout(500)
    assert dialogs == ["beforeunload"]
    assert page.url.endswith("/step/1/")
    expect(page.locator("textarea").first).to_have_value("วิสัยทัศน์ที่พิมพ์ไว้แต่ยังไม่บันทึก")


FORM_PAGES = [
    # (address under the project, the field typed into)
    ("step/1/", "#id_vision"),
    ("step/2/", "#id_mission_statement"),
    ("step/3/", "input[name='missions-0-name']"),
    ("step/4/", ".weight-input"),
    ("step/5/", "input[name='indicators-0-name']"),
    ("step/7/", "#targets-table select"),
    ("plans/new/", "#id_name"),
    ("plans/{plan}/", "#id_approach"),
    ("activities/new/?plan={plan}", "#id_title"),
    ("activities/{activity}/edit/", "#id_description"),
    ("activities/{activity}/", "#id_note"),
    ("rounds/1/cells/{cell}/", "input[name='scope'][value='row']"),
]


def test_every_way_out_of_every_form_asks_before_typed_work_is_lost(live_server, page, planned_project):
    project = planned_project
    activity = Activity.objects.filter(plan__project=project).order_by("pk").first()
    cell = Assessment.objects.filter(round__project=project).order_by("pk").first()
    sign_in(page, live_server, "editor_a")
    names = {"plan": activity.plan_id, "activity": activity.pk, "cell": cell.pk}
    tried = 0
    for address, selector in FORM_PAGES:
        page.goto(f"{live_server.url}/projects/{project.pk}/{address.format(**names)}")
        if "scope" in selector:
            page.locator(selector).check()
            field, value = page.locator(selector), "row"
            links = ways_out(page, live_server)
            for link in links:
                leaving_asks(page, link.click)
            expect(field).to_be_checked()
            tried += len(links)
            continue
        field, value = type_into(page, selector)
        tried += every_way_out_asks(page, live_server, field, value)
    # Signing out is a way out too.
    page.locator("nav.navbar .dropdown-toggle").last.click()
    leaving_asks(page, page.get_by_role("button", name="ออกจากระบบ").click)
    assert tried > 100


def test_a_new_project_form_asks_before_its_input_is_lost(live_server, page, draft, agency_a):
    sign_in(page, live_server, "editor_a")
    page.goto(f"{live_server.url}/agencies/{agency_a.code}/projects/new/")
    field, value = type_into(page, "input[type='text'], input[type='number']")
    every_way_out_asks(page, live_server, field, value)


# Helper buttons that fill the form in --------------------------------------------------


def test_seven_missions_split_evenly_are_still_unsaved(live_server, page, draft):
    """Step 3: seven typed missions, "Equal importance", then "Next": the
    question comes, and the seven missions are still there."""
    sign_in(page, live_server, "editor_a")
    page.goto(f"{live_server.url}/projects/{draft.pk}/step/3/")
    for _ in range(4):
        page.locator("#add-mission-row").click()
    rows = page.locator("tr.mission-row")
    for index in range(7):
        rows.nth(index).locator("input[name$='-name']").fill(f"ภารกิจรองที่ {index + 1}")
        rows.nth(index).locator("select[name$='-category']").select_option("secondary")
    page.locator("[data-category-total='secondary'] button[name='split']").click()
    points = [rows.nth(index).locator("input[name$='-points']").input_value() for index in range(7)]
    assert points == ["4.29", "4.29", "4.29", "4.29", "4.28", "4.28", "4.28"]
    expect(page.locator("#split-note")).to_contain_text("7")
    expect(page.locator("[data-category-total='secondary'] .difference")).to_have_text("ครบพอดี")
    leaving_asks(page, page.locator("#next-step").click)
    for index in range(7):
        expect(rows.nth(index).locator("input[name$='-name']")).to_have_value(f"ภารกิจรองที่ {index + 1}")
    # Other helpers of the page keep the work unsaved too.
    page.locator("#add-mission-row").click()
    page.locator("[data-category-total='main'] button[name='split']").click()
    leaving_asks(page, page.locator(".stepper-item a").first.click)


def test_equal_weights_alone_make_the_page_unsaved(live_server, page, draft):
    """Step 4: nothing typed, "Equal weights", then "Next": the weights the
    button gave are unsaved work too."""
    sign_in(page, live_server, "editor_a")
    page.goto(f"{live_server.url}/projects/{draft.pk}/step/4/")
    page.locator("#equal-weights").click()
    expect(page.locator("#weight-total")).to_have_text("100")
    leaving_asks(page, page.locator("#next-step").click)
    assert page.locator(".weight-input").first.input_value() == "11.12"


def test_indicators_added_or_copied_by_the_server_are_still_unsaved(live_server, page, draft):
    """Step 5: "Add an indicator" and copying an example answer with the
    form again (the server adds it): leaving afterwards asks first."""
    sign_in(page, live_server, "editor_a")
    page.goto(f"{live_server.url}/projects/{draft.pk}/step/5/")
    page.locator("input[name='indicators-0-name']").fill("ร้อยละของข้อมูลที่เป็นปัจจุบัน")
    count = page.locator(".indicator-form").count()
    page.locator("#add-indicator").click()
    expect(page.locator(".indicator-form")).to_have_count(count + 1)
    expect(page.locator("input[name='indicators-0-name']")).to_have_value("ร้อยละของข้อมูลที่เป็นปัจจุบัน")
    leaving_asks(page, page.locator("#next-step").click)
    page.locator("#indicator-examples details").first.locator("summary").click()
    page.locator("#indicator-examples button[name='use_example']").first.click()
    expect(page.locator(".indicator-form")).to_have_count(count + 2)
    leaving_asks(page, page.locator(".stepper-item a").first.click)
    leaving_asks(page, page.locator("nav.navbar a.nav-link").first.click)


def test_a_form_refused_by_the_server_is_still_unsaved(live_server, page, draft):
    sign_in(page, live_server, "editor_a")
    page.goto(f"{live_server.url}/projects/{draft.pk}/activities/new/?plan={draft.plans.get().pk}")
    page.locator("#id_title").fill("สำรวจความต้องการข้อมูล")
    page.get_by_role("button", name="บันทึก", exact=True).click()
    expect(page.locator(".invalid-feedback, .text-danger").first).to_be_visible()
    expect(page.locator("#id_title")).to_have_value("สำรวจความต้องการข้อมูล")
    leaving_asks(page, page.get_by_role("link", name="ยกเลิก").click)


# The committee's review ---------------------------------------------------------------


def test_the_committee_is_asked_before_its_comments_are_lost(
    live_server, page, ready_project, head_a, committee_member
):
    project_submit(project_id=ready_project.pk, user=head_a)
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    sign_in(page, live_server, "committee")
    page.goto(f"{live_server.url}/committee/projects/{ready_project.pk}/")
    comment = page.locator("#review-table textarea").first
    comment.fill("โปรดแนบหลักฐานเพิ่มเติม")
    assert not errors, errors
    every_way_out_asks(page, live_server, comment, "โปรดแนบหลักฐานเพิ่มเติม")
    # Refused (a decision without its confirmation): shown again, still unsaved.
    page.locator("input[name='kind']").first.check()
    page.get_by_role("button", name="บันทึกผลการพิจารณา").click()
    expect(page.locator("#review-form .alert-danger")).to_be_visible()
    expect(comment).to_have_value("โปรดแนบหลักฐานเพิ่มเติม")
    leaving_asks(page, page.locator("#next-step, .stepper-item a").first.click)
    assert not errors, errors


# A file chosen, and the rest refused --------------------------------------------------


def test_a_chosen_file_is_kept_when_the_progress_is_refused(live_server, page, planned_project, tmp_path):
    activity = Activity.objects.filter(plan__project=planned_project).order_by("pk").first()
    sign_in(page, live_server, "editor_a")
    page.goto(f"{live_server.url}/projects/{planned_project.pk}/activities/{activity.pk}/")
    report = tmp_path / "รายงานผล.pdf"
    report.write_bytes(b"%PDF-1.4\n%%EOF\n")
    page.locator("#id_status").select_option("done")
    page.locator("#id_percent").fill("80")  # a done activity is at 100: refused
    page.locator("#id_date").fill("30/9/2568")
    page.locator("#id_file").set_input_files(str(report))
    page.get_by_role("button", name="บันทึกความก้าวหน้า").click()
    expect(page.locator("#held-file")).to_contain_text("รายงานผล.pdf")
    assert not ActivityEvidence.objects.exists()
    leaving_asks(page, page.locator(".stepper-item a").first.click)
    page.locator("#id_percent").fill("100")
    page.get_by_role("button", name="บันทึกความก้าวหน้า").click()
    expect(page.get_by_text("บันทึกความก้าวหน้าแล้ว")).to_be_visible()
    expect(page.locator("#progress-history")).to_contain_text("รายงานผล.pdf")
    assert ActivityEvidence.objects.get().original_name == "รายงานผล.pdf"


# An ended session ---------------------------------------------------------------------


def test_what_was_typed_when_the_session_ended_comes_back(live_server, page, draft, settings):
    settings.SESSION_IDLE_MINUTES = 60
    sign_in(page, live_server, "editor_a")
    page.goto(f"{live_server.url}/projects/{draft.pk}/step/1/")
    page.locator("#id_vision").fill("วิสัยทัศน์ที่ใช้เวลาคิดนานกว่าหนึ่งชั่วโมง")
    expire_session(page, live_server, seconds_ago=61 * 60)
    page.get_by_role("button", name="บันทึก", exact=True).click()
    expect(page.locator("#id_username")).to_be_visible()  # signed out: the sign-in page
    draft.refresh_from_db()
    assert draft.vision == ""
    page.locator("#id_username").fill("editor_a")
    page.locator("#id_password").fill("pw-editor_a")
    page.locator("main form button[type='submit']").click()
    expect(page.locator("#kept-input-note")).to_be_visible()
    assert page.url.endswith(f"/projects/{draft.pk}/step/1/")
    expect(page.locator("#id_vision")).to_have_value("วิสัยทัศน์ที่ใช้เวลาคิดนานกว่าหนึ่งชั่วโมง")
    leaving_asks(page, page.locator("#next-step").click)  # put back, and not yet saved
    page.get_by_role("button", name="บันทึก", exact=True).click()
    expect(page.get_by_text("บันทึกขั้นตอนที่ 1 แล้ว")).to_be_visible()
    draft.refresh_from_db()
    assert draft.vision == "วิสัยทัศน์ที่ใช้เวลาคิดนานกว่าหนึ่งชั่วโมง"


def test_rows_added_in_the_page_come_back_after_the_session_ended(live_server, page, draft):
    sign_in(page, live_server, "editor_a")
    page.goto(f"{live_server.url}/projects/{draft.pk}/step/3/")
    for _ in range(3):
        page.locator("#add-mission-row").click()
    rows = page.locator("tr.mission-row")
    for index in range(6):
        rows.nth(index).locator("input[name$='-name']").fill(f"ภารกิจที่ {index + 1}")
    expire_session(page, live_server, seconds_ago=2 * 60 * 60)
    page.locator("#step-form").get_by_role("button", name="บันทึก", exact=True).click()
    page.locator("#id_username").fill("editor_a")
    page.locator("#id_password").fill("pw-editor_a")
    page.locator("main form button[type='submit']").click()
    expect(page.locator("#kept-input-note")).to_be_visible()
    expect(rows).to_have_count(6)
    for index in range(6):
        expect(rows.nth(index).locator("input[name$='-name']")).to_have_value(f"ภารกิจที่ {index + 1}")


def test_a_banner_warns_before_the_session_ends_and_stay_signed_in_keeps_it(
    live_server, page, draft, settings
):
    # A six-minute session warns two minutes ahead (a third of it; five
    # minutes ahead for a session of fifteen minutes or more).
    settings.SESSION_IDLE_MINUTES = 6
    sign_in(page, live_server, "editor_a")
    page.goto(f"{live_server.url}/projects/{draft.pk}/step/1/")
    box = page.locator("#session-warning-box")
    expect(box).to_be_hidden()
    # The last request 4 min 40 s ago: 80 seconds are left, and the next
    # page keeps that clock (the session is written every five minutes).
    expire_session(page, live_server, seconds_ago=280)
    page.goto(f"{live_server.url}/projects/{draft.pk}/step/2/")
    expect(box).to_be_visible()
    expect(box).to_contain_text("2")
    problems = axe_violations(page)
    assert not problems, problems
    assert time.time() - last_seen(page, live_server) > 270  # asking renews nothing
    page.locator("#session-stay").click()
    expect(box).to_be_hidden()
    assert time.time() - last_seen(page, live_server) < 30


def test_a_date_typed_in_the_buddhist_era_is_stored_and_shown(live_server, page, draft, screenshot):
    sign_in(page, live_server, "editor_a")
    page.goto(f"{live_server.url}/projects/{draft.pk}/activities/new/?plan={draft.plans.get().pk}")
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
    page.goto(f"{live_server.url}/projects/{draft.pk}/activities/{activity.pk}/")
    expect(page.locator("main")).to_contain_text("1 ธันวาคม 2569 – 31 มกราคม 2570")


def test_one_upload_supports_a_whole_column(live_server, page, draft, editor_a, tmp_path):
    from assessment.models import EvidenceFile
    from tests.factories import add_indicators, add_missions, fill_weights

    add_missions(draft, 4)
    fill_weights(draft)
    add_indicators(draft)
    assessment_round = services.round_create(project=draft, user=editor_a)
    cell = Assessment.objects.filter(round=assessment_round).order_by("pk").first()
    sign_in(page, live_server, "editor_a")
    page.goto(f"{live_server.url}/projects/{draft.pk}/rounds/1/cells/{cell.pk}/")
    survey = tmp_path / "แบบสำรวจ.pdf"
    survey.write_bytes(b"%PDF-1.4\n%%EOF\n")
    page.locator("#id_file").set_input_files(str(survey))
    page.get_by_label("ทุกภารกิจของตัวชี้วัดนี้ (ทั้งคอลัมน์)").check()
    page.get_by_role("button", name="แนบไฟล์", exact=True).click()
    expect(page.get_by_text("แนบไฟล์หลักฐาน แบบสำรวจ.pdf กับ 4 ช่องแล้ว")).to_be_visible()
    assert EvidenceFile.objects.filter(cell__indicator=cell.indicator).count() == 4
