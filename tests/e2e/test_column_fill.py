"""Filling a whole column of the grid over cells that hold something asks in
the column's header: replace them too, only the empty cells, or cancel —
and Cancel fills nothing (issue 23: a confirm() whose Cancel still filled
the empty cells)."""

import pytest
from playwright.sync_api import expect

from assessment.models import Assessment
from tests.e2e.conftest import sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_cancel_fills_nothing_and_the_other_answers_do_what_they_say(live_server, page, filled_project):
    project = filled_project
    first = Assessment.objects.filter(round__project=project).order_by("pk").first()
    Assessment.objects.filter(pk=first.pk).update(level=None)  # one empty cell in its column
    column = Assessment.objects.filter(round__project=project, indicator=first.indicator)
    sign_in(page, live_server, "editor_a")
    page.goto(f"{live_server.url}/projects/{project.pk}/rounds/1/")
    header = page.locator(f'th[data-indicator="{first.indicator_id}"]')
    choice = header.locator(".fill-choice")
    fill = page.locator(f"#fill-level-{first.indicator_id}")
    levels = page.locator('td[data-col] .level-select[name^="level-"]')
    cells = {cell.pk: page.locator(f'select[name="level-{cell.pk}"]') for cell in column}

    fill.select_option("3")
    expect(choice).to_be_visible()
    choice.get_by_role("button", name="ยกเลิก").click()
    expect(choice).to_be_hidden()
    expect(fill).to_have_value("")
    expect(cells[first.pk]).to_have_value("")  # nothing filled

    fill.select_option("3")
    choice.get_by_role("button", name="เฉพาะช่องว่าง").click()
    expect(cells[first.pk]).to_have_value("3")
    others = [pk for pk in cells if pk != first.pk]
    expect(cells[others[0]]).to_have_value("2")

    fill.select_option("1")
    choice.get_by_role("button", name="แทนที่ค่าเดิมด้วย").click()
    expect(cells[others[0]]).to_have_value("1")
    assert levels.count() > 0


def test_save_pressed_while_a_justification_is_open_saves(live_server, page, filled_project):
    """The justification box being written opens taller and closes when the
    person moves on: pressed at once, Save must still be pressed (found by
    make bench-first-project: the box closed under the pointer and the press
    missed)."""
    sign_in(page, live_server, "editor_a")
    page.goto(f"{live_server.url}/projects/{filled_project.pk}/rounds/1/")
    expect(page.locator("#assessment-grid[data-ready]")).to_be_attached()
    last = page.locator("td[data-cell] .just-input").last
    last.fill("เขียนยาว\n" * 6 + "แล้วกดบันทึกทันที")
    page.locator("#grid-form button[type=submit]:not([name])").click()
    expect(page.get_by_text("บันทึก 1 ช่องที่แก้ไขในรอบที่ 1 แล้ว")).to_be_visible()
