"""Steps 3 and 5 save what people do to long lists: remove any row (not
only the last), add rows, and reorder them — in one save."""

from decimal import Decimal

import pytest
from django.urls import reverse

from assessment.models import Indicator, Mission
from tests.factories import add_indicators, add_missions
from tests.utils import page_form_data

pytestmark = pytest.mark.django_db


def step(project, number):
    return reverse("assessment:step", args=[project.pk, number])


def missions_of(project):
    return list(Mission.objects.filter(project=project).order_by("order").values_list("name", "points"))


@pytest.fixture
def five_missions(project):
    add_missions(project, 5)  # three main of 20, one secondary of 30, one support of 10
    return project


def test_removing_a_mission_in_the_middle_saves(client, five_missions, editor_a):
    client.force_login(editor_a)
    page = client.get(step(five_missions, 3))
    data = page_form_data(page, "budget_form", "formset")
    data["missions-1-DELETE"] = "on"  # the second main mission …
    data["missions-0-points"] = "40"  # … its points go to the first
    response = client.post(step(five_missions, 3), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert missions_of(five_missions) == [
        ("ภารกิจที่ 1", Decimal("40.00")),
        ("ภารกิจที่ 3", Decimal("20.00")),
        ("ภารกิจที่ 4", Decimal("30.00")),
        ("ภารกิจที่ 5", Decimal("10.00")),
    ]
    # The round of the project lost the removed mission's cells, kept the rest.


def test_adding_missions_saves_them_in_place(client, five_missions, editor_a):
    client.force_login(editor_a)
    page = client.get(step(five_missions, 3))
    data = page_form_data(page, "budget_form", "formset")
    data["missions-0-points"] = "10"
    extra = int(data["missions-TOTAL_FORMS"])
    data.update(
        {
            f"missions-{extra - 1}-name": "งานใหม่",
            f"missions-{extra - 1}-category": "main",
            f"missions-{extra - 1}-points": "10",
            f"missions-{extra - 1}-ORDER": "2",
        }
    )
    for index in range(1, 5):  # the rows after it move down, as the page numbers them
        data[f"missions-{index}-ORDER"] = str(index + 2)
    response = client.post(step(five_missions, 3), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert [name for name, _points in missions_of(five_missions)][:3] == ["ภารกิจที่ 1", "งานใหม่", "ภารกิจที่ 2"]
    assert Mission.objects.filter(project=five_missions).count() == 6


def test_reordering_missions_saves_the_new_order(client, five_missions, editor_a):
    client.force_login(editor_a)
    page = client.get(step(five_missions, 3))
    data = page_form_data(page, "budget_form", "formset")
    data["missions-4-ORDER"] = "1"
    data["missions-0-ORDER"] = "5"
    for index in (1, 2, 3):
        data[f"missions-{index}-ORDER"] = str(index + 1)
    assert client.post(step(five_missions, 3), data).status_code == 302
    assert [name for name, _points in missions_of(five_missions)] == [
        "ภารกิจที่ 5",
        "ภารกิจที่ 2",
        "ภารกิจที่ 3",
        "ภารกิจที่ 4",
        "ภารกิจที่ 1",
    ]


def test_a_mission_of_another_project_cannot_be_edited(client, five_missions, editor_a, outsider, agency_b):
    from agencies.models import Standard
    from assessment import services

    other = services.project_create(
        agency=agency_b, standard=Standard.objects.get(code="1101"), fiscal_year=2025
    )
    foreign = add_missions(other, 3)[0]
    client.force_login(editor_a)
    page = client.get(step(five_missions, 3))
    data = page_form_data(page, "budget_form", "formset")
    data["missions-0-id"] = str(foreign.pk)
    response = client.post(step(five_missions, 3), data)
    assert response.status_code == 200
    assert "แถวนี้ไม่มีอยู่แล้ว" in response.content.decode()
    foreign.refresh_from_db()
    assert foreign.project_id == other.pk and foreign.name == "ภารกิจที่ 1"


@pytest.fixture
def two_indicators_each(project):
    add_indicators(project, per_criterion=2)
    return project


def indicator_names(project, code):
    return list(
        Indicator.objects.filter(project=project, criterion__code=code)
        .order_by("order")
        .values_list("name", flat=True)
    )


def test_removing_adding_and_reordering_indicators_saves(client, two_indicators_each, editor_a):
    project = two_indicators_each
    client.force_login(editor_a)
    page = client.get(step(project, 5))
    data = page_form_data(page, "formset")
    forms = page.context["formset"].forms
    speed = [
        index
        for index, form in enumerate(forms)
        if form.instance.pk and form.instance.criterion.code == "speed"
    ]
    coverage = [
        index
        for index, form in enumerate(forms)
        if form.instance.pk and form.instance.criterion.code == "coverage"
    ]
    data[f"indicators-{speed[0]}-DELETE"] = "on"  # remove the first of two
    data[f"indicators-{coverage[0]}-ORDER"] = "99"  # the first coverage indicator goes last
    new = int(data["indicators-TOTAL_FORMS"]) - 1
    data.update(
        {
            f"indicators-{new}-criterion": str(project.criteria.get(code="coverage").pk),
            f"indicators-{new}-name": "ตัวชี้วัดใหม่",
            f"indicators-{new}-weight": "2",
            **{f"indicators-{new}-level_{level}": text for level, text in enumerate("0123")},
        }
    )
    response = client.post(step(project, 5), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert indicator_names(project, "speed") == ["ตัวชี้วัด speed 2"]
    # A row without a position goes after the numbered ones.
    assert indicator_names(project, "coverage") == ["ตัวชี้วัด coverage 2", "ตัวชี้วัด coverage 1", "ตัวชี้วัดใหม่"]
