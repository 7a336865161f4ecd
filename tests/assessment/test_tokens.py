"""Every form that changes project data carries a token of what it showed.
A save without a valid token — missing, forged or expired — is refused as a
conflict with everything, keeps what the person typed, and changes nothing;
a valid token saves. Conflict messages name who saved in between."""

import time
from unittest import mock

import pytest
from django.test import Client
from django.urls import reverse

from assessment.models import Assessment, Project
from plans.models import Activity, Plan
from tests.utils import page_form_data, step_url

pytestmark = pytest.mark.django_db

TYPED = "ข้อความที่พิมพ์ไว้ 12345"


def _step(number, form_names, typed_field):
    def build(project):
        return step_url(project, number), form_names, typed_field

    return build


def _plan_edit(project):
    return (
        reverse("plans:plan_edit", args=[project.pk, Plan.objects.get(project=project).pk]),
        ("form",),
        "name",
    )


def _activity_edit(project):
    activity = Activity.objects.filter(plan__project=project).first()
    return reverse("plans:activity_edit", args=[project.pk, activity.pk]), ("form",), "title"


FORMS = {
    "step1": _step(1, ("form",), "vision"),
    "step2": _step(2, ("form",), "mission_statement"),
    "step3": _step(3, ("budget_form", "formset"), "missions-0-name"),
    "step4": _step(4, ("form",), None),
    "step5": _step(5, ("formset",), "indicators-0-name"),
    "step7": _step(7, ("form",), None),
    "plan": _plan_edit,
    "activity": _activity_edit,
}


def snapshot_of_everything(project):
    project.refresh_from_db()
    return (
        Project.objects.filter(pk=project.pk).values().get(),
        list(project.missions.values()),
        list(project.indicators.values()),
        list(project.criteria.values()),
        list(Plan.objects.filter(project=project).values()),
        list(Activity.objects.filter(plan__project=project).values()),
        list(Assessment.objects.filter(round__project=project).values()),
    )


def _data(client, project, form):
    url, names, typed_field = FORMS[form](project)
    page = client.get(url)
    assert page.status_code == 200
    data = page_form_data(page, *names)
    if typed_field:
        data[typed_field] = TYPED
    return url, data


@pytest.mark.parametrize("form", sorted(FORMS))
def test_only_a_valid_token_saves_and_a_refusal_keeps_the_input(client, planned_project, editor_a, form):
    client.force_login(editor_a)
    for token in ("missing", "forged", "expired"):
        if token == "expired":
            with mock.patch("django.core.signing.time.time", return_value=time.time() - 13 * 60 * 60):
                url, data = _data(client, planned_project, form)
        else:
            url, data = _data(client, planned_project, form)
            if token == "missing":
                del data["snapshot"]
            else:
                data["snapshot"] = data["snapshot"][:-4] + "AAAA"
        before = snapshot_of_everything(planned_project)
        response = client.post(url, data)
        page = response.content.decode()
        assert response.status_code == 200, token
        assert 'id="conflict"' in page, token
        if FORMS[form](planned_project)[2]:
            assert TYPED in page, token
        assert snapshot_of_everything(planned_project) == before, token
    url, data = _data(client, planned_project, form)
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]


def grid_data(page, cells=None):
    """The grid as the page shows it: every cell's level and justification."""
    data = {"snapshot": page.context["snapshot_token"]}
    for cell in page.context["cells"]:
        if cells is None or cell.pk in cells:
            data[f"level-{cell.pk}"] = "" if cell.level is None else str(cell.level)
            data[f"just-{cell.pk}"] = cell.justification
    return data


def test_the_grid_refuses_a_save_without_a_valid_token(client, filled_project, editor_a):
    url = reverse("assessment:round", args=[filled_project.pk, 1])
    client.force_login(editor_a)
    for token in ("missing", "forged", "expired"):
        if token == "expired":
            with mock.patch("django.core.signing.time.time", return_value=time.time() - 13 * 60 * 60):
                page = client.get(url)
        else:
            page = client.get(url)
        cell = page.context["cells"][0]
        data = grid_data(page)
        data[f"level-{cell.pk}"] = "0"
        data[f"just-{cell.pk}"] = TYPED
        if token == "missing":
            del data["snapshot"]
        elif token == "forged":
            data["snapshot"] = "x" + data["snapshot"][1:]
        response = client.post(url, data)
        assert response.status_code == 200, token
        assert 'id="conflict"' in response.content.decode() and TYPED in response.content.decode(), token
        cell.refresh_from_db()
        assert (cell.level, cell.justification) == (2, "มีหลักฐานครบ"), token


def test_the_grid_refuses_a_token_made_for_another_form_round_or_block(
    client, filled_project, editor_a, head_a
):
    """The review's reproduction: a grid save sent with a valid token of
    another form saw no conflict and silently overwrote a colleague's cell."""
    from assessment import services
    from assessment.grid import grid_token
    from assessment.snapshots import round_cells

    url = reverse("assessment:round", args=[filled_project.pk, 1])
    client.force_login(editor_a)
    page = client.get(url)
    cell = page.context["cells"][0]
    step1 = client.get(reverse("assessment:step", args=[filled_project.pk, 1])).context["snapshot_token"]
    assessment_round = filled_project.rounds.get()
    # The head changes the cell meanwhile.
    services.round_cells_save(
        project_id=filled_project.pk,
        round_number=1,
        user=head_a,
        token=grid_token(round_cells(assessment_round), assessment_round=assessment_round),
        values={cell.pk: (1, "ของหัวหน้า")},
    )
    other_form = grid_token(round_cells(assessment_round), assessment_round=assessment_round, form="workbook")
    not_covering = grid_token({}, assessment_round=assessment_round)
    for name, token in (("step 1", step1), ("workbook", other_form), ("another block", not_covering)):
        data = {"snapshot": token, f"level-{cell.pk}": "0", f"just-{cell.pk}": TYPED}
        response = client.post(url, data)
        assert response.status_code == 200, name
        assert 'id="conflict"' in response.content.decode() and TYPED in response.content.decode(), name
        cell.refresh_from_db()
        assert (cell.level, cell.justification) == (1, "ของหัวหน้า"), name


def test_a_partial_grid_submission_changes_only_the_cells_it_carries(client, filled_project, editor_a):
    url = reverse("assessment:round", args=[filled_project.pk, 1])
    client.force_login(editor_a)
    page = client.get(url)
    first, second = page.context["cells"][:2]
    data = {"snapshot": page.context["snapshot_token"], f"level-{first.pk}": "", f"level-{second.pk}": "3"}
    before = dict(Assessment.objects.filter(round__project=filled_project).values_list("pk", "justification"))
    response = client.post(url, data)
    assert response.status_code == 302
    levels = dict(Assessment.objects.filter(round__project=filled_project).values_list("pk", "level"))
    assert levels.pop(first.pk) is None  # emptied on purpose: the field was sent empty
    assert levels.pop(second.pk) == 3
    assert set(levels.values()) == {2}  # every cell not in the request is unchanged
    after = dict(Assessment.objects.filter(round__project=filled_project).values_list("pk", "justification"))
    assert after == before  # no justification was sent: none changed


def test_the_review_refuses_a_save_without_a_valid_token(client, submitted_project, committee_member):
    from tests.utils import review_form

    client.force_login(committee_member)
    data = review_form(client, submitted_project, comment_speed=TYPED)
    data["snapshot"] = "forged"
    response = client.post(reverse("certification:review", args=[submitted_project.pk]), data)
    assert 'id="conflict"' in response.content.decode() and TYPED in response.content.decode()
    assert not submitted_project.reviews.get().criteria.exclude(comment="").exists()


@pytest.mark.parametrize("form", ["step1", "step7", "plan", "activity"])
def test_the_conflict_names_who_saved_in_between(planned_project, editor_a, head_a, form):
    first, second = Client(), Client()
    first.force_login(editor_a)
    second.force_login(head_a)
    url, data_first = _data(first, planned_project, form)
    _url, data_second = _data(second, planned_project, form)
    if form == "step7":
        code = planned_project.criteria.order_by("order").first().code
        data_first[f"target_{code}"] = "2"
        data_second[f"target_{code}"] = "1"
    else:
        field = FORMS[form](planned_project)[2]
        data_first[field] = "ของคนแรก"
        data_second[field] = "ของคนที่สอง"
    assert first.post(url, data_first).status_code == 302
    response = second.post(url, data_second)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Editor_A บันทึกขั้นตอนนี้ระหว่างที่คุณกำลังแก้ไข" in page
    assert "ของคนที่สอง" in page or 'value="1" selected' in page
