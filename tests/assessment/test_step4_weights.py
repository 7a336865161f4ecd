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


def test_weights_must_add_up_to_exactly_100(client, project, editor_a):
    client.force_login(editor_a)
    weights = [20, 15, 15, 10, 10, 10, 10, 5, 3]
    response = client.post(url(project), weights_data(client, project, weights))
    page = response.content.decode()
    assert "ตัวถ่วงน้ำหนักต้องรวมกันได้ 100 พอดี ขณะนี้รวมได้ 98 — ขาดอีก 2 คะแนน" in page
    assert 'value="3"' in page  # what was typed is kept
    assert not project.criteria.filter(weight__isnull=False).exists()


def test_a_weight_of_zero_is_refused(client, project, editor_a):
    client.force_login(editor_a)
    weights = [25, 15, 15, 10, 10, 10, 10, 5, 0]
    page = client.post(url(project), weights_data(client, project, weights)).content.decode()
    assert "ตัวถ่วงน้ำหนักต้องมากกว่า 0" in page


def test_a_missing_weight_is_refused(client, project, editor_a):
    client.force_login(editor_a)
    data = weights_data(client, project, LAMPANG_WEIGHTS)
    data["weight_speed"] = ""
    page = client.post(url(project), data).content.decode()
    assert "กรุณาใส่ตัวถ่วงน้ำหนักของเกณฑ์นี้" in page


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
