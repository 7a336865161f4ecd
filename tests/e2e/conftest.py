"""Browser tests: Playwright driving the system Chromium against live_server."""

import os
from pathlib import Path

import pytest

# Playwright runs an event loop in the test thread; the ORM calls the tests
# make for their fixtures are still synchronous and safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
ARTIFACTS.mkdir(exist_ok=True)
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")

# A submission or a decision issues its dossier: the suite's tasks run at
# once, in the request, so the click waits for a rendering (seconds on a busy
# machine, over ten on a slow one).
DOSSIER_CLICK_MS = 60_000


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "th-TH", "viewport": {"width": 1280, "height": 900}}


@pytest.fixture
def screenshot(page):
    """Save a full-page screenshot under test-artifacts/ (git-ignored)."""

    def take(name: str) -> Path:
        path = ARTIFACTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


@pytest.fixture(autouse=True)
def short_timeouts(page):
    """Fail in seconds, not half a minute, when something is missing."""
    page.set_default_timeout(10_000)
    page.set_default_navigation_timeout(20_000)


# Accessibility ------------------------------------------------------------------
# Every page a browser test visits is audited with axe-core (from the npm
# registry, node_modules/axe-core) after the test, in Thai and in English, at
# 1366 and at 390 px wide:
# no critical and no serious violation may remain.

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
AUDITED_IMPACTS = {"critical", "serious"}
# The office screen and the phone: a page laid out differently on each (a
# table shown as cards, say) is audited as each person sees it.
AUDITED_SCREENS = ((1366, 768), (390, 844))
NOT_PAGES = ("/logout", "/accounts/logout", ".pdf", ".xlsx", ".zip", ".json", ".csv", "/static/", "/media/")


def axe_violations(page) -> list[str]:
    page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
        ".map(v => ({id: v.id, impact: v.impact, help: v.help,"
        " nodes: v.nodes.slice(0, 5).map(n => n.target.join(' '))}))"
    )
    return [
        f"{v['impact']} {v['id']} ({v['help']}): {', '.join(v['nodes'])}"
        for v in result
        if v["impact"] in AUDITED_IMPACTS
    ]


@pytest.fixture(autouse=True)
def accessible_pages(request, page, live_server):
    """Record the pages the test visits; audit each with axe afterwards."""
    visited: dict[str, None] = {}

    def seen(response):
        request = response.request
        if (
            request.resource_type == "document"
            and request.method == "GET"
            and response.status == 200
            and response.headers.get("content-type", "").startswith("text/html")
            and request.frame == page.main_frame
            and response.url.startswith(live_server.url)
        ):
            path = response.url[len(live_server.url) :].split("#")[0]
            if not any(marker in path for marker in NOT_PAGES):
                visited.setdefault(path)

    page.on("response", seen)
    yield
    page.remove_listener("response", seen)
    if request.node.get_closest_marker("no_axe") or not visited:
        return
    problems = []
    # A fresh tab of the same session: the test's page may hold unsaved work
    # and the test's own dialog handlers.
    auditor = page.context.new_page()
    for width, height in AUDITED_SCREENS:
        auditor.set_viewport_size({"width": width, "height": height})
        for language in ("th", "en"):
            page.context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
            for path in visited:
                auditor.goto(live_server.url + path)
                problems += [
                    f"[{language}, {width} px] {path}: {problem}" for problem in axe_violations(auditor)
                ]
    auditor.close()
    assert not problems, "axe found critical or serious violations:\n" + "\n".join(problems)


# Content-Security-Policy ------------------------------------------------------
# The policy forbids inline script and style: a page that needs them is
# broken under the policy, so any violation the browser reports fails the test.


@pytest.fixture(autouse=True)
def no_csp_violations(page):
    violations = []

    def seen(message):
        if "Content Security Policy" in message.text:
            violations.append(f"{page.url}: {message.text[:300]}")

    page.on("console", seen)
    yield
    page.remove_listener("console", seen)
    assert not violations, "CSP violations:\n" + "\n".join(violations)


def sign_in(page, live_server, username: str, password: str | None = None) -> None:
    """Sign in through the login page, and through two-step sign-in where the
    person has (or must set up) an authenticator app: the test reads the key
    the set-up page shows, as a person types it into their app."""
    import base64
    import binascii

    from django_otp.oath import TOTP
    from django_otp.plugins.otp_totp.models import TOTPDevice
    from playwright.sync_api import expect

    page.context.clear_cookies()
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("ชื่อผู้ใช้").fill(username)
    page.get_by_label("รหัสผ่าน").fill(password or "pw-" + username)
    page.get_by_role("button", name="เข้าสู่ระบบ").click()
    expect(page.get_by_role("button", name="เข้าสู่ระบบ")).to_have_count(0)
    if "/accounts/two-step/set-up/" in page.url:
        key = base64.b32decode(page.locator("#totp-key").inner_text().replace(" ", ""))
        page.locator("#id_code").fill(f"{TOTP(key).token():06d}")
        page.locator("#id_code").press("Enter")
        expect(page.locator("#recovery-codes li")).to_have_count(10)
        page.locator("main a.btn-primary").click()
    elif "/accounts/two-step/code/" in page.url:
        device = TOTPDevice.objects.get(user__username=username)
        TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1)  # the same 30 s may have signed in before
        page.locator("#id_code").fill(f"{TOTP(binascii.unhexlify(device.key)).token():06d}")
        page.locator("#id_code").press("Enter")
    expect(page.locator("#id_code")).to_have_count(0)
