"""Activity and progress dates typed in the Buddhist era; progress never in the future."""

import datetime

import pytest
from django.utils import timezone

from plans.forms import ActivityForm, ProgressForm

pytestmark = pytest.mark.django_db


def test_an_activity_typed_in_the_buddhist_era_is_stored_in_the_gregorian_calendar(planned_project):
    plan = planned_project.plans.get()
    form = ActivityForm(
        {
            "plan": plan.pk,
            "title": "สำรวจความต้องการข้อมูล",
            "phase": "short",
            "start_date": "1/8/2568",
            "end_date": "30/9/2568",
            "responsible_name": "นายสมชาย",
        },
        project=planned_project,
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["start_date"] == datetime.date(2025, 8, 1)
    assert 'value="1/8/2568"' in str(form["start_date"])


def test_a_date_543_years_off_is_refused_with_the_plans_window(planned_project):
    plan = planned_project.plans.get()
    form = ActivityForm(
        {
            "plan": plan.pk,
            "title": "x",
            "phase": "short",
            "start_date": "1/8/3111",
            "end_date": "",
            "responsible_name": "ก",
        },
        project=planned_project,
    )
    assert not form.is_valid() and "start_date" in form.errors


def test_progress_cannot_be_dated_in_the_future(planned_project):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    form = ProgressForm(
        {
            "status": "in_progress",
            "percent": 10,
            "date": f"{tomorrow.day}/{tomorrow.month}/{tomorrow.year + 543}",
        },
        project=planned_project,
    )
    assert not form.is_valid() and "อนาคต" in form.errors["date"][0]
