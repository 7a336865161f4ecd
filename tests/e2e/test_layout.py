"""The pages fit the office screen (1366 × 768) and the phone (390 px) for
what each is for (issue 23): no page scrolls sideways; on the office screen
the working columns of step 3, step 5, the grid, the committee's queue and
its review are in view; on a phone, step 3 and the grid show one card per
mission and the lists show cards instead of tables; every button, link,
box and field of the page is at least 24 × 24 px (WCAG 2.5.8). The grid
shows the round's total as it will be saved, by the scoring module's rules.
Screenshots of each page at each width go to test-artifacts/layout-*.png;
axe audits every page visited at both widths (conftest.py)."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from agencies.catalogue import catalogue_load, read_catalogue
from agencies.models import Standard, UltimateOutcome
from assessment import services
from assessment.models import Assessment, AssessmentRound, Mission
from assessment.progress import progress_store
from assessment.results import ProjectData, display
from certification import services as certification
from plans.models import Activity
from tests.e2e.conftest import axe_violations, sign_in
from tests.pages import grow
from tests.utils import step_url

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

OFFICE = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}

# Every control a finger or a pointer aims at, in the page's main content.
TARGETS = "a[href], button, input:not([type=hidden]), select, textarea, summary"


def realistic(project):
    """Missions named, based in law, given a unit and outcomes as an agency
    writes them (long Thai text is what makes a column too narrow)."""
    outcomes = list(UltimateOutcome.objects.order_by("order"))
    for index, mission in enumerate(Mission.objects.filter(project=project).order_by("order")):
        mission.name = f"งานบริหารงานทั่วไปและประสานราชการส่วนภูมิภาคในจังหวัด {index + 1}"
        mission.legal_basis = "พระราชบัญญัติระเบียบบริหารราชการแผ่นดิน พ.ศ. 2534 มาตรา 52"
        mission.responsible_unit = "กลุ่มงานอำนวยการ สำนักงานจังหวัดลำปาง"
        mission.save()
        mission.outcomes.set(outcomes[index % 5 : index % 5 + 3])


@pytest.fixture
def projects(agency_a, editor_a, head_a, committee_member):
    """A submitted project (the committee's queue and review, progress) and
    a draft the agency is filling (steps 3 and 5, the grid, results)."""
    catalogue_load(data=read_catalogue())
    standard = Standard.objects.get(code="1101")
    submitted = services.project_create(agency=agency_a, standard=standard, fiscal_year=2026, user=editor_a)
    grow(submitted, editor_a, missions=6, indicators_per_criterion=2, rounds=1, plans=1, activities=2)
    realistic(submitted)
    certification.project_submit(project_id=submitted.pk, user=head_a)
    certification.project_decide(
        project_id=submitted.pk, user=committee_member, kind="request_changes", reason="โปรดแนบหลักฐานเพิ่ม"
    )
    certification.project_submit(project_id=submitted.pk, user=head_a)
    draft = services.project_create(agency=agency_a, standard=standard, fiscal_year=2027, user=editor_a)
    grow(draft, editor_a, missions=8, indicators_per_criterion=2, rounds=1, plans=1, activities=2)
    realistic(draft)
    Assessment.objects.filter(round__project=draft).update(level=2)
    services.round_score_store(assessment_round=draft.rounds.get())
    for project in (submitted, draft):
        progress_store(project)
    return submitted, draft


def page_overflow(page) -> int:
    return page.evaluate("document.scrollingElement.scrollWidth - window.innerWidth")


def small_targets(page) -> list[str]:
    """Controls in <main> smaller than 24 × 24 px. Not counted: what is not
    shown (zero size, inside a closed <details>), and what no one aims at
    (a helper marked aria-hidden and without pointer events)."""
    return page.evaluate(
        """selector => {
            const small = [];
            for (const element of document.querySelectorAll('main :is(' + selector + ')')) {
                const box = element.getBoundingClientRect();
                if (!box.width || !box.height) continue;
                const style = getComputedStyle(element);
                if (style.visibility === 'hidden' || style.pointerEvents === 'none') continue;
                if (element.closest('[aria-hidden="true"], .visually-hidden')) continue;
                if (box.width < 24 || box.height < 24) {
                    const name = element.getAttribute('name') || element.textContent.trim().slice(0, 30);
                    small.push(`${element.tagName.toLowerCase()} "${name}" ${box.width.toFixed(1)}×${box.height.toFixed(1)}`);
                }
            }
            return small;
        }""",
        TARGETS,
    )


def within_screen(page, selector: str) -> list[str]:
    """Elements of ``selector`` not wholly inside the window's width, or
    inside a box that has to scroll sideways to show them."""
    return page.evaluate(
        """selector => {
            const out = [];
            for (const element of document.querySelectorAll(selector)) {
                const box = element.getBoundingClientRect();
                if (!box.width) { out.push(selector + ' not shown'); continue; }
                if (box.left < 0 || box.right > window.innerWidth + 1) {
                    out.push(`${selector} at ${Math.round(box.left)}–${Math.round(box.right)} px`);
                }
                for (let box = element.parentElement; box && box !== document.body; box = box.parentElement) {
                    const overflow = getComputedStyle(box).overflowX;
                    if ((overflow === 'auto' || overflow === 'scroll') && box.scrollWidth > box.clientWidth + 1) {
                        out.push(`${selector} in a box that scrolls sideways by ${box.scrollWidth - box.clientWidth} px`);
                        break;
                    }
                }
            }
            return out;
        }""",
        selector,
    )


def check_page(page, name: str, screenshot, *, columns: tuple[str, ...] = ()) -> list[str]:
    """What is wrong with the page as shown now; its screenshot is taken."""
    width = page.viewport_size["width"]
    page.evaluate("document.fonts.ready")
    problems = []
    overflow = page_overflow(page)
    if overflow > 1:
        problems.append(f"{name} at {width} px scrolls sideways by {overflow} px")
    problems += [f"{name} at {width} px: small target {target}" for target in small_targets(page)]
    for selector in columns:
        problems += [f"{name} at {width} px: {problem}" for problem in within_screen(page, selector)]
    screenshot(f"layout-{name}-{width}")
    return problems


def test_the_working_pages_fit_an_office_screen(live_server, page, projects, screenshot):
    submitted, draft = projects
    page.set_viewport_size(OFFICE)
    problems = []
    sign_in(page, live_server, "editor_a")

    page.goto(live_server.url + step_url(draft, 3))
    expect(page.locator("tr.mission-row")).to_have_count(8 + 3)
    # The responsible unit is readable, not a 41 px box.
    unit = page.locator("input[name='missions-0-responsible_unit']")
    assert unit.bounding_box()["width"] >= 120
    problems += check_page(
        page,
        "step3",
        screenshot,
        columns=(
            "#missions-table th",
            "#missions-table tr.mission-row:first-child input[name$='-name']",
            "#missions-table tr.mission-row:first-child input[name$='-responsible_unit']",
            "#missions-table tr.mission-row:first-child .check-picker",
            "#missions-table tr.mission-row:first-child input[name$='-DELETE']",
        ),
    )

    page.goto(live_server.url + step_url(draft, 5))
    problems += check_page(
        page,
        "step5",
        screenshot,
        columns=(".indicator-form input[name$='-name']", ".indicator-form textarea[name$='-level_3']"),
    )

    page.goto(live_server.url + reverse("assessment:round", args=[draft.pk, 1]))
    expect(page.locator("#assessment-grid")).to_have_attribute("data-ready", "true")
    problems += check_page(page, "grid", screenshot)
    # The mission column, the first indicators, the total and the save button are in view...
    for locator in (
        page.locator("#assessment-grid tbody th.mission").first,
        page.locator("#assessment-grid td[data-col='0'] .level-select").first,
        page.locator("#assessment-grid td[data-col='2'] .just-input").first,
        page.locator("#projected-total"),
        page.get_by_role("button", name="บันทึกตาราง"),
    ):
        box = locator.bounding_box()
        assert box and 0 <= box["x"] and box["x"] + box["width"] <= OFFICE["width"], locator
        assert box["y"] + box["height"] <= OFFICE["height"] + page.evaluate("scrollY"), locator
    # ...and the mission column stays where it is while the indicators scroll past it.
    mission = page.locator("#assessment-grid tbody th.mission").first
    before = mission.bounding_box()["x"]
    page.locator(".grid-wrap").evaluate("wrap => { wrap.scrollLeft = 800; }")
    assert page.locator(".grid-wrap").evaluate("wrap => wrap.scrollLeft") > 0
    assert abs(mission.bounding_box()["x"] - before) < 1

    # The agency's other pages fit as well, and their controls are big enough.
    activity = Activity.objects.filter(plan__project=draft).order_by("pk").first()
    for name, path in (
        ("home", reverse("home")),
        ("results", reverse("assessment:results", args=[draft.pk])),
        ("notifications", reverse("agencies:notifications")),
        ("progress", reverse("plans:activity", args=[draft.pk, activity.pk])),
    ):
        page.goto(live_server.url + path)
        problems += check_page(page, name, screenshot)

    sign_in(page, live_server, "committee")
    page.goto(live_server.url + reverse("certification:committee_queue"))
    problems += check_page(page, "queue", screenshot, columns=("#project-table th", "#project-table td"))
    page.goto(live_server.url + reverse("certification:review", args=[submitted.pk]))
    problems += check_page(
        page,
        "review",
        screenshot,
        columns=("#review-table th", "#review-table tr.review-row:first-child td"),
    )
    assert not problems, "\n".join(problems)


def test_the_pages_fit_a_phone(live_server, page, projects, screenshot):
    submitted, draft = projects
    page.set_viewport_size(PHONE)
    problems = []
    sign_in(page, live_server, "head_a")
    activity = Activity.objects.filter(plan__project=draft).order_by("pk").first()
    for name, path in (
        ("home", reverse("home")),
        ("results", reverse("assessment:results", args=[draft.pk])),
        ("notifications", reverse("agencies:notifications")),
        ("progress", reverse("plans:activity", args=[draft.pk, activity.pk])),
        # Its readiness items that block or warn hold links on a tinted background.
        ("step9", step_url(draft, 9)),
    ):
        page.goto(live_server.url + path)
        problems += check_page(page, name, screenshot)
    # A project's status badges are whole, inside the screen.
    page.goto(live_server.url + reverse("home"))
    problems += [f"home: {problem}" for problem in within_screen(page, ".project-list .badge")]

    # Step 3: one card per mission, every field with its label over it.
    page.goto(live_server.url + step_url(draft, 3))
    problems += check_page(page, "step3", screenshot)
    card = page.locator("tr.mission-row").first
    assert card.evaluate("row => getComputedStyle(row).display") == "grid"
    labels = card.locator("td").evaluate_all(
        "cells => cells.map(cell => getComputedStyle(cell, '::before').content)"
    )
    assert labels[:4] == ['"ลำดับ"', '"ที่"', '"ภารกิจ"', '"ประเภท"'], labels
    assert card.bounding_box()["width"] <= PHONE["width"]
    page.goto(live_server.url + step_url(draft, 5))
    problems += check_page(page, "step5", screenshot)

    # The grid: one card per mission, each cell named by its indicator.
    page.goto(live_server.url + reverse("assessment:round", args=[draft.pk, 1]))
    expect(page.locator("#assessment-grid")).to_have_attribute("data-ready", "true")
    problems += check_page(page, "grid", screenshot)
    first = page.locator("#assessment-grid tbody tr").first
    assert first.evaluate("row => getComputedStyle(row).display") == "block"
    cell = first.locator("td[data-col='0']")
    assert cell.evaluate("cell => getComputedStyle(cell, '::before').content").startswith('"ความครอบคลุม · ')
    assert first.bounding_box()["width"] <= PHONE["width"]
    # A mission further down is a tap away.
    page.locator(".mission-jump a").nth(4).click()
    expect(page.locator("#assessment-grid tbody th.mission").nth(4)).to_be_in_viewport()
    # Saving stays at hand below the cards.
    expect(page.get_by_role("button", name="บันทึกตาราง")).to_be_in_viewport()

    sign_in(page, live_server, "committee")
    for name, path in (
        ("queue", reverse("certification:committee_queue")),
        ("review", reverse("certification:review", args=[submitted.pk])),
    ):
        page.goto(live_server.url + path)
        problems += check_page(page, name, screenshot)
    assert not problems, "\n".join(problems)


def expected_total(project, changes: dict) -> str:
    """The scoring module's total of the project's round with ``changes``
    ({(mission id, indicator id): level}) applied, as shown."""
    data = ProjectData.load(project).with_round(project.rounds.get())
    levels = dict(data.levels)
    levels.update({(str(mission), str(indicator)): level for (mission, indicator), level in changes.items()})
    return f"{display(data.score(levels=levels).total):f}"


def test_the_grid_shows_the_total_it_will_save(live_server, page, projects):
    _submitted, draft = projects
    page.set_viewport_size(OFFICE)
    sign_in(page, live_server, "editor_a")
    page.goto(live_server.url + reverse("assessment:round", args=[draft.pk, 1]))
    total = page.locator("#projected-total")
    saved = AssessmentRound.objects.get(project=draft).total_score
    expect(total).to_have_text(f"{saved:f}")

    # Two cells of the first mission, on different criteria, and one of the last.
    cells = {
        (cell.mission_id, cell.indicator_id): cell
        for cell in Assessment.objects.filter(round__project=draft).select_related("indicator")
    }
    missions = list(Mission.objects.filter(project=draft).order_by("order", "id"))
    indicators = list(draft.indicators.order_by("criterion__order", "order", "id"))
    changes = {
        (missions[0].pk, indicators[0].pk): 3,
        (missions[0].pk, indicators[5].pk): 0,
        (missions[-1].pk, indicators[17].pk): 1,
    }
    for (mission, indicator), level in changes.items():
        page.locator(f"select[name='level-{cells[mission, indicator].pk}']").select_option(str(level))
    shown = expected_total(draft, changes)
    assert shown != f"{saved:f}"
    expect(total).to_have_text(shown)
    # Cells marked as changed keep their links readable (colour contrast).
    expect(page.locator("#assessment-grid td.changed")).to_have_count(3)
    assert not axe_violations(page)
    page.get_by_role("button", name="บันทึกตาราง").click()
    expect(page.get_by_text("บันทึก 3 ช่องที่แก้ไขในรอบที่ 1 แล้ว")).to_be_visible()
    assert f"{AssessmentRound.objects.get(project=draft).total_score:f}" == shown
    expect(page.locator("#round-total")).to_have_text(shown)


def test_a_grid_of_several_pages_counts_the_others_as_saved(live_server, page, agency_a, editor_a):
    """15 missions × 18 indicators: two pages of missions. The total counts
    the changes on the page shown and the other page as saved."""
    catalogue_load(data=read_catalogue())
    project = services.project_create(
        agency=agency_a, standard=Standard.objects.get(code="1101"), fiscal_year=2027, user=editor_a
    )
    grow(project, editor_a, missions=15, indicators_per_criterion=2, rounds=1, plans=1, activities=1)
    # Levels that do not divide evenly: the total is a fraction of thirds.
    for index, cell in enumerate(Assessment.objects.filter(round__project=project).order_by("pk")):
        cell.level = index % 4
        cell.save(update_fields=["level"])
    services.round_score_store(assessment_round=project.rounds.get())
    page.set_viewport_size(OFFICE)
    sign_in(page, live_server, "editor_a")
    page.goto(live_server.url + reverse("assessment:round", args=[project.pk, 1]) + "?block=2")
    total = page.locator("#projected-total")
    expect(total).to_have_text(expected_total(project, {}))
    expect(page.locator("#projected")).to_contain_text("(")  # says the other page counts as saved
    select = page.locator("#assessment-grid td[data-cell] .level-select").first
    cell = Assessment.objects.get(pk=int(select.get_attribute("name").removeprefix("level-")))
    level = (cell.level + 2) % 4
    select.select_option(str(level))
    shown = expected_total(project, {(cell.mission_id, cell.indicator_id): level})
    expect(total).to_have_text(shown)
    page.get_by_role("button", name="บันทึกตาราง").click()
    expect(page.get_by_text("บันทึก 1 ช่องที่แก้ไขในรอบที่ 1 แล้ว")).to_be_visible()
    assert f"{AssessmentRound.objects.get(project=project).total_score:f}" == shown


def test_outcomes_are_check_boxes_that_send_what_the_list_sent(live_server, page, projects, screenshot):
    _submitted, draft = projects
    mission = Mission.objects.filter(project=draft).order_by("order", "id").first()
    chosen = set(mission.outcomes.values_list("pk", flat=True))
    outcomes = list(UltimateOutcome.objects.order_by("order"))
    page.set_viewport_size(OFFICE)
    sign_in(page, live_server, "editor_a")
    page.goto(live_server.url + step_url(draft, 3))
    picker = page.locator("tr.mission-row").first.locator(".check-picker")
    chips = picker.locator(".chip")
    expect(chips).to_have_count(len(chosen))
    picker.locator("summary").click()
    added, removed = outcomes[-1], next(o for o in outcomes if o.pk in chosen)
    picker.get_by_label(added.name_th).check()
    picker.get_by_label(removed.name_th).uncheck()
    expect(chips).to_have_text([o.name_th for o in outcomes if o.pk in (chosen | {added.pk}) - {removed.pk}])
    screenshot("layout-step3-outcomes-1366")
    with page.expect_request(lambda request: request.method == "POST") as posted:
        page.locator("#step-form").get_by_role("button", name="บันทึก", exact=True).click()
    form = posted.value.post_data
    assert f"missions-0-outcomes={added.pk}" in form
    expect(page.get_by_text("บันทึกขั้นตอนที่ 3 แล้ว")).to_be_visible()
    assert set(mission.outcomes.values_list("pk", flat=True)) == (chosen | {added.pk}) - {removed.pk}


WRITTEN = "\n".join(
    [
        "มีคำสั่งแต่งตั้งคณะทำงาน",
        "มีรายงานการประชุมทุกเดือน",
        "มีแผนปฏิบัติการประจำปี",
        "มีรายงานผลการดำเนินงาน",
        "มีการเผยแพร่บนเว็บไซต์",
        "มีการติดตามผล",
    ]
)


def test_a_justification_opens_larger_while_it_is_written(live_server, page, projects, screenshot):
    _submitted, draft = projects
    page.set_viewport_size(OFFICE)
    sign_in(page, live_server, "editor_a")
    page.goto(live_server.url + reverse("assessment:round", args=[draft.pk, 1]))
    text = page.locator("#assessment-grid .just-input").first
    closed = text.bounding_box()["height"]
    text.click()
    text.fill(WRITTEN)
    opened = text.bounding_box()["height"]
    assert opened >= max(2 * closed, 120), (closed, opened)
    assert text.evaluate("t => t.scrollHeight <= t.clientHeight + 1")  # every line in view
    screenshot("layout-grid-writing-1366")
    page.locator("#assessment-grid .level-select").nth(1).focus()
    # The box closes a moment after focus leaves (grid.js), so a press on
    # what it covered lands first.
    expect(text).not_to_have_class(re.compile(r"\bopen\b"))
    assert text.bounding_box()["height"] < opened
    expect(text).to_have_value(WRITTEN)
