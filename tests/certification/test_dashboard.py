"""The institute's dashboard: figures counted by hand on a small cohort,
filters that narrow them, the table's export, and the query cap."""

import datetime
import io
from fractions import Fraction

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from agencies.models import Agency, Cohort, Standard
from assessment import services
from assessment.models import Project
from certification.models import Certificate
from certification.services import project_decide

pytestmark = pytest.mark.django_db
DASHBOARD = reverse("certification:dashboard")
TODAY = timezone.localdate()


@pytest.fixture
def cohort(submitted_project, agency_a, agency_b, committee_member, head_a):
    """Agency A: its submitted project, certified 2 years and 300 days ago
    (ends in about 65 days). Agency B: a draft. An agency outside the cohort
    with a draft."""
    project_decide(
        project_id=submitted_project.pk,
        user=committee_member,
        kind="certify",
        valid_from=TODAY - datetime.timedelta(days=2 * 365 + 300),
    )
    services.project_create(agency=agency_b, standard=submitted_project.standard, fiscal_year=2025)
    elsewhere = Agency.objects.create(code="agency-c", name_th="หน่วยงานอื่น", kind=Agency.Kind.DEPARTMENT)
    services.project_create(agency=elsewhere, standard=submitted_project.standard, fiscal_year=2024)
    group = Cohort.objects.create(name="ลำปาง 2543", signed_on=datetime.date(2000, 9, 22))
    group.agencies.set([agency_a, agency_b])
    return group


def test_the_figures_of_a_cohort(client, cohort, committee_member, submitted_project):
    client.force_login(committee_member)
    response = client.get(DASHBOARD, {"cohort": cohort.pk})
    assert response.status_code == 200
    context = response.context
    assert context["total"] == 2
    assert context["counts"][Project.Status.CERTIFIED] == 1
    assert context["counts"][Project.Status.DRAFT] == 1
    assert [c.project_id for c in context["expiring"]] == [submitted_project.pk]
    assert context["ending"] == {"within_90": 1, "within_180": 1}
    workload = context["workload"]
    assert (workload.waiting, workload.in_review, workload.changes_requested) == (0, 0, 0)
    assert workload.average_days_to_decision is not None and workload.average_days_to_decision >= 0
    assert context["years"] == [{"fiscal_year": 2025, "started": 2, "submitted": 1, "certified": 1}]
    page = response.content.decode()
    assert "สำนักงานคลังจังหวัดลำปาง" in page  # the draft agency is listed …
    assert f'href="{reverse("assessment:project", args=[submitted_project.pk])}"' in page
    assert "หน่วยงานอื่น" not in page  # … the one outside the cohort is not


def test_without_a_filter_every_project_counts(client, cohort, standards_admin):
    client.force_login(standards_admin)
    context = client.get(DASHBOARD).context
    assert context["total"] == 3
    assert {row["fiscal_year"]: row["started"] for row in context["years"]} == {2025: 2, 2024: 1}


def test_the_ministry_filter_takes_its_departments_and_their_offices(
    client, cohort, committee_member, agency_a
):
    ministry = Agency.objects.create(code="moi", name_th="กระทรวงมหาดไทย", kind=Agency.Kind.MINISTRY)
    department = Agency.objects.create(
        code="dopa", name_th="กรม", kind=Agency.Kind.DEPARTMENT, parent=ministry
    )
    agency_a.parent = department
    agency_a.save()
    client.force_login(committee_member)
    assert client.get(DASHBOARD, {"ministry": ministry.pk}).context["total"] == 1


def test_the_list_downloads_and_sorts_by_step(client, cohort, committee_member):
    client.force_login(committee_member)
    rows = (
        client.get(DASHBOARD, {"cohort": cohort.pk, "download": "csv"})
        .content.decode("utf-8-sig")
        .splitlines()
    )
    assert len(rows) == 3  # a header and two projects
    page = client.get(DASHBOARD, {"cohort": cohort.pk, "sort": "step"})
    assert [p.status for p in page.context["page"]] == [Project.Status.DRAFT, Project.Status.CERTIFIED]


def test_a_bad_filter_is_said_and_shows_nothing(client, cohort, committee_member):
    client.force_login(committee_member)
    response = client.get(DASHBOARD, {"cohort": "999999"})
    assert response.status_code == 200
    assert 'id="filter-errors"' in response.content.decode()


def test_agency_staff_and_auditors_get_a_404(client, cohort, head_a, auditor):
    for person in (head_a, auditor):
        client.force_login(person)
        assert client.get(DASHBOARD).status_code == 404


def test_the_dashboard_stays_within_its_cap_at_any_size(
    client, cohort, committee_member, submitted_project, django_assert_max_num_queries
):
    client.force_login(committee_member)
    with django_assert_max_num_queries(DASHBOARD_CAP):
        client.get(DASHBOARD, {"cohort": cohort.pk})
    for number in range(30):
        agency = Agency.objects.create(code=f"more-{number}", name_th=f"หน่วยงาน {number}", kind="department")
        cohort.agencies.add(agency)
        services.project_create(agency=agency, standard=submitted_project.standard, fiscal_year=2025)
    with django_assert_max_num_queries(DASHBOARD_CAP):
        response = client.get(DASHBOARD, {"cohort": cohort.pk})
    assert response.context["total"] == 32
    assert Certificate.objects.count() == 1


# The dashboard's own absolute cap (the pages' is 17): the filter's four
# lists of choices, seven figures (the chart's included), the page of projects
# and its count, on top of the session, the person, their second factor and
# the unread notifications (22 measured).
DASHBOARD_CAP = 22


def test_the_demo_cohort_as_counted_by_hand(client):
    """``seed_demo``: the ลำปาง 2543 cohort of 35 agencies (the Provincial
    Office, the Treasury Office without a project, 33 demo offices)."""
    call_command("seed_demo", password="demo-pw", stdout=io.StringIO())
    client.force_login(get_user_model().objects.get(username="committee"))
    cohort = Cohort.objects.get(name="ลำปาง 2543")
    assert cohort.agencies.count() == 35
    context = client.get(DASHBOARD, {"cohort": cohort.pk}).context
    counts = context["counts"]
    # 6 just started, 6 with steps 1–2, 8 assessed, 5 planned, and the Provincial Office's renewal.
    assert counts[Project.Status.DRAFT] == 26
    assert counts[Project.Status.SUBMITTED] == 3
    assert counts[Project.Status.CHANGES_REQUESTED] == 1
    # Two certified this year, one ending within 90 days, one expired, and the B.E. 2544 project.
    assert counts[Project.Status.CERTIFIED] == 5
    assert context["total"] == 35
    ending = context["expiring"]
    assert len(ending) == 1 and 0 < ending[0].days_left <= 90
    assert context["ending"] == {"within_90": 1, "within_180": 1}
    years = {
        row["fiscal_year"]: (row["started"], row["submitted"], row["certified"]) for row in context["years"]
    }
    assert years[2025] == (33, 8, 4)
    assert years[2001] == (1, 1, 1)
    statuses = [c.status for c in Certificate.objects.all()]
    assert statuses.count("expired") == 2  # the demo office's and the B.E. 2544 certificate
    # 8 of the cohort's projects were submitted (3 waiting, 1 sent back, 4
    # certified) with the Lampang figures, and the B.E. 2544 project with its
    # own: the chart averages the nine submissions, criterion by criterion.
    page = client.get(DASHBOARD, {"cohort": cohort.pk, "standard": Standard.objects.get(code="1101").pk})
    assert 'id="cohort-chart"' in page.content.decode()
    assert "ค่าเฉลี่ยของ 9 การยื่น" in page.content.decode()  # average of 9 submissions


def test_the_chart_averages_the_submitted_levels(submitted_project, agency_b, head_a):
    from certification.dashboard import criterion_levels
    from certification.models import IssuedDossier

    chart = criterion_levels(Project.objects.all())
    figures = IssuedDossier.objects.get(project=submitted_project, occasion="submission").figures
    assert chart.projects == 1
    assert chart.average == [Fraction(c["level"]) for c in figures["criteria"]]
    assert chart.average == chart.lowest
