from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from assessment.models import Mission, MissionCategory, Project
from tests.factories import add_missions
from tests.utils import count_queries

pytestmark = pytest.mark.django_db


def url(project):
    return reverse("assessment:step", args=[project.pk, 3])


def form_data(client, project, rows, budgets=(60, 30, 10), **extra):
    """The step 3 POST: budgets, the snapshot token of the page and mission rows."""
    page = client.get(url(project))
    token = page.context["snapshot_token"]
    existing = list(project.missions.order_by("order", "id"))
    data = {
        "snapshot": token,
        "main_budget": str(budgets[0]),
        "secondary_budget": str(budgets[1]),
        "support_budget": str(budgets[2]),
        "missions-TOTAL_FORMS": str(len(rows)),
        "missions-INITIAL_FORMS": str(len(existing)),
        "missions-MIN_NUM_FORMS": "0",
        "missions-MAX_NUM_FORMS": "1000",
    }
    for index, row in enumerate(rows):
        name, category, points = row[:3]
        data[f"missions-{index}-name"] = name
        data[f"missions-{index}-category"] = category
        data[f"missions-{index}-points"] = str(points)
        data[f"missions-{index}-code"] = str(index + 1)
        if index < len(existing):
            data[f"missions-{index}-id"] = str(existing[index].pk)
            data[f"missions-{index}-project"] = str(project.pk)
    data.update(extra)
    return data


VALID = [("งานวางแผน", "main", 60), ("งานตรวจราชการ", "secondary", 30), ("งานธุรการ", "support", 10)]


def test_valid_missions_are_saved(client, project, editor_a):
    client.force_login(editor_a)
    response = client.post(url(project), form_data(client, project, VALID))
    assert response.status_code == 302
    assert list(project.missions.order_by("order").values_list("name", "points")) == [
        ("งานวางแผน", Decimal("60.00")),
        ("งานตรวจราชการ", Decimal("30.00")),
        ("งานธุรการ", Decimal("10.00")),
    ]


def saved_as_draft(client, project, rows):
    """Post the rows; the step is kept as typed and its page lists what is missing."""
    response = client.post(url(project), form_data(client, project, rows))
    assert response.status_code == 302
    assert [m.name for m in project.missions.order_by("order")] == [row[0] for row in rows]
    page = client.get(url(project)).content.decode()
    assert 'id="step-problems"' in page and 'href="#category-totals"' in page
    return page


def test_points_that_do_not_add_up_are_kept_as_a_draft_with_the_shortfall_listed(client, project, editor_a):
    client.force_login(editor_a)
    rows = [("งานวางแผน", "main", 59), ("งานตรวจราชการ", "secondary", 30), ("งานธุรการ", "support", 10)]
    page = saved_as_draft(client, project, rows)
    assert "ภารกิจหลัก: 59 จาก 60 คะแนน — ขาดอีก 1 คะแนน" in page
    project.refresh_from_db()
    assert project.status == Project.Status.DRAFT


def test_too_many_points_say_how_many(client, project, editor_a):
    client.force_login(editor_a)
    rows = [("งานวางแผน", "main", 65), ("งานตรวจราชการ", "secondary", 30), ("งานธุรการ", "support", 10)]
    assert "เกินมา 5 คะแนน" in saved_as_draft(client, project, rows)


def test_at_least_one_main_mission(client, project, editor_a):
    client.force_login(editor_a)
    rows = [("งานตรวจราชการ", "secondary", 30), ("งานธุรการ", "support", 10)]
    assert "ต้องมีภารกิจหลักอย่างน้อยหนึ่งภารกิจ" in saved_as_draft(client, project, rows)


def test_points_must_be_more_than_zero(client, project, editor_a):
    client.force_login(editor_a)
    rows = [
        ("งานวางแผน", "main", 60),
        ("งานว่าง", "main", 0),
        ("งานตรวจราชการ", "secondary", 30),
        ("งานธุรการ", "support", 10),
    ]
    page = client.post(url(project), form_data(client, project, rows)).content.decode()
    assert "คะแนนต้องมากกว่า 0" in page
    assert not project.missions.exists()


def test_budgets_may_change_only_if_they_still_total_100(client, project, editor_a):
    client.force_login(editor_a)
    rows = [("งานวางแผน", "main", 70), ("งานตรวจราชการ", "secondary", 20), ("งานธุรการ", "support", 10)]
    response = client.post(url(project), form_data(client, project, rows, budgets=(70, 20, 10)))
    assert response.status_code == 302
    project.refresh_from_db()
    assert project.budgets()[MissionCategory.MAIN] == 70
    page = client.post(url(project), form_data(client, project, rows, budgets=(70, 25, 10))).content.decode()
    assert "งบคะแนนของทุกประเภทต้องรวมกันได้ 100" in page
    project.refresh_from_db()
    assert project.secondary_budget == 20


def test_equal_importance_splits_30_over_7_exactly(client, project, editor_a):
    client.force_login(editor_a)
    rows = (
        [("งานวางแผน", "main", 60)]
        + [(f"งานรอง {n}", "secondary", 1) for n in range(7)]
        + [("งานธุรการ", "support", 10)]
    )
    response = client.post(url(project), form_data(client, project, rows, split="secondary"))
    assert response.status_code == 200
    formset = response.context["formset"]
    split = [formset.data[f"missions-{i}-points"] for i in range(1, 8)]
    assert split == ["4.29", "4.29", "4.29", "4.29", "4.28", "4.28", "4.28"]
    assert not project.missions.exists()  # the split is shown, not saved
    data = dict(formset.data.items())
    del data["split"]
    assert client.post(url(project), data).status_code == 302
    assert sum(project.missions.filter(category="secondary").values_list("points", flat=True)) == Decimal(
        "30.00"
    )


def test_page_shows_live_totals_with_the_difference(client, project, editor_a):
    add_missions(project, 5)
    Mission.objects.filter(project=project, category="support").update(points=Decimal("8"))
    client.force_login(editor_a)
    page = client.get(url(project)).content.decode()
    assert 'data-category-total="support"' in page
    assert "ขาดอีก 2 คะแนน" in page
    assert "live-totals.js" in page


def test_database_refuses_non_positive_points(project):
    with pytest.raises(IntegrityError), transaction.atomic():
        Mission.objects.create(project=project, name="x", category="main", points=Decimal("0"))


def test_database_refuses_budgets_that_do_not_total_100(project):
    with pytest.raises(IntegrityError), transaction.atomic():
        Project.objects.filter(pk=project.pk).update(main_budget=Decimal("61"))


def test_step3_query_count_is_the_same_for_5_and_60_missions(
    client, project, editor_a, django_assert_max_num_queries
):
    add_missions(project, 5)
    client.force_login(editor_a)
    few = count_queries(client, url(project))
    Mission.objects.filter(project=project).delete()
    add_missions(project, 60)
    with django_assert_max_num_queries(few):
        response = client.get(url(project))
    assert response.content.decode().count('class="mission-row"') == 60 + 3 + 1


def test_more_rows_show_no_error_before_any_save(client, filled_project, editor_a):
    """Issue 23: step 3 showed "required" before any save."""
    from django.urls import reverse

    from tests.utils import page_form_data

    client.force_login(editor_a)
    url = reverse("assessment:step", args=[filled_project.pk, 3])
    response = client.get(url)
    data = page_form_data(response, "budget_form", "formset")
    data["missions-0-name"] = ""  # typed away, not yet saved
    page = client.post(url, {**data, "add_rows": "1"}).content.decode()
    assert "invalid-feedback" not in page and "is-invalid" not in page
    assert client.post(url, data).status_code == 200  # a save judges it
