"""Every page stays within an absolute number of queries, whatever the size
of the project: the same cap for a small project and for a large one (many
missions, indicators, rounds, plans, activities, progress, evidence, history,
reviews). django-zeal, on for every request of the suite, refuses a query
repeated per row on top of that."""

import io

import pytest
from django.urls import reverse

from agencies.models import Membership
from assessment import services
from assessment.models import Project
from certification import services as certification
from certification.models import Certificate
from tests.pages import agency_pages, grow, institute_pages
from tests.utils import review_form

pytestmark = pytest.mark.django_db

# 17: a page of the institute's people reads their second factor's device
# (agencies/twofactor.py) on top of the session, the user and the roles, and
# every page counts the person's unread notifications for the navigation.
CAP = 17
# The whole record as one download (the archive: steps 1–9, plans, the
# committee, the certificate, dossiers, files) reads every kind of row once:
# its own absolute cap, the same at any size.
WHOLE_RECORD_CAP = 32
WHOLE_RECORD = ("/archive/",)


SIZES = {
    "small": {"missions": 3, "indicators_per_criterion": 1, "rounds": 1, "plans": 1, "activities": 1},
    "large": {"missions": 15, "indicators_per_criterion": 2, "rounds": 3, "plans": 4, "activities": 5},
}


@pytest.fixture(params=sorted(SIZES))
def grown(request, project, editor_a, head_a, committee_member, client, django_capture_on_commit_callbacks):
    """A project of each size that has been through a committee round trip:
    submitted, reviewed with comments, sent back, resubmitted."""
    grow(project, editor_a, **SIZES[request.param])
    with django_capture_on_commit_callbacks(execute=True):
        certification.project_submit(project_id=project.pk, user=head_a)
        client.force_login(committee_member)
        changes = {f"comment_{c.code}": "โปรดเพิ่มหลักฐาน" for c in project.criteria.all()}
        client.post(
            reverse("certification:review", args=[project.pk]), review_form(client, project, **changes)
        )
        certification.project_decide(
            project_id=project.pk, user=committee_member, kind="request_changes", reason="เพิ่มหลักฐาน"
        )
    return project


@pytest.fixture
def assert_capped(django_assert_max_num_queries):
    def check(client, urls):
        for url in urls:
            cap = WHOLE_RECORD_CAP if any(marker in url for marker in WHOLE_RECORD) else CAP
            with django_assert_max_num_queries(cap, info=url):
                response = client.get(url)
            assert response.status_code in (200, 302), (url, response.status_code)

    return check


def test_every_page_stays_within_the_cap(
    client, grown, head_a, committee_member, auditor, django_capture_on_commit_callbacks, assert_capped
):
    # Changes requested: the agency edits, the committee's comments show;
    # the institute reads the submitted version.
    client.force_login(head_a)
    assert_capped(client, agency_pages(grown))
    for user in (committee_member, auditor):
        client.force_login(user)
        assert_capped(client, [reverse("certification:submitted", args=[grown.pk])])
    client.force_login(head_a)
    # Resubmitted: read-only for the agency, under review for the institute.
    with django_capture_on_commit_callbacks(execute=True):
        certification.project_submit(project_id=grown.pk, user=head_a)
    read_only = [url for url in agency_pages(grown) if "/new/" not in url and "edit" not in url]
    assert_capped(client, read_only)
    client.force_login(committee_member)
    assert_capped(client, [url for url in institute_pages(grown) if "audit" not in url])
    client.force_login(auditor)
    assert_capped(client, [url for url in institute_pages(grown) if "committee" not in url])
    # Certified: the certificate, its public page, the project of record.
    with django_capture_on_commit_callbacks(execute=True):
        certification.project_decide(project_id=grown.pk, user=committee_member, kind="certify")
    certificate = Certificate.objects.get(project=grown)
    for user in (head_a, committee_member, auditor):
        client.force_login(user)
        assert_capped(
            client,
            [
                reverse("certification:certificate", args=[grown.pk]),
                reverse("assessment:project", args=[grown.pk]),
                reverse("certification:dossier", args=[grown.pk]),
            ],
        )
    client.logout()
    assert_capped(client, [reverse("verify", args=[certificate.token])])


def test_the_standards_administrators_pages_stay_within_the_cap(
    client, standards_admin, agency_b, assert_capped
):
    client.force_login(standards_admin)
    assert_capped(
        client,
        [
            reverse("home"),
            reverse("catalogue"),
            reverse("agencies:people_history"),
            reverse("agencies:first_head", args=[agency_b.code]),
            reverse("agencies:agency_create"),
            reverse("agencies:two_factor"),
            reverse("agencies:two_factor_setup"),
        ],
    )


def test_the_home_page_of_a_head_of_many_agencies_stays_within_the_cap(
    client, project, head_a, agency_b, assert_capped
):
    for number in range(12):
        agency = type(agency_b).objects.create(
            code=f"extra-{number}", name_th=f"หน่วยงาน {number}", kind="department"
        )
        Membership.objects.create(user=head_a, agency=agency, role=Membership.Role.HEAD)
        services.project_create(agency=agency, standard=project.standard, fiscal_year=2025)
    client.force_login(head_a)
    assert_capped(client, [reverse("home")])
    assert Project.objects.count() == 13


def test_the_csv_exports_stay_within_the_cap(client, grown, head_a, committee_member, assert_capped):
    """The results and plans as CSV, each table, as the agency and the institute read them."""
    results = reverse("assessment:results_csv", args=[grown.pk])
    tables = ["criteria", "missions"] + (["rounds"] if grown.rounds.count() > 1 else [])
    urls = [f"{results}?table={table}" for table in tables]
    urls += [f"{reverse('plans:csv', args=[grown.pk])}?table={table}" for table in ("activities", "progress")]
    for user in (head_a, committee_member):
        client.force_login(user)
        assert_capped(client, urls)


def test_the_outbox_stays_within_the_cap(client, settings, tmp_path, assert_capped):
    """Development e-mail (EMAIL_URL=outbox:): the list and a message, however many were sent."""
    from django.core.mail import EmailMultiAlternatives

    from pso_site.lib import outbox
    from pso_site.lib.env import OUTBOX_BACKEND
    from tests.conftest import make_user, second_factor_device

    settings.EMAIL_BACKEND, settings.EMAIL_FILE_PATH = OUTBOX_BACKEND, str(tmp_path / "outbox")
    messages = [EmailMultiAlternatives(f"เรื่องที่ {n}", "ข้อความ", to=[f"p{n}@example.go.th"]) for n in range(30)]
    outbox.EmailBackend(stream=io.StringIO()).send_messages(messages)
    root = make_user("root", is_superuser=True, is_staff=True)
    second_factor_device(root)
    client.force_login(root)
    name = outbox.kept(limit=1)[0].name
    assert_capped(client, [reverse("outbox"), reverse("outbox_mail", args=[name])])
