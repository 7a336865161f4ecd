"""``make screenshots``: the user guide's pictures, taken from the demo.

A throwaway SQLite database gets the migrations and ``seed_demo``; the app
is served on a free port; headless Chromium signs in as each kind of person
(the institute's people set up their two-step sign-in as a person would,
from the key the page shows) and photographs the pages the guide walks
through, in Thai and in English, into ``static/guide/<language>/``. Then an
editor of the demo agency builds a new project from nothing, typing into the
forms (``first_project``), and the pictures named ``new-…`` follow it. The
guide (``templates/guide/``) shows them, so it stays true when the pages
change."""

import base64
import contextlib
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "static" / "guide"
PASSWORD = "pso-demo-2543"

# (file, person, path) — paths with {renewal} and {historic} filled from the demo.
SHOTS = [
    ("agency-home", "lampang_head", "/"),
    ("agency-project", "lampang_head", "/projects/{renewal}/"),
    ("agency-step3", "lampang_editor", "/projects/{renewal}/step/3/"),
    ("agency-grid", "lampang_editor", "/projects/{renewal}/rounds/1/"),
    ("agency-results", "lampang_editor", "/projects/{historic}/results/"),
    ("agency-step7", "lampang_editor", "/projects/{historic}/step/7/"),
    ("agency-step9", "lampang_head", "/projects/{historic}/step/9/"),
    ("agency-members", "lampang_head", "/agencies/lampang-po/members/"),
    ("committee-dashboard", "committee", "/institute/?cohort={cohort}"),
    ("committee-queue", "committee", "/committee/"),
    ("committee-certificate", "committee", "/projects/{historic}/certificate/"),
    ("auditor-list", "auditor", "/audit/"),
    ("admin-people", "stdadmin", "/people/history/"),
    ("two-step", "auditor", "/accounts/two-step/"),
]

# The guide's first project (templates/guide/<language>/agency.html walks the
# same example): the demo agency starts a P.S.O. 2101 project from nothing and
# an editor types it in through the pages, as a person would. Each language
# types its own words; the numbers are the same, so the guide's worked
# example of the score (61.67) holds in both.
NEW_STANDARD = "P.S.O. 2101"
WEIGHTS = {"outputs": "30", "outcomes": "30", "ultimate_outcomes": "20", "prevention": "20"}
# Missions × indicators, in the grid's order: outputs (completed, on time),
# outcomes, ultimate outcomes, prevention.
LEVELS = [[2, 3, 2, 1, 2], [3, 3, 1, 2, 1], [2, 2, 2, 1, 0]]
EXAMPLE = {
    "th": {
        "vision": "ประชาชนจังหวัดลำปางได้รับบริการที่รวดเร็ว เป็นธรรม และพึงพอใจ",
        "mission_statement": "ขับเคลื่อนการพัฒนาจังหวัดและให้บริการประชาชนอย่างทั่วถึง",
        "goals": "ประชาชนได้รับบริการภายในเวลาที่กำหนด\nโครงการตามแผนพัฒนาจังหวัดบรรลุผล",
        "objectives": "วัดผลสัมฤทธิ์ของภารกิจทั้งสาม\nยกระดับคะแนนรวมให้ถึงเกณฑ์การรับรอง",
        # code, name, category, points, responsible unit
        "missions": [
            ("1", "จัดทำและขับเคลื่อนแผนพัฒนาจังหวัด", "main", "60", "กลุ่มงานยุทธศาสตร์การพัฒนาจังหวัด"),
            ("2", "รับเรื่องร้องเรียนและให้บริการประชาชน (ศูนย์ดำรงธรรม)", "secondary", "30", "ศูนย์ดำรงธรรมจังหวัด"),
            ("3", "บริหารงานทั่วไปและงบประมาณ", "support", "10", "กลุ่มงานบริหารทั่วไป"),
        ],
        # One indicator per criterion in the criteria's order, then a second one for outputs.
        "indicators": [
            ("ร้อยละของโครงการตามแผนที่ดำเนินการแล้วเสร็จ",
             ("เสร็จต่ำกว่าร้อยละ 50", "เสร็จร้อยละ 50–69", "เสร็จร้อยละ 70–89", "เสร็จร้อยละ 90 ขึ้นไป")),
            ("ร้อยละความพึงพอใจของผู้รับบริการ",
             ("ไม่มีการสำรวจความพึงพอใจ", "พึงพอใจต่ำกว่าร้อยละ 70", "พึงพอใจร้อยละ 70–84", "พึงพอใจร้อยละ 85 ขึ้นไป")),
            ("ความก้าวหน้าของผลลัพธ์บั้นปลายที่ภารกิจมุ่งหวัง",
             ("ยังไม่ได้ระบุผลลัพธ์บั้นปลาย", "ระบุแล้วแต่ยังไม่มีข้อมูลวัดผล", "มีข้อมูลวัดผลแต่ยังไม่ถึงค่าเป้าหมาย", "ถึงค่าเป้าหมายที่กำหนด")),
            ("มาตรการป้องกันผลที่ไม่พึงปรารถนา",
             ("ยังไม่ได้ระบุความเสี่ยง", "ระบุความเสี่ยงแล้ว", "มีมาตรการป้องกันและผู้รับผิดชอบ", "มีมาตรการ ติดตามผล และทบทวนทุกปี")),
            ("ร้อยละของงานที่เสร็จตามกำหนดเวลา",
             ("ไม่มีการติดตามกำหนดเวลา", "ตรงเวลาต่ำกว่าร้อยละ 60", "ตรงเวลาร้อยละ 60–84", "ตรงเวลาร้อยละ 85 ขึ้นไป")),
        ],
        "justifications": [
            ["โครงการตามแผนพัฒนาจังหวัดเสร็จ 31 จาก 40 โครงการ (ร้อยละ 78)",
             "รายงานความก้าวหน้ารายไตรมาสส่งตรงเวลา 11 จาก 12 ครั้ง (ร้อยละ 92)",
             "สำรวจหน่วยงานภาคี พึงพอใจร้อยละ 79",
             "ระบุผลลัพธ์บั้นปลายด้านความผาสุกแล้ว ยังไม่มีข้อมูลวัดผล",
             "มีทะเบียนความเสี่ยงของโครงการและผู้รับผิดชอบ ยังไม่ได้ติดตามผล"],
            ["เรื่องร้องเรียนยุติแล้ว 412 จาก 450 เรื่อง (ร้อยละ 92)",
             "ตอบรับเรื่องภายใน 15 วัน ร้อยละ 88",
             "สำรวจผู้ร้องเรียน พึงพอใจร้อยละ 64",
             "วัดความเป็นธรรมจากเรื่องอุทธรณ์ได้ แต่ยังไม่ถึงค่าเป้าหมาย",
             "ระบุความเสี่ยงเรื่องร้องเรียนซ้ำแล้ว ยังไม่มีมาตรการ"],
            ["งานจัดซื้อจัดจ้างตามแผนเสร็จร้อยละ 75",
             "เบิกจ่ายตรงเวลาร้อยละ 70",
             "ผู้รับบริการภายในพึงพอใจร้อยละ 80",
             "ระบุผลลัพธ์ด้านความประหยัดแล้ว ยังไม่มีข้อมูลวัดผล",
             "ยังไม่ได้ระบุความเสี่ยงของงานบริหารทั่วไป"],
        ],
        # Typed offline in the round's workbook (sheet cell, level, justification) ...
        "workbook": [("E5", 2, "สำรวจผู้ร้องเรียนรอบใหม่ พึงพอใจร้อยละ 76"),
                     ("G6", 1, "ระบุความเสี่ยงด้านการเบิกจ่ายแล้ว")],
        # ... while the head saves the second of those cells in the grid.
        "meanwhile": "ระบุความเสี่ยงด้านการเบิกจ่ายและจัดซื้อจัดจ้างแล้ว",
    },
    "en": {
        "vision": "The people of Lampang are served quickly, fairly and to their satisfaction.",
        "mission_statement": "Drive the province's development and serve every citizen.",
        "goals": "Citizens are served within the promised time\nThe provincial development plan achieves its results",
        "objectives": "Measure the results of the agency's three missions\nRaise the total score to the certification threshold",
        "missions": [
            ("1", "Drafting and driving the provincial development plan", "main", "60", "Provincial strategy group"),
            ("2", "Complaints and public service (Damrongtham centre)", "secondary", "30", "Provincial Damrongtham centre"),
            ("3", "General administration and budget", "support", "10", "General administration group"),
        ],
        "indicators": [
            ("Share of planned projects completed",
             ("Under 50% completed", "50–69% completed", "70–89% completed", "90% or more completed")),
            ("Share of service users satisfied",
             ("No satisfaction survey", "Under 70% satisfied", "70–84% satisfied", "85% or more satisfied")),
            ("Progress towards the mission's ultimate outcome",
             ("Ultimate outcome not named yet", "Named, nothing measured yet", "Measured, below its target value", "Target value reached")),
            ("Measures against undesirable outcomes",
             ("Risks not identified yet", "Risks identified", "Preventive measures, each with a person responsible", "Measures followed up and reviewed every year")),
            ("Share of work finished on time",
             ("Deadlines not tracked", "Under 60% on time", "60–84% on time", "85% or more on time")),
        ],
        "justifications": [
            ["31 of the plan's 40 projects completed (78%)",
             "11 of 12 quarterly reports sent on time (92%)",
             "Survey of partner agencies: 79% satisfied",
             "Well-being named as the ultimate outcome; nothing measured yet",
             "Project risk register with owners; not followed up yet"],
            ["412 of 450 complaints settled (92%)",
             "88% acknowledged within 15 days",
             "Survey of complainants: 64% satisfied",
             "Fairness measured through appeals; below its target",
             "Repeat complaints identified as a risk; no measure yet"],
            ["75% of planned procurement completed",
             "70% of payments on time",
             "Survey of internal users: 80% satisfied",
             "Economy named as the ultimate outcome; nothing measured yet",
             "Risks of general administration not identified yet"],
        ],
        "workbook": [("E5", 2, "New survey of complainants: 76% satisfied"),
                     ("G6", 1, "Payment risks identified")],
        "meanwhile": "Payment and procurement risks identified",
    },
}  # fmt: skip


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def demo_server(*, cohort: bool = True, tasks: str = "immediate"):
    """A throwaway demo (its own SQLite database and files, the demo's
    e-mails going nowhere) served on a free port; yields its address. Django
    is set up in this process on the same database, for the ORM calls of
    the callers. ``tasks``: "immediate" builds documents in the request (the
    pictures show them), "database" leaves them queued as production does."""
    scratch = Path(tempfile.mkdtemp(prefix="pso-demo-"))
    env = {
        **os.environ,
        "DJANGO_DEBUG": "1",
        "DATABASE_URL": f"sqlite:///{scratch / 'db.sqlite3'}",
        "MEDIA_ROOT": str(scratch / "media"),
        "DJANGO_TASKS": tasks,
        # The demo's e-mails (a second factor set up, say) go nowhere: a
        # throwaway run leaves nothing in the checkout's outbox.
        "EMAIL_URL": "dummy:",
    }
    python = [sys.executable, "manage.py"]
    subprocess.run([*python, "migrate", "--no-input", "-v", "0"], cwd=ROOT, env=env, check=True)
    seed = [*python, "seed_demo", "--password", PASSWORD] + ([] if cohort else ["--without-cohort"])
    subprocess.run(seed, cwd=ROOT, env=env, check=True)
    os.environ.update(env)
    os.environ["DJANGO_SETTINGS_MODULE"] = "pso_site.settings"
    # Playwright runs an event loop in this thread; the few ORM calls here are synchronous and safe.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    port = free_port()
    server = subprocess.Popen(
        [*python, "runserver", f"127.0.0.1:{port}", "--noreload"],
        cwd=ROOT,
        env=env,
        stderr=subprocess.DEVNULL,
    )
    try:
        time.sleep(3)
        yield f"http://127.0.0.1:{port}", scratch
    finally:
        server.terminate()
        server.wait(10)
        shutil.rmtree(scratch, ignore_errors=True)


def main() -> int:
    with demo_server() as (base, scratch):
        from django_otp.oath import TOTP
        from playwright.sync_api import sync_playwright

        from agencies.models import Cohort
        from assessment.models import Project

        ids = {
            "renewal": Project.objects.filter(agency__code="lampang-po").order_by("-fiscal_year").first().pk,
            "historic": Project.objects.filter(agency__code="lampang-po").order_by("fiscal_year").first().pk,
            "cohort": Cohort.objects.get().pk,
        }
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
            )
            for language in ("th", "en"):
                (OUT / language).mkdir(parents=True, exist_ok=True)
                pages = {}
                for name, person, path in SHOTS:
                    if person not in pages:
                        pages[person] = sign_in(browser, base, person, language, TOTP)
                    page = pages[person]
                    page.goto(base + path.format(**ids))
                    page.screenshot(path=str(OUT / language / f"{name}.png"))
                    print(f"{language}/{name}.png")
                first_project(pages["lampang_editor"], pages["lampang_head"], base, language, scratch)
                # One project per agency, standard and cycle: the next language
                # types the same project again, in its own words.
                Project.objects.filter(agency__code="lampang-po", standard__code="2101").delete()
                for page in pages.values():
                    page.context.close()
            browser.close()
    return 0


def shoot(page, language: str, name: str) -> None:
    page.screenshot(path=str(OUT / language / f"{name}.png"))
    print(f"{language}/{name}.png")


def submit(page, button: str) -> None:
    """Press a button that sends its form and wait for the page that answers."""
    with page.expect_navigation():
        page.locator(button).click()


SAVE = "#step-form button[type=submit]:not([name])"


def first_project(editor, head, base: str, language: str, scratch: Path) -> None:
    """A new project of the demo agency, from the home page to the results,
    typed as the guide says; ``head`` saves a cell meanwhile, so the
    workbook's preview shows a conflict."""
    import openpyxl

    text = EXAMPLE[language]
    page = editor
    page.goto(base + "/")
    submit(page, "#agency-lampang-po a[href$='/projects/new/']")
    standard = page.locator("#id_standard option", has_text=NEW_STANDARD).get_attribute("value")
    page.select_option("#id_standard", standard)  # the cycle stays the current fiscal year
    shoot(page, language, "new-create")
    submit(page, "main form button[type=submit]")
    project = page.url.rstrip("/")
    shoot(page, language, "new-project")

    submit(page, "#continue")
    page.fill("#id_vision", text["vision"])
    submit(page, SAVE)
    shoot(page, language, "new-step1")

    page.goto(f"{project}/step/2/")
    for name in ("mission_statement", "goals", "objectives"):
        page.fill(f"#id_{name}", text[name])
    submit(page, SAVE)

    page.goto(f"{project}/step/3/")
    for row, (code, name, category, points, unit) in enumerate(text["missions"]):
        page.fill(f"#id_missions-{row}-code", code)
        page.fill(f"#id_missions-{row}-name", name)
        page.select_option(f"#id_missions-{row}-category", category)
        page.fill(f"#id_missions-{row}-points", points)
        page.fill(f"#id_missions-{row}-responsible_unit", unit)
    submit(page, SAVE)
    shoot(page, language, "new-step3")

    page.goto(f"{project}/step/4/")
    for code, weight in WEIGHTS.items():
        page.fill(f"#id_weight_{code}", weight)
    submit(page, SAVE)

    page.goto(f"{project}/step/5/")  # a blank indicator per criterion, its criterion chosen
    submit(page, "#add-indicator")  # and one more, for the second indicator of outputs
    outputs = page.locator("#id_indicators-0-criterion").input_value()
    page.select_option("#id_indicators-4-criterion", outputs)
    for form, (name, conditions) in enumerate(text["indicators"]):
        page.fill(f"#id_indicators-{form}-name", name)
        page.fill(f"#id_indicators-{form}-weight", "1")  # the added form comes without its 1
        for level, condition in enumerate(conditions):
            page.fill(f"#id_indicators-{form}-level_{level}", condition)
    submit(page, SAVE)
    shoot(page, language, "new-step5")

    page.goto(f"{project}/step/6/")
    submit(page, "form[action$='/rounds/start/'] button[type=submit]")
    grid = page.url
    for row, levels in enumerate(LEVELS):
        for column, level in enumerate(levels):
            cell = page.locator(f"td[data-row='{row}'][data-col='{column}']")
            cell.locator(".level-select").select_option(str(level))
            cell.locator(".just-input").fill(text["justifications"][row][column])
    submit(page, "#grid-form button[type=submit]:not([name])")
    shoot(page, language, "new-grid")

    page.goto(f"{project}/results/")
    shoot(page, language, "new-results")
    page.locator("#drill-ultimate_outcomes summary").click()
    # From the heading above the drill-down to the end of the missions' scores.
    heading = page.locator("#drill-outputs").locator("xpath=preceding-sibling::h3[1]")
    heading.scroll_into_view_if_needed()
    top = heading.bounding_box()
    bottom = page.locator("#mission-table").bounding_box()
    column = page.locator("main .col-lg-9").bounding_box()
    page.screenshot(
        path=str(OUT / language / "new-drilldown.png"),
        clip={
            "x": column["x"] - 12,
            "y": top["y"] - 12,
            "width": column["width"] + 24,
            "height": bottom["y"] + bottom["height"] - top["y"] + 24,
        },
    )
    print(f"{language}/new-drilldown.png")

    page.goto(f"{project}/step/9/")
    page.locator("#readiness-checklist li").nth(5).evaluate(
        "element => window.scrollTo(0, element.getBoundingClientRect().top + window.scrollY - 80)"
    )
    shoot(page, language, "new-step9")

    # The round's workbook, filled offline while the head saves one of its cells in the grid.
    page.goto(grid)
    with page.expect_download() as download:
        page.click("#workbook-download")
    workbook_path = scratch / f"round-1-{language}.xlsx"
    download.value.save_as(workbook_path)
    workbook = openpyxl.load_workbook(workbook_path)
    levels_sheet, justifications_sheet = workbook.worksheets[:2]
    for address, level, justification in text["workbook"]:
        levels_sheet[address] = level
        justifications_sheet[address] = justification
    workbook.save(workbook_path)
    head.goto(grid)
    cell = head.locator("td[data-row='2'][data-col='4']")
    cell.locator(".level-select").select_option("1")
    cell.locator(".just-input").fill(text["meanwhile"])
    submit(head, "#grid-form button[type=submit]:not([name])")
    page.goto(grid)
    page.set_input_files("#id_workbook", str(workbook_path))
    submit(page, "#workbook-upload")
    shoot(page, language, "new-workbook")


def sign_in(browser, base: str, username: str, language: str, totp):
    context = browser.new_context(
        viewport={"width": 1280, "height": 800}, locale="th-TH" if language == "th" else "en-US"
    )
    page = context.new_page()
    page.goto(base + "/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.locator("main button[type=submit]").click()
    page.wait_for_load_state()
    if "/two-step/set-up/" in page.url:
        key = base64.b32decode(page.locator("#totp-key").inner_text().replace(" ", ""))
        page.fill("#id_code", f"{totp(key).token():06d}")
        page.press("#id_code", "Enter")
        page.wait_for_load_state()
        page.locator("main a.btn-primary").click()
    elif "/two-step/code/" in page.url:  # set up in the other language's round
        import binascii

        from django_otp.plugins.otp_totp.models import TOTPDevice

        device = TOTPDevice.objects.get(user__username=username)
        TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1)
        page.fill("#id_code", f"{totp(binascii.unhexlify(device.key)).token():06d}")
        page.press("#id_code", "Enter")
        page.wait_for_load_state()
    return page


if __name__ == "__main__":
    sys.exit(main())
