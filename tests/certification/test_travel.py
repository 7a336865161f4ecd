"""Adding a field is a checked change (``certification/travel.py``): every
concrete field of a project's models travels in the archive and into a
renewal, or is named with the reason it stays; the archive's keys are the
schema's; the renewal copies what it declares, no less."""

import datetime
from decimal import Decimal

import pytest

from certification import services as certification
from certification.travel import JOURNEYS, PART_ONLY, STAYS
from plans.models import Activity, Plan

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("model", list(JOURNEYS), ids=lambda model: model.__name__)
@pytest.mark.parametrize("journey", ["archive", "renewal"])
def test_every_field_travels_or_stays_for_a_reason(model, journey):
    carried = set(getattr(JOURNEYS[model], journey))
    undecided = [f.name for f in model._meta.concrete_fields if f.name not in carried and f.name not in STAYS]
    assert undecided == [], (
        f"{model.__name__}: declare how {undecided} travel ({journey}) in certification/travel.py"
    )


@pytest.mark.parametrize("model", list(JOURNEYS), ids=lambda model: model.__name__)
def test_the_archive_keys_are_the_schemas(model):
    journeys = JOURNEYS[model]
    keys = set(journeys.part.model_fields)
    assert set(journeys.archive.values()) <= keys
    unexplained = keys - set(journeys.archive.values()) - set(PART_ONLY)
    assert unexplained == set(), (
        f"{journeys.part.__name__} keys no field of {model.__name__} fills: {unexplained}"
    )


def test_no_reason_is_left_over():
    every_field = {f.name for model in JOURNEYS for f in model._meta.concrete_fields}
    assert set(STAYS) <= every_field


def test_a_renewal_copies_what_it_declares(submitted_project, committee_member, editor_a):
    """Every declared field of the copied rows holds a value of its own
    before the renewal, and the renewal's rows hold the same."""
    project = submitted_project
    project.vision, project.goals = "วิสัยทัศน์เฉพาะ", "เป้าประสงค์เฉพาะ"
    project.save()
    mission = project.missions.order_by("order").first()
    mission.legal_basis, mission.responsible_unit = "พ.ร.บ. เฉพาะ", "กลุ่มงานเฉพาะ"
    mission.save()
    indicator = project.indicators.order_by("pk").first()
    indicator.level_2, indicator.is_demo_text = "เงื่อนไขเฉพาะ", True
    indicator.save()
    plan = Plan.objects.filter(project=project).first()
    plan.approach = "แนวทางเฉพาะ"
    plan.save()
    activity = Activity.objects.filter(plan=plan).order_by("pk").first()
    activity.description, activity.budget, activity.expected_result = (
        "รายละเอียดเฉพาะ",
        Decimal("1234.50"),
        "ผลเฉพาะ",
    )
    activity.responsible_user = editor_a
    activity.save()
    certification.project_decide(project_id=project.pk, user=committee_member, kind="certify")
    renewal, _created = certification.project_renew(project_id=project.pk, user=editor_a)
    shift = renewal.fiscal_year - project.fiscal_year

    def moved(value):
        if isinstance(value, datetime.date) and shift:
            return value.replace(year=value.year + shift)
        return value

    pairs = [
        (project, renewal),
        (mission, renewal.missions.get(code=mission.code)),
        (indicator, renewal.indicators.get(name=indicator.name, criterion__code=indicator.criterion.code)),
        (plan, Plan.objects.get(project=renewal, name=plan.name)),
        (activity, Activity.objects.get(plan__project=renewal, title=activity.title)),
    ]
    for criterion in project.criteria.all():
        pairs.append((criterion, renewal.criteria.get(code=criterion.code)))
    for source, copy in pairs:
        for name in JOURNEYS[type(source)].renewal:
            model_field = type(source)._meta.get_field(name)
            before, after = getattr(source, model_field.attname), getattr(copy, model_field.attname)
            if model_field.is_relation and name == "criterion":
                before, after = source.criterion.code, copy.criterion.code
            assert moved(before) == after, f"{type(source).__name__}.{name}: {before!r} → {after!r}"
