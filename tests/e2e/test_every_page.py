"""Every main page, as each kind of person sees it, in a browser: axe finds
no critical or serious violation (the audit runs after the test, in Thai
and English, tests/e2e/conftest.py), and nothing scrolls sideways on a
390 px phone."""

import pytest
from django.urls import reverse

from agencies.catalogue import catalogue_load, read_catalogue
from agencies.models import Standard
from assessment import services
from certification import services as certification
from certification.models import Certificate
from tests.e2e.conftest import sign_in
from tests.pages import agency_pages, grow, institute_pages

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def certified(agency_a, editor_a, head_a, committee_member):
    catalogue_load(data=read_catalogue())
    project = services.project_create(
        agency=agency_a, standard=Standard.objects.get(code="1101"), fiscal_year=2026, user=editor_a
    )
    grow(project, editor_a, missions=6, indicators_per_criterion=2, rounds=2, plans=2, activities=3)
    certification.project_submit(project_id=project.pk, user=head_a)
    certification.project_decide(
        project_id=project.pk, user=committee_member, kind="request_changes", reason="โปรดแนบหลักฐานเพิ่ม"
    )
    certification.project_submit(project_id=project.pk, user=head_a)
    return project


DOWNLOADS = ("evidence/", "/archive/", ".xlsx", ".pdf", "download=")


def visit_all(page, live_server, paths, *, phone: bool):
    """Open each page (downloads aside); on a phone, none may be wider than the screen."""
    wide = []
    for path in paths:
        if any(marker in path for marker in DOWNLOADS):
            continue
        response = page.goto(live_server.url + path)
        assert response.status in (200, 404), (path, response.status)
        if phone:
            overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            if overflow > 1:
                wide.append(f"{path} scrolls sideways by {overflow} px")
                page.screenshot(path=f"test-artifacts/wide-{len(wide)}.png")
    assert not wide, "at 390 px:\n" + "\n".join(wide)


@pytest.mark.parametrize("width", [1366, 390])
def test_every_page_as_each_person(live_server, page, certified, committee_member, auditor, width):
    page.set_viewport_size({"width": width, "height": 900})
    phone = width == 390
    sign_in(page, live_server, "head_a")
    agency = [path for path in agency_pages(certified) if "/new/" not in path and "/edit/" not in path]
    visit_all(page, live_server, agency, phone=phone)
    sign_in(page, live_server, "committee")
    two_step = [reverse("agencies:two_factor"), reverse("agencies:two_factor_setup")]
    visit_all(page, live_server, [*institute_pages(certified), *two_step], phone=phone)
    page.screenshot(path=f"test-artifacts/two-step-set-up-{width}.png", full_page=True)
    visit_all(page, live_server, [reverse("certification:dashboard"), reverse("verify_lookup")], phone=phone)
    page.goto(live_server.url + reverse("certification:dashboard"))
    page.screenshot(path=f"test-artifacts/dashboard-{width}.png", full_page=True)
    certification.project_decide(project_id=certified.pk, user=committee_member, kind="certify")
    certificate = Certificate.objects.get(project=certified)
    visit_all(page, live_server, [reverse("certification:certificate", args=[certified.pk])], phone=phone)
    page.context.clear_cookies()
    visit_all(
        page,
        live_server,
        [
            reverse("verify", args=[certificate.token]),
            "/accounts/login/",
            reverse("guide_home"),
            reverse("guide", args=["committee"]),
        ],
        phone=phone,
    )
