"""The committee queue and the auditors' list: search, filter, sort, page."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from assessment.models import Project
from certification import loadgen
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
    response, _found = listed(client, status="certified", sort="certificate")
    html = response.content.decode()
    assert "status=certified&amp;sort=agency" in html
    assert response.context["page"].paginator.count == Project.objects.filter(status="certified").count()
    if response.context["page"].has_next():
        assert "status=certified&amp;sort=certificate&amp;page=2" in html


def test_a_bad_filter_is_reported_not_a_server_error(client, national):
    client.force_login(national)
    response, found = listed(client, province="ไม่มีจังหวัดนี้", sort="drop table")
    assert 'id="filter-errors"' in response.content.decode()
    assert found == []
