"""``make screenshots``: the user guide's pictures, taken from the demo.

A throwaway SQLite database gets the migrations and ``seed_demo``; the app
is served on a free port; headless Chromium signs in as each kind of person
(the institute's people set up their two-step sign-in as a person would,
from the key the page shows) and photographs the pages the guide walks
through, in Thai and in English, into ``static/guide/<language>/``. The guide
(``templates/guide/``) shows them, so it stays true when the pages change."""

import base64
import os
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


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def main() -> int:
    scratch = Path(tempfile.mkdtemp(prefix="pso-shots-"))
    env = {
        **os.environ,
        "DJANGO_DEBUG": "1",
        "DATABASE_URL": f"sqlite:///{scratch / 'db.sqlite3'}",
        "MEDIA_ROOT": str(scratch / "media"),
        "DJANGO_TASKS": "immediate",
    }
    python = [sys.executable, "manage.py"]
    subprocess.run([*python, "migrate", "--no-input", "-v", "0"], cwd=ROOT, env=env, check=True)
    subprocess.run([*python, "seed_demo", "--password", PASSWORD], cwd=ROOT, env=env, check=True)
    os.environ.update(env)
    os.environ["DJANGO_SETTINGS_MODULE"] = "pso_site.settings"
    # Playwright runs an event loop in this thread; the few ORM calls here are synchronous and safe.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django_otp.oath import TOTP
    from playwright.sync_api import sync_playwright

    from agencies.models import Cohort
    from assessment.models import Project

    ids = {
        "renewal": Project.objects.filter(agency__code="lampang-po").order_by("-fiscal_year").first().pk,
        "historic": Project.objects.filter(agency__code="lampang-po").order_by("fiscal_year").first().pk,
        "cohort": Cohort.objects.get().pk,
    }
    port = free_port()
    server = subprocess.Popen(
        [*python, "runserver", f"127.0.0.1:{port}", "--noreload"],
        cwd=ROOT,
        env=env,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        time.sleep(3)
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
                for page in pages.values():
                    page.context.close()
            browser.close()
    finally:
        server.terminate()
        server.wait(10)
    return 0


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
