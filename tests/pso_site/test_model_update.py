"""``pso_site.lib.models.model_update``: only what changed is written."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from plans.models import Plan
from pso_site.lib.models import model_update

pytestmark = pytest.mark.django_db


def test_a_new_row_is_saved_whole(filled_project):
    plan = Plan(project=filled_project)
    assert model_update(plan, {"name": "แผนใหม่", "approach": "ทดลอง"}) == ["name", "approach"]
    assert Plan.objects.get(pk=plan.pk).name == "แผนใหม่"


def test_only_the_changed_fields_are_written(filled_project):
    plan = Plan.objects.create(project=filled_project, name="เดิม", approach="เดิม")
    with CaptureQueriesContext(connection) as queries:
        assert model_update(plan, {"name": "ใหม่", "approach": "เดิม"}) == ["name"]
    (update,) = [q["sql"] for q in queries if q["sql"].startswith("UPDATE")]
    assert "name" in update and "approach" not in update
    assert plan.history.count() == 2  # created, then changed


def test_nothing_changed_writes_nothing(filled_project):
    plan = Plan.objects.create(project=filled_project, name="เดิม")
    with CaptureQueriesContext(connection) as queries:
        assert model_update(plan, {"name": "เดิม"}) == []
    assert queries.captured_queries == []
    assert plan.history.count() == 1
