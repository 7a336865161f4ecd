from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from assessment.models import ProjectCriterion

pytestmark = pytest.mark.django_db

LAMPANG_WEIGHTS = [20, 15, 15, 10, 10, 10, 10, 5, 5]


def url(project):
    return reverse("assessment:step", args=[project.pk, 4])


def weights_data(client, project, weights):
    token = client.get(url(project)).context["snapshot_token"]
    criteria = project.criteria.order_by("order")
    data = {f"weight_{c.code}": str(w) for c, w in zip(criteria, weights, strict=True)}
    data["snapshot"] = token
    return data


def test_weights_adding_up_to_100_are_saved(client, project, editor_a):
    client.force_login(editor_a)
    response = client.post(url(project), weights_data(client, project, LAMPANG_WEIGHTS))
    assert response.status_code == 302
    assert [c.weight for c in project.criteria.order_by("order")] == [Decimal(w) for w in LAMPANG_WEIGHTS]


def test_weights_that_do_not_add_up_are_kept_with_the_difference_listed(client, project, editor_a):
    client.force_login(editor_a)
    weights = [20, 15, 15, 10, 10, 10, 10, 5, 3]
    response = client.post(url(project), weights_data(client, project, weights))
    assert response.status_code == 302
    assert sorted(project.criteria.values_list("weight", flat=True)) == sorted(Decimal(w) for w in weights)
    page = client.get(url(project)).content.decode()
    assert "ตัวถ่วงน้ำหนักต้องรวมกันได้ 100 พอดี ขณะนี้รวมได้ 98 — ขาดอีก 2 คะแนน" in page
    assert 'href="#weight-total"' in page


def test_a_weight_of_zero_is_refused(client, project, editor_a):
    client.force_login(editor_a)
    weights = [25, 15, 15, 10, 10, 10, 10, 5, 0]
    page = client.post(url(project), weights_data(client, project, weights)).content.decode()
    assert "ตัวถ่วงน้ำหนักต้องมากกว่า 0" in page


def test_weights_may_be_given_a_few_at_a_time(client, project, editor_a):
    client.force_login(editor_a)
    data = weights_data(client, project, LAMPANG_WEIGHTS)
    data["weight_speed"] = ""
    assert client.post(url(project), data).status_code == 302
    assert project.criteria.get(code="speed").weight is None
    assert "กรุณาใส่ตัวถ่วงน้ำหนักให้ทุกเกณฑ์" in client.get(url(project)).content.decode()


def test_words_are_refused_with_a_message(client, project, editor_a):
    client.force_login(editor_a)
    data = weights_data(client, project, LAMPANG_WEIGHTS)
    data["weight_speed"] = "สิบ"
    response = client.post(url(project), data)
    assert response.status_code == 200
    assert "สิบ" in response.content.decode()


def test_database_refuses_a_zero_weight(project):
    with pytest.raises(IntegrityError), transaction.atomic():
        ProjectCriterion.objects.filter(project=project, code="speed").update(weight=Decimal(0))


def test_page_shows_the_live_total(client, project, editor_a):
    client.force_login(editor_a)
    page = client.get(url(project)).content.decode()
    assert 'id="weight-total"' in page
    assert "live-totals.js" in page


def test_a_round_is_scored_while_a_weight_is_still_missing(client, filled_project, editor_a):
    client.force_login(editor_a)
    data = weights_data(client, filled_project, [c.weight for c in filled_project.criteria.order_by("order")])
    code = filled_project.criteria.order_by("order").first().code
    data[f"weight_{code}"] = ""
    assert client.post(url(filled_project), data).status_code == 302
    for page in ("results", "round_current"):
        response = client.get(reverse(f"assessment:{page}", args=[filled_project.pk]), follow=True)
        assert response.status_code == 200, page


def test_equal_weights_add_up_to_exactly_100_and_wait_to_be_saved(client, project, editor_a):
    client.force_login(editor_a)
    data = weights_data(client, project, [""] * project.criteria.count())
    data["equal"] = "1"
    page = client.post(url(project), data)
    assert page.status_code == 200 and not project.criteria.filter(weight__isnull=False).exists()
    form = page.context["form"]
    weights = [Decimal(form[f"weight_{c.code}"].value()) for c in project.criteria.order_by("order")]
    assert sum(weights) == 100 and max(weights) - min(weights) <= Decimal("0.01")
    assert 'id="next-step"' in page.content.decode()


def test_each_criterion_is_named_once_and_a_refused_weight_says_why(client, filled_project, editor_a):
    """Issue 23: step 4 printed each criterion twice (the row's name and the field's label)."""
    from django.urls import reverse

    client.force_login(editor_a)
    url = reverse("assessment:step", args=[filled_project.pk, 4])
    page = client.get(url).content.decode()
    criterion = filled_project.criteria.order_by("order").first()
    table = page[page.index("<tbody>") : page.index("</tbody>")]
    assert table.count(criterion.name) == 1 and table.count("<label") == filled_project.criteria.count()
    response = client.get(url)
    data = {"snapshot": response.context["snapshot_token"]}
    data.update({f"weight_{c.code}": "0" for c in filled_project.criteria.all()})
    page = client.post(url, data).content.decode()
    assert "is-invalid" in page and "invalid-feedback" in page
