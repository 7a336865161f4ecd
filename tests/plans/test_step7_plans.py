import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from plans.models import Activity, Plan
from tests import utils

pytestmark = pytest.mark.django_db


def step_url(project, number=7):
    return utils.step_url(project, number)


def frame_step(client, project, number):
    """The step's state as its own page computes it (the other pages' stepper
    keeps it until the next write: these tests change data directly)."""
    return client.get(step_url(project, number)).context["current_step_state"]


def test_targets_are_saved_and_the_results_show_target_and_gap(client, filled_project, editor_a):
    client.force_login(editor_a)
    criteria = list(filled_project.criteria.order_by("order"))
    token = client.get(step_url(filled_project)).context["snapshot_token"]
    data = {f"target_{c.code}": "3" for c in criteria}
    data["snapshot"] = token
    assert client.post(step_url(filled_project), data).status_code == 302
    assert set(filled_project.criteria.values_list("target_level", flat=True)) == {3}
    page = client.get(reverse("assessment:results", args=[filled_project.pk])).content.decode()
    assert 'id="target-total">100.00' in page
    assert "ส่วนต่าง" in page


def test_a_target_outside_0_to_3_is_refused(client, filled_project, editor_a):
    client.force_login(editor_a)
    token = client.get(step_url(filled_project)).context["snapshot_token"]
    data = {f"target_{c.code}": "3" for c in filled_project.criteria.all()}
    data["target_speed"] = "4"
    data["snapshot"] = token
    response = client.post(step_url(filled_project), data)
    assert "ระดับเป้าหมายต้องเป็น 0, 1, 2 หรือ 3" in response.content.decode()
    assert not filled_project.criteria.filter(target_level__isnull=False).exists()


def test_every_criterion_below_its_target_must_be_covered_by_a_plan(client, planned_project, editor_a):
    client.force_login(editor_a)
    assert frame_step(client, planned_project, 7).state == "complete"
    plan = planned_project.plans.get()
    plan.criteria.remove(planned_project.criteria.get(code="speed"))
    step = frame_step(client, planned_project, 7)
    assert step.state == "problem"
    assert "ยังไม่มีแผนงานครอบคลุมเกณฑ์ที่ต่ำกว่าเป้าหมาย: ความรวดเร็ว" in step.missing


def test_a_criterion_already_at_its_target_needs_no_plan(client, planned_project, editor_a):
    planned_project.criteria.filter(code="speed").update(target_level=2)
    planned_project.plans.get().criteria.remove(planned_project.criteria.get(code="speed"))
    client.force_login(editor_a)
    assert frame_step(client, planned_project, 7).state == "complete"


def activity_data(plan, **changes):
    data = {
        "plan": plan.pk,
        "title": "อบรมเจ้าหน้าที่",
        "phase": "short",
        "start_date": "2025-10-01",
        "end_date": "2025-10-31",
        "responsible_name": "นายวิชัย",
        "responsible_position": "นักวิเคราะห์",
        "budget": "15000",
    }
    data.update(changes)
    return data


def test_an_activity_is_added_to_a_plan(client, planned_project, editor_a):
    client.force_login(editor_a)
    plan = planned_project.plans.get()
    response = client.post(reverse("plans:activity_create", args=[planned_project.pk]), activity_data(plan))
    assert response.status_code == 302
    activity = Activity.objects.get(title="อบรมเจ้าหน้าที่")
    assert activity.plan == plan and activity.budget == Decimal("15000")


def test_end_date_before_start_is_refused_with_a_message(client, planned_project, editor_a):
    client.force_login(editor_a)
    plan = planned_project.plans.get()
    response = client.post(
        reverse("plans:activity_create", args=[planned_project.pk]),
        activity_data(plan, end_date="2025-09-01"),
    )
    page = response.content.decode()
    assert "วันสิ้นสุดต้องไม่ก่อนวันเริ่มต้น" in page
    assert 'value="อบรมเจ้าหน้าที่"' in page
    assert not Activity.objects.filter(title="อบรมเจ้าหน้าที่").exists()


def test_only_long_term_activities_may_be_open_ended(client, planned_project, editor_a):
    client.force_login(editor_a)
    plan = planned_project.plans.get()
    url = reverse("plans:activity_create", args=[planned_project.pk])
    page = client.post(url, activity_data(plan, end_date="")).content.decode()
    assert "เฉพาะกิจกรรมระยะยาว" in page
    assert client.post(url, activity_data(plan, end_date="", phase="long")).status_code == 302


def test_an_activity_needs_someone_responsible(client, planned_project, editor_a):
    client.force_login(editor_a)
    plan = planned_project.plans.get()
    url = reverse("plans:activity_create", args=[planned_project.pk])
    page = client.post(
        url, activity_data(plan, responsible_name="", responsible_position="")
    ).content.decode()
    assert "ระบุผู้รับผิดชอบ" in page


def test_a_position_alone_names_who_is_responsible(client, planned_project, editor_a):
    """Thai plans often name the office, not the person (the demo's do)."""
    client.force_login(editor_a)
    plan = planned_project.plans.get()
    url = reverse("plans:activity_create", args=[planned_project.pk])
    data = activity_data(plan, responsible_name="", responsible_position="หัวหน้ากลุ่มงานยุทธศาสตร์")
    assert client.post(url, data).status_code == 302


@pytest.mark.parametrize(
    "changes",
    [
        {"end_date": datetime.date(2025, 7, 1)},  # before the start
        {"end_date": None},  # open-ended, not long-term
        {"responsible_name": "", "responsible_position": ""},
        {"budget": Decimal("-1")},
    ],
)
def test_the_service_refuses_what_the_form_refuses(planned_project, editor_a, changes):
    """A call that skips the form gets the same rules as a refusal, never a
    database error."""
    from dataclasses import replace

    from assessment.services import RuleViolation
    from plans import services

    plan = planned_project.plans.get()
    values = services.ActivityInput(
        plan_id=plan.pk,
        title="ทดสอบ",
        phase=Activity.Phase.SHORT,
        start_date=datetime.date(2025, 8, 1),
        end_date=datetime.date(2025, 9, 30),
        responsible_name="นายสมชาย",
    )
    count = Activity.objects.count()
    with pytest.raises(RuleViolation):
        services.activity_create(
            project_id=planned_project.pk, user=editor_a, values=replace(values, **changes)
        )
    assert Activity.objects.count() == count


def test_an_activity_cannot_be_put_in_another_projects_plan(
    client, planned_project, editor_a, catalogue, agency_b
):
    from agencies.models import Standard
    from assessment.services import project_create

    other = project_create(agency=agency_b, standard=Standard.objects.get(code="1101"), fiscal_year=2025)
    foreign = Plan.objects.create(project=other, name="แผนของหน่วยงานอื่น")
    client.force_login(editor_a)
    response = client.post(
        reverse("plans:activity_create", args=[planned_project.pk]), activity_data(foreign)
    )
    assert response.status_code == 200
    assert not foreign.activities.exists()


def test_a_plan_needs_at_least_one_criterion(client, filled_project, editor_a):
    client.force_login(editor_a)
    response = client.post(reverse("plans:plan_create", args=[filled_project.pk]), {"name": "แผนงานใหม่"})
    assert "เลือกเกณฑ์อย่างน้อยหนึ่งเกณฑ์" in response.content.decode()
    assert not Plan.objects.exists()


def _add_activities(project, count):
    plan = project.plans.get()
    Activity.objects.bulk_create(
        Activity(
            plan=plan,
            title=f"กิจกรรม {n}",
            phase="medium",
            start_date=datetime.date(2025, 1 + n % 12, 1),
            end_date=datetime.date(2026, 1 + n % 12, 28),
            responsible_name="x",
        )
        for n in range(count)
    )


@pytest.mark.parametrize("page", ["step7", "step8", "timeline"])
def test_plan_pages_keep_their_query_count_as_activities_grow(
    client, planned_project, editor_a, page, django_assert_max_num_queries
):
    from tests.utils import count_queries

    url = {
        "step7": step_url(planned_project, 7),
        "step8": step_url(planned_project, 8),
        "timeline": reverse("plans:timeline", args=[planned_project.pk]),
    }[page]
    client.force_login(editor_a)
    few = count_queries(client, url)
    _add_activities(planned_project, 40)
    with django_assert_max_num_queries(few):
        response = client.get(url)
    assert "กิจกรรม 39" in response.content.decode()


def test_timeline_uses_thai_months_and_buddhist_years(client, planned_project, editor_a):
    client.force_login(editor_a)
    page = client.get(reverse("plans:timeline", args=[planned_project.pk])).content.decode()
    assert "<svg" in page
    assert "ส.ค." in page and "2568" in page
    assert "พัฒนาระบบข้อมูลอย่างต่อเนื่อง" in page


def snapshot_of(client, url) -> str:
    from tests import fuzz

    form = fuzz.page_form(client.get(url).content.decode(), containing="snapshot")
    return form.control("snapshot").value


def test_a_plan_and_an_activity_are_deleted_from_their_pages(client, planned_project, editor_a):
    client.force_login(editor_a)
    activity = Activity.objects.filter(plan__project=planned_project).order_by("pk").first()
    edit = reverse("plans:activity_edit", args=[planned_project.pk, activity.pk])
    response = client.post(
        reverse("plans:activity_delete", args=[planned_project.pk, activity.pk]),
        {"snapshot": snapshot_of(client, edit)},
    )
    assert response["Location"] == step_url(planned_project)
    assert not Activity.objects.filter(pk=activity.pk).exists()
    plan = planned_project.plans.get()
    edit = reverse("plans:plan_edit", args=[planned_project.pk, plan.pk])
    client.post(
        reverse("plans:plan_delete", args=[planned_project.pk, plan.pk]),
        {"snapshot": snapshot_of(client, edit)},
    )
    assert not Plan.objects.filter(pk=plan.pk).exists()


def test_a_delete_from_a_page_older_than_the_last_save_deletes_nothing(client, planned_project, editor_a):
    """Someone saved the activity after the page was opened: deleting it
    would throw their change away unseen."""
    client.force_login(editor_a)
    activity = Activity.objects.filter(plan__project=planned_project).order_by("pk").first()
    edit = reverse("plans:activity_edit", args=[planned_project.pk, activity.pk])
    token = snapshot_of(client, edit)
    Activity.objects.filter(pk=activity.pk).update(title="ชื่อใหม่ที่อีกคนบันทึก")
    response = client.post(
        reverse("plans:activity_delete", args=[planned_project.pk, activity.pk]),
        {"snapshot": token},
        follow=True,
    )
    assert response.redirect_chain[0][0] == edit
    assert "ยังไม่ได้ลบ" in response.content.decode()
    assert Activity.objects.filter(pk=activity.pk).exists()
    plan = planned_project.plans.get()
    edit = reverse("plans:plan_edit", args=[planned_project.pk, plan.pk])
    token = snapshot_of(client, edit)
    Plan.objects.filter(pk=plan.pk).update(name="แผนที่อีกคนแก้")
    response = client.post(
        reverse("plans:plan_delete", args=[planned_project.pk, plan.pk]), {"snapshot": token}
    )
    assert response["Location"] == edit
    assert Plan.objects.filter(pk=plan.pk).exists()
