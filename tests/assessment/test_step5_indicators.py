import pytest
from django.urls import reverse

from assessment.models import Indicator

pytestmark = pytest.mark.django_db


def url(project):
    return reverse("assessment:step", args=[project.pk, 5])


def indicator_data(client, project, rows):
    token = client.get(url(project)).context["snapshot_token"]
    data = {
        "snapshot": token,
        "indicators-TOTAL_FORMS": str(len(rows)),
        "indicators-INITIAL_FORMS": "0",
        "indicators-MIN_NUM_FORMS": "0",
        "indicators-MAX_NUM_FORMS": "1000",
    }
    for index, (criterion, name, conditions, weight) in enumerate(rows):
        data[f"indicators-{index}-criterion"] = str(criterion.pk)
        data[f"indicators-{index}-name"] = name
        data[f"indicators-{index}-weight"] = str(weight)
        for level, text in enumerate(conditions):
            data[f"indicators-{index}-level_{level}"] = text
    return data


CONDITIONS = ["ไม่มีข้อมูล", "มีบางส่วน", "มีเกือบครบ", "มีครบถ้วน"]


def test_one_indicator_per_criterion_is_saved(client, project, editor_a):
    client.force_login(editor_a)
    rows = [(c, f"ตัวชี้วัด {c.name_th}", CONDITIONS, 1) for c in project.criteria.order_by("order")]
    response = client.post(url(project), indicator_data(client, project, rows))
    assert response.status_code == 302
    assert Indicator.objects.filter(project=project).count() == 9


def test_indicators_are_kept_while_a_criterion_still_lacks_one(client, project, editor_a):
    client.force_login(editor_a)
    rows = [(c, f"ตัวชี้วัด {c.name_th}", CONDITIONS, 1) for c in project.criteria.order_by("order")][:-1]
    assert client.post(url(project), indicator_data(client, project, rows)).status_code == 302
    assert Indicator.objects.count() == len(rows)
    page = client.get(url(project)).content.decode()
    assert "เกณฑ์ต่อไปนี้ยังไม่มีตัวชี้วัด: ความสามารถในการตรวจสอบข้อมูล" in page and 'id="step-problems"' in page


def test_an_empty_condition_is_kept_as_a_draft_and_linked(client, project, editor_a):
    client.force_login(editor_a)
    rows = [(c, f"ตัวชี้วัด {c.name_th}", CONDITIONS, 1) for c in project.criteria.order_by("order")]
    rows[0] = (rows[0][0], rows[0][1], ["ไม่มีข้อมูล", "มีบางส่วน", "", "มีครบถ้วน"], 1)
    assert client.post(url(project), indicator_data(client, project, rows)).status_code == 302
    assert Indicator.objects.count() == len(rows)  # every one saved, one condition still to write
    page = client.get(url(project)).content.decode()
    assert 'href="#id_indicators-0-level_2"' in page and 'id="id_indicators-0-level_2"' in page


def test_indicator_weight_must_be_positive(client, project, editor_a):
    client.force_login(editor_a)
    rows = [(c, f"ตัวชี้วัด {c.name_th}", CONDITIONS, 1) for c in project.criteria.order_by("order")]
    rows[0] = (*rows[0][:3], 0)
    page = client.post(url(project), indicator_data(client, project, rows)).content.decode()
    assert "น้ำหนักต้องมากกว่า 0" in page


def test_criteria_of_another_project_cannot_be_used(client, project, editor_a, catalogue, agency_b):
    from agencies.models import Standard
    from assessment.services import project_create

    other = project_create(agency=agency_b, standard=Standard.objects.get(code="1101"), fiscal_year=2025)
    client.force_login(editor_a)
    rows = [(c, f"ตัวชี้วัด {c.name_th}", CONDITIONS, 1) for c in project.criteria.order_by("order")]
    rows[0] = (other.criteria.first(), *rows[0][1:])
    response = client.post(url(project), indicator_data(client, project, rows))
    assert response.status_code == 200
    assert not Indicator.objects.exists()


def test_an_example_is_copied_into_a_new_indicator_to_adapt_and_save(client, project, editor_a):
    client.force_login(editor_a)
    page = client.get(url(project))
    html = page.content.decode()
    assert 'id="indicator-examples"' in html and 'id="step-help"' in html
    coverage = project.criteria.get(code="coverage")
    data = indicator_data(client, project, [])
    data["use_example"] = f"{coverage.pk}:0"
    response = client.post(url(project), data)
    assert response.status_code == 200 and not Indicator.objects.exists()  # nothing saved yet
    copied = response.content.decode()
    assert "มีข้อมูลครบทุกเรื่องที่ต้องใช้ในการปฏิบัติภารกิจ" in copied  # the Lampang level-3 condition


def test_an_example_number_that_is_not_a_number_copies_nothing(client, project, editor_a):
    client.force_login(editor_a)
    coverage = project.criteria.get(code="coverage")
    data = indicator_data(client, project, [])
    condition = "มีข้อมูลครบทุกเรื่องที่ต้องใช้ในการปฏิบัติภารกิจ"
    shown = client.get(url(project)).content.decode().count(condition)  # in the examples panel
    data["use_example"] = f"{coverage.pk}:²"
    response = client.post(url(project), data)
    assert response.status_code == 200
    assert response.content.decode().count(condition) == shown
    data["use_example"] = f"{coverage.pk}:0"
    assert client.post(url(project), data).content.decode().count(condition) > shown


def test_more_problems_of_a_step_are_said_as_problems_not_as_items():
    """Issue 23: "(and 1 more)" after a list of criteria read as a seventh criterion."""
    from django.utils import translation

    from assessment.frame import first_problem

    with translation.override("th"):
        said = first_problem(["ไม่มีแผนครอบคลุมเกณฑ์: ก, ข", "แผนที่ไม่มีกิจกรรม: แผน 1"])
    assert said == "ไม่มีแผนครอบคลุมเกณฑ์: ก, ข (และยังมีอีก 1 เรื่องที่ต้องแก้ในขั้นตอนนี้)"
    assert first_problem(["one"]) == "one" and first_problem([]) == ""


def test_a_new_indicator_row_shows_no_error_before_any_save_and_weighs_1(client, filled_project, editor_a):
    """Issue 23: "Add an indicator" brought a blank row already marked
    "required", weight empty; and typed rows were judged before any save."""
    from django.urls import reverse

    from tests.utils import page_form_data

    client.force_login(editor_a)
    url = reverse("assessment:step", args=[filled_project.pk, 5])
    data = page_form_data(client.get(url), "formset")
    data["indicators-0-level_3"] = ""  # typed away, not yet saved
    response = client.post(url, {**data, "add_indicator": "1"})
    page = response.content.decode()
    assert response.status_code == 200 and "invalid-feedback" not in page and "is-invalid" not in page
    new = response.context["formset"].forms[-1]
    assert new["weight"].value() == "1"
