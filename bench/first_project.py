"""``make bench-first-project``: what a first-time agency head needs to reach
submission, measured as a person would in Chromium (issue 23).

A throwaway SQLite demo; the demo's head signs in and, from the home page,
creates a new P.S.O. 2101 project, types steps 1–5 as the guide's example
does (scripts/screenshots.py), starts round 1 and gives every cell a level
and a justification, sets the targets, adds one plan with one activity,
and submits from step 9. Every click, choice and typed field is counted;
the app's own time (each page's load) is measured; a person's time is
estimated from the counts (typing 150 characters a minute, 3 seconds to find
and press each control). Prints the counts, the estimate and the app's time."""

import os
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))
import screenshots as guide  # noqa: E402  (the guide's example, typed the same way)

CHARACTERS_PER_MINUTE = 150
SECONDS_PER_CONTROL = 3


@dataclass
class Walk:
    page: object
    clicks: int = 0
    choices: int = 0
    fields: int = 0
    characters: int = 0
    loads: int = 0
    app_seconds: float = 0.0
    steps: list = field(default_factory=list)

    def goto(self, url: str) -> None:
        started = time.perf_counter()
        self.page.goto(url)
        self.app_seconds += time.perf_counter() - started
        self.loads += 1

    def fill(self, selector: str, text: str) -> None:
        self.page.fill(selector, text)
        self.fields += 1
        self.characters += len(text)

    def choose(self, selector: str, value: str) -> None:
        self.page.select_option(selector, value)
        self.choices += 1

    def tick(self, selector: str) -> None:
        self.page.check(selector)
        self.choices += 1

    def press(self, selector: str, *, navigates: bool = True) -> None:
        started = time.perf_counter()
        if navigates:
            with self.page.expect_navigation():
                self.page.locator(selector).first.click()
            self.loads += 1
        else:
            self.page.locator(selector).first.click()
        self.app_seconds += time.perf_counter() - started
        self.clicks += 1

    def mark(self, name: str) -> None:
        self.steps.append((name, self.clicks + self.choices, self.fields, self.characters))

    @property
    def person_minutes(self) -> float:
        return (
            self.characters / CHARACTERS_PER_MINUTE + (self.clicks + self.choices) * SECONDS_PER_CONTROL / 60
        )


def walk(page, base: str) -> Walk:
    text = guide.EXAMPLE["th"]
    w = Walk(page)
    w.goto(base + "/")
    w.press("#agency-lampang-po a[href$='/projects/new/']")
    standard = page.locator("#id_standard option", has_text=guide.NEW_STANDARD).get_attribute("value")
    w.choose("#id_standard", standard)
    w.press("main form button[type=submit]")
    project = page.url.rstrip("/")
    w.mark("project created")

    w.press("#continue")
    w.fill("#id_vision", text["vision"])
    w.press(guide.SAVE)
    w.mark("step 1")
    w.goto(f"{project}/step/2/")
    for name in ("mission_statement", "goals", "objectives"):
        w.fill(f"#id_{name}", text[name])
    w.press(guide.SAVE)
    w.mark("step 2")
    w.goto(f"{project}/step/3/")
    for row, (code, name, category, points, unit) in enumerate(text["missions"]):
        w.fill(f"#id_missions-{row}-code", code)
        w.fill(f"#id_missions-{row}-name", name)
        w.choose(f"#id_missions-{row}-category", category)
        w.fill(f"#id_missions-{row}-points", points)
        w.fill(f"#id_missions-{row}-responsible_unit", unit)
    w.press(guide.SAVE)
    w.mark("step 3")
    w.goto(f"{project}/step/4/")
    for code, weight in guide.WEIGHTS.items():
        w.fill(f"#id_weight_{code}", weight)
    w.press(guide.SAVE)
    w.mark("step 4")
    w.goto(f"{project}/step/5/")
    w.press("#add-indicator")
    outputs = page.locator("#id_indicators-0-criterion").input_value()
    w.choose("#id_indicators-4-criterion", outputs)
    for form, (name, conditions) in enumerate(text["indicators"]):
        w.fill(f"#id_indicators-{form}-name", name)
        for level, condition in enumerate(conditions):
            w.fill(f"#id_indicators-{form}-level_{level}", condition)
    w.press(guide.SAVE)
    w.mark("step 5")

    w.goto(f"{project}/step/6/")
    w.press("form[action$='/rounds/start/'] button[type=submit]")
    for row in range(len(text["missions"])):
        for column in range(len(text["indicators"])):
            cell = f"td[data-row='{row}'][data-col='{column}']"
            w.choose(f"{cell} .level-select", "3")  # what readiness asks: every criterion at 2 or more
            w.fill(f"{cell} .just-input", text["justifications"][row][column])
    w.press("#grid-form button[type=submit]:not([name])")
    w.mark("step 6 (15 cells)")

    w.goto(f"{project}/step/7/")
    for select in page.locator("select[name^='target_']").all():
        select.select_option("3")
        w.choices += 1
    w.press("#step-form button[type=submit]:not([name]), main form button[type=submit]")
    w.goto(f"{project}/plans/new/")
    w.fill("#id_name", "แผนยกระดับผลสัมฤทธิ์")
    for box in page.locator("input[name='criteria']").all():
        box.check()
        w.choices += 1
    w.press("main form button[type=submit]")
    w.goto(f"{project}/activities/new/")
    w.choose("#id_plan", page.locator("#id_plan option").nth(1).get_attribute("value"))
    w.fill("#id_title", "สำรวจความพึงพอใจผู้รับบริการทุกไตรมาส")
    w.choose("#id_phase", "short")
    w.fill("#id_start_date", "1/10/2569")
    w.fill("#id_end_date", "31/12/2569")
    w.fill("#id_responsible_name", "นางสาวสุดา รักงาน")
    w.press("main form button[type=submit]")
    w.mark("step 7 (targets, a plan, an activity)")

    w.goto(f"{project}/step/9/")
    if not page.locator("#confirm-submit").count():
        raise SystemExit("Not ready to submit:\n" + page.locator("main").inner_text())
    w.tick("#confirm-submit")
    w.press("#submit-form button[type=submit]")
    w.mark("step 9 submitted")
    return w


def main() -> int:
    # Documents queued as in production: the request does not render them.
    with guide.demo_server(cohort=False, tasks="database") as (base, _scratch):
        from playwright.sync_api import sync_playwright

        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
            )
            context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="th-TH")
            page = context.new_page()
            page.goto(base + "/accounts/login/")
            page.fill("#id_username", "lampang_head")
            page.fill("#id_password", guide.PASSWORD)
            with page.expect_navigation():
                page.locator("main button[type=submit]").click()
            w = walk(page, base)
            status = page.locator(".alert").first.inner_text()
            browser.close()
    print(f"{'stage':<40} {'controls':>8} {'fields':>7} {'characters':>11}")
    for name, controls, fields, characters in w.steps:
        print(f"{name:<40} {controls:>8} {fields:>7} {characters:>11}")
    print(
        f"\nclicks {w.clicks}, choices {w.choices}, fields typed {w.fields} ({w.characters} characters), "
        f"page loads {w.loads}\nperson ≈ {w.person_minutes:.0f} minutes "
        f"({CHARACTERS_PER_MINUTE} characters a minute, {SECONDS_PER_CONTROL} s a control); "
        f"the app's own time {w.app_seconds:.1f} s\nlast message: {status}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
