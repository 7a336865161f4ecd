"""The committee queue and the auditors' list: search, filter, sort, page."""

import re
from html import unescape
from urllib.parse import parse_qs

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from assessment.models import Project
from bench.generator import loadgen
from certification import access
from certification.forms import STATUSES_FOR_INSTITUTE, ProjectFilterForm
from certification.models import Certificate

pytestmark = pytest.mark.django_db


@pytest.fixture
def national(catalogue):
    loadgen.generate(loadgen.Size(agencies=30, projects_per_agency=2, missions=3, indicators=10, rounds=1))
    return get_user_model().objects.get(username="gen-auditor-1")


def listed(client, **params):
    response = client.get(reverse("certification:audit"), params)
    assert response.status_code == 200
    return response, [project.pk for project in response.context["page"]]


def test_search_by_part_of_the_agency_name_or_its_code(client, national):
    client.force_login(national)
    _response, found = listed(client, q="ที่ 7 ")
    expected = set(
        Project.objects.exclude(status="draft")
        .filter(agency__name_th__contains="ที่ 7 ")
        .values_list("pk", flat=True)
    )
    assert expected and set(found) == expected
    _response, found = listed(client, q="GEN-000007")
    assert set(found) == expected


def test_search_by_certificate_number_or_its_start(client, national):
    client.force_login(national)
    certificate = Certificate.objects.order_by("number").first()
    _response, found = listed(client, q=certificate.number.lower())
    assert found == [certificate.project_id]
    prefix = certificate.number.rsplit("-", 1)[0]
    _response, found = listed(client, q=prefix, sort="certificate")
    numbers = list(
        Certificate.objects.filter(number__startswith=prefix)
        .order_by("number")
        .values_list("project_id", flat=True)
    )
    assert found == numbers[:20]


def test_filter_by_province_and_sort(client, national):
    client.force_login(national)
    province = Project.objects.exclude(status="draft").order_by("pk").first().agency.province
    response, found = listed(client, province=province, sort="agency")
    assert found and all(project.agency.province == province for project in response.context["page"])
    names = [project.agency.name_th for project in response.context["page"]]
    assert names == sorted(names)
    response, _found = listed(client, sort="province")
    provinces = [project.agency.province for project in response.context["page"]]
    assert provinces == sorted(provinces)
    response, _found = listed(client, sort="oldest")
    dates = [project.submitted_at for project in response.context["page"]]
    assert dates == sorted(dates)


def test_sorting_keeps_the_filters_and_paging_keeps_both(client, national):
    client.force_login(national)
    response, _found = listed(client, q="ทดสอบ", sort="agency")
    html = response.content.decode()
    assert "q=%E0%B8%97%E0%B8%94%E0%B8%AA%E0%B8%AD%E0%B8%9A&amp;sort=province" in html
    assert response.context["page"].count == Project.objects.exclude(status="draft").count() > 20
    assert (
        'id="page-next" rel="next" href="?q=%E0%B8%97%E0%B8%94%E0%B8%AA%E0%B8%AD%E0%B8%9A&amp;sort=agency&amp;cursor='
        in html
    )


def link(html: str, name: str) -> str | None:
    found = re.search(rf'id="page-{name}"(?: rel="\w+")? href="([^"]+)"', html)
    return unescape(found.group(1)) if found else None


def walk(client, url: str, start: str, step: str) -> list[list[int]]:
    pages, href = [], start
    while href is not None:
        response = client.get(url + href)
        assert response.status_code == 200
        pages.append([project.pk for project in response.context["page"]])
        href = link(response.content.decode(), step)
    return pages


@pytest.mark.parametrize("sort", ProjectFilterForm.SORTS)
def test_next_and_previous_walk_the_whole_list_once(client, national, sort):
    """Every project once, in the list's order, by the page links alone:
    forwards from the first page, backwards from the last."""
    client.force_login(national)
    url = reverse("certification:audit")
    expected = list(
        ProjectFilterForm({"sort": sort}, statuses=STATUSES_FOR_INSTITUTE)
        .filter(access.projects_for_institute())
        .values_list("pk", flat=True)
    )
    forwards = walk(client, url, f"?sort={sort}", "next")
    assert len(forwards) > 1 and all(len(page) == 20 for page in forwards[:-1])
    assert [pk for page in forwards for pk in page] == expected
    last = link(client.get(url, {"sort": sort}).content.decode(), "last")
    backwards = walk(client, url, last, "previous")
    assert backwards[::-1] == forwards


def test_an_old_page_number_or_a_bad_cursor_shows_the_first_page(client, national):
    client.force_login(national)
    _response, first = listed(client, sort="agency")
    for params in ({"page": "3"}, {"page": "x' OR 1=1"}, {"cursor": "AAAA"}, {"cursor": "e30:1tVbQ:bad"}):
        response, found = listed(client, sort="agency", **params)
        assert found == first
        assert "ลิงก์นี้พาไปยังหน้าที่รายการนี้ไม่มีแล้ว" in response.content.decode()
    response, found = listed(client, sort="agency", page="1")
    assert found == first and 'id="stale-link"' not in response.content.decode()


def test_a_cursor_of_another_sort_shows_that_sort_from_its_start(client, national):
    client.force_login(national)
    response, _found = listed(client, sort="agency")
    cursor = parse_qs(link(response.content.decode(), "next")[1:])["cursor"][0]
    _response, first = listed(client, sort="year")
    response, found = listed(client, sort="year", cursor=cursor)
    assert found == first and response.context["page"].stale


def test_the_download_is_the_whole_list_whatever_the_page(client, national):
    client.force_login(national)
    response, _found = listed(client, sort="agency")
    cursor = parse_qs(link(response.content.decode(), "next")[1:])["cursor"][0]
    download = client.get(
        reverse("certification:audit"), {"sort": "agency", "cursor": cursor, "download": "csv"}
    )
    assert download.status_code == 200
    rows = download.content.decode("utf-8-sig").strip().splitlines()
    assert len(rows) - 1 == Project.objects.exclude(status="draft").count()


def test_a_bad_filter_is_reported_not_a_server_error(client, national):
    client.force_login(national)
    response, found = listed(client, province="ไม่มีจังหวัดนี้", sort="drop table")
    assert 'id="filter-errors"' in response.content.decode()
    assert found == []


# The rows as the list's template wrote them before they were written in
# Python (certification/listing.py), with the certificate's badge as
# certification/includes/certificate_state.html wrote it.
ROW_TEMPLATE = """{% load i18n %}{% for project in projects %}<tr><td><a href="{% if project.status == 'changes_requested' %}{% url 'certification:submitted' project.pk %}{% elif link_review %}{% url 'certification:review' project.pk %}{% else %}{% url 'assessment:project' project.pk %}{% endif %}">{{ project.agency.name }}</a></td><td data-label="{% translate 'Province' %}">{{ project.agency.province }}</td><td data-label="{% translate 'Standard' %}"><span class="code">{{ project.standard.label }}</span></td><td data-label="{% translate 'Fiscal year' %}">{{ project.fiscal_year|thai_year }}</td><td class="nowrap" data-label="{% translate 'Submitted' %}">{{ project.submitted_at|thai_date:"short"|default:"—" }}</td><td class="num" data-label="{% translate 'Self-assessed total' %}">{{ project.submitted_total|score }}</td><td class="stack-full" data-label="{% translate 'Status' %}"><span class="badge status-{{ project.status }}">{{ project.get_status_display }}</span>{% if project.certificate %}{% with certificate=project.certificate %} {% with state=certificate.status %}{% if state == "revoked" %}<span class="badge text-bg-danger">{% translate "Certificate revoked" %}</span>{% elif state == "expired" %}<span class="badge text-bg-secondary">{% blocktranslate with date=certificate.valid_until|thai_date:"short" %}Certificate expired on {{ date }}{% endblocktranslate %}</span>{% else %}<span class="badge {% if certificate.expiring_soon %}text-bg-warning{% else %}text-bg-success{% endif %}">{% blocktranslate with date=certificate.valid_until|thai_date:"short" count days=certificate.days_left %}Certified until {{ date }} ({{ days }} day left){% plural %}Certified until {{ date }} ({{ days }} days left){% endblocktranslate %}</span>{% endif %}{% endwith %}{% endwith %}{% endif %}</td><td class="nowrap code" data-label="{% translate 'Certificate' %}">{% if project.certificate %}<a href="{% url 'certification:certificate' project.pk %}">{{ project.certificate.number }}</a>{% else %}—{% endif %}</td></tr>{% endfor %}"""


@pytest.mark.parametrize("language", ["th", "en"])
@pytest.mark.parametrize("link_review", [False, True])
def test_rows_written_in_python_are_what_the_template_wrote(national, language, link_review):
    """Every status, a certificate valid, expiring, expired and revoked, a
    name with markup, no submitted total: byte for byte the same."""
    import datetime

    from django.template import Context, engines
    from django.utils import timezone, translation

    from certification.listing import project_rows
    from certification.selectors import projects_with_submitted_total

    certificates = list(Certificate.objects.select_related("project__agency").order_by("pk")[:4])
    today = timezone.localdate()
    certificates[0].valid_until = today + datetime.timedelta(days=1)  # one day left: the singular
    certificates[1].valid_until = today + datetime.timedelta(days=30)  # expiring soon
    certificates[2].valid_until = today - datetime.timedelta(days=1)  # expired
    certificates[3].revoked_at = timezone.now()
    for certificate in certificates:
        certificate.save()
    agency = certificates[0].project.agency
    agency.name_th = agency.name_en = '<b>"กรม" & สำนัก</b>'
    agency.save()
    Project.objects.filter(pk=certificates[1].project_id).update(status=Project.Status.CHANGES_REQUESTED)
    projects = list(
        projects_with_submitted_total(Project.objects.all()).select_related(
            "agency", "standard", "certificate"
        )
    )
    assert {p.status for p in projects} >= {"draft", "submitted", "certified", "changes_requested"}
    assert any(p.submitted_total is None for p in projects)
    with translation.override(language):
        expected = (
            engines["django"]
            .from_string(ROW_TEMPLATE)
            .template.render(Context({"projects": projects, "link_review": link_review}))
        )
        written = "".join(project_rows(projects, link_review=link_review))
    assert written == expected
    assert "&lt;b&gt;&quot;กรม&quot; &amp; สำนัก&lt;/b&gt;" in written
