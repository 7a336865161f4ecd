import json
from decimal import Decimal
from pathlib import Path

import pytest

from agencies.catalogue import catalogue_load, read_catalogue
from agencies.models import Criterion, Standard

REFERENCE = Path(__file__).resolve().parents[2] / "assessment" / "data" / "lampang-1101.json"

pytestmark = pytest.mark.django_db


def test_catalogue_has_the_eleven_standards(catalogue):
    codes = list(Standard.objects.values_list("code", flat=True))
    assert codes == [str(code) for code in range(1101, 1111)] + ["2101"]


def test_1101_has_exactly_the_nine_criteria_of_the_source_with_exact_thai_names(catalogue):
    source = json.loads(REFERENCE.read_text(encoding="utf-8"))["step4_criterion_weights"]
    criteria = Criterion.objects.filter(standard__code="1101").order_by("order")
    assert [(c.code, c.name_th) for c in criteria] == [(s["code"], s["name"]) for s in source]
    assert [c.name_th for c in criteria][:3] == ["ความครอบคลุม", "ความถูกต้อง", "ความน่าเชื่อถือ"]
    assert not any(c.provisional for c in criteria)


def test_2101_has_its_four_components(catalogue):
    standard = Standard.objects.get(code="2101")
    assert standard.part == Standard.Part.OUTCOME
    assert standard.criteria.count() == 4
    assert not standard.criteria.filter(provisional=True).exists()


@pytest.mark.parametrize("code", [str(code) for code in range(1102, 1111)])
def test_criteria_of_1102_to_1110_are_provisional(catalogue, code):
    criteria = Criterion.objects.filter(standard__code=code)
    assert criteria.exists()
    assert all(criterion.provisional for criterion in criteria)


def test_readiness_thresholds_default_to_70_and_2(catalogue):
    standard = Standard.objects.get(code="1101")
    assert standard.min_total_score == Decimal("70.00")
    assert standard.min_criterion_level == Decimal("2.00")


def test_reloading_keeps_the_administrators_edits(catalogue):
    Standard.objects.filter(code="1101").update(min_total_score=Decimal("75.00"))
    Criterion.objects.filter(standard__code="1101", code="speed").update(name_th="ความเร็ว")
    summary = catalogue_load(data=read_catalogue())
    assert summary.created == 0
    assert Standard.objects.get(code="1101").min_total_score == Decimal("75.00")
    assert Criterion.objects.get(standard__code="1101", code="speed").name_th == "ความเร็ว"


def test_overwrite_resets_names_from_the_file(catalogue):
    Criterion.objects.filter(standard__code="1101", code="speed").update(name_th="ความเร็ว")
    catalogue_load(data=read_catalogue(), overwrite=True)
    assert Criterion.objects.get(standard__code="1101", code="speed").name_th == "ความรวดเร็ว"


def test_catalogue_page_marks_provisional_criteria(
    client, catalogue, editor_a, django_assert_max_num_queries
):
    client.force_login(editor_a)
    with django_assert_max_num_queries(10):
        response = client.get("/catalogue/")
    page = response.content.decode()
    assert response.status_code == 200
    assert "ความครอบคลุม" in page
    section_1102 = page.split('id="standard-1102"')[1].split("</section>")[0]
    section_1101 = page.split('id="standard-1101"')[1].split("</section>")[0]
    assert "badge-provisional" in section_1102
    assert "badge-provisional" not in section_1101


def test_new_projects_take_the_category_budgets_of_the_catalogue(catalogue, agency_a):
    from agencies.models import MissionCategory, Standard
    from assessment.services import project_create

    MissionCategory.objects.filter(code="main").update(default_budget=50)
    MissionCategory.objects.filter(code="secondary").update(default_budget=40)
    project = project_create(agency=agency_a, standard=Standard.objects.get(code="1101"), fiscal_year=2026)
    assert (project.main_budget, project.secondary_budget, project.support_budget) == (50, 40, 10)
    # Budgets that do not add up to 100 cannot start a project: the domain's 60/30/10 apply.
    MissionCategory.objects.filter(code="main").update(default_budget=70)
    other = project_create(agency=agency_a, standard=Standard.objects.get(code="1101"), fiscal_year=2027)
    assert (other.main_budget, other.secondary_budget, other.support_budget) == (60, 30, 10)


def test_step_names_and_guidance_come_from_the_catalogue(client, project, editor_a):
    from django.urls import reverse

    from agencies.models import Step

    step = Step.objects.get(number=1)
    step.name_th = "กำหนดวิสัยทัศน์ของหน่วยงาน"
    step.guidance_th = "คำแนะนำที่ผู้ดูแลมาตรฐานเขียนเอง"
    step.save()  # as the admin saves it: the cached steps are forgotten
    client.force_login(editor_a)
    page = client.get(reverse("assessment:step", args=[project.pk, 1])).content.decode()
    assert "กำหนดวิสัยทัศน์ของหน่วยงาน" in page and "คำแนะนำที่ผู้ดูแลมาตรฐานเขียนเอง" in page
