"""Absurd input is refused with a message, never a server error, and what
is stored cannot make a page or a dossier grow without bound."""

import datetime

import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from assessment.exchange import ProjectFormatError, project_export, project_import
from certification.dossier import dossier_context
from plans.models import Activity

pytestmark = pytest.mark.django_db


def test_an_activity_dated_year_1_to_9999_is_refused(client, planned_project, editor_a):
    client.force_login(editor_a)
    url = reverse("plans:activity_create", args=[planned_project.pk])
    data = {
        "plan": planned_project.plans.get().pk,
        "title": "กิจกรรมไร้ขอบเขต",
        "phase": "short",
        "start_date": "0001-01-01",
        "end_date": "9999-12-31",
        "responsible_name": "นายสมชาย",
    }
    response = client.post(url, data)
    assert response.status_code == 200
    assert "วันที่ของแผนงานโครงการนี้อยู่ระหว่าง" in response.content.decode()
    assert not Activity.objects.filter(title="กิจกรรมไร้ขอบเขต").exists()


def test_progress_far_outside_the_plan_is_refused(client, planned_project, editor_a):
    activity = Activity.objects.filter(plan__project=planned_project).first()
    client.force_login(editor_a)
    url = reverse("plans:activity", args=[planned_project.pk, activity.pk])
    response = client.post(url, {"status": "in_progress", "percent": "10", "date": "9999-12-31"})
    assert response.status_code == 200
    assert "วันที่ของแผนงานโครงการนี้อยู่ระหว่าง" in response.content.decode()
    assert not activity.updates.exists()


def test_stored_extreme_dates_keep_the_timeline_and_the_dossier_small(client, planned_project, editor_a):
    Activity.objects.filter(plan__project=planned_project).update(
        start_date=datetime.date(1, 1, 1), end_date=datetime.date(9999, 12, 31), phase="short"
    )
    client.force_login(editor_a)
    timeline = client.get(reverse("plans:timeline", args=[planned_project.pk]))
    assert timeline.status_code == 200
    assert len(timeline.content) < 200_000
    html = render_to_string("certification/dossier.html", dossier_context(planned_project, draft=True))
    assert len(html) < 400_000


def test_unicode_digits_in_the_round_number_are_a_404(client, filled_project, editor_a):
    client.force_login(editor_a)
    for value in ("²", "١", "1.5", "-1"):
        assert (
            client.get(reverse("assessment:results", args=[filled_project.pk]), {"round": value}).status_code
            == 404
        )


def test_broken_formset_management_data_is_refused_with_a_message(client, filled_project, editor_a):
    client.force_login(editor_a)
    url = reverse("assessment:step", args=[filled_project.pk, 3])
    token = client.get(url).context["snapshot_token"]
    for total in ("abc", "-1", "99999999999"):
        response = client.post(
            url,
            {
                "snapshot": token,
                "main_budget": "60",
                "secondary_budget": "30",
                "support_budget": "10",
                "missions-TOTAL_FORMS": total,
                "missions-INITIAL_FORMS": "0",
            },
        )
        assert response.status_code == 200, total
    assert filled_project.missions.count() == 5


def test_control_characters_are_refused_in_text(client, filled_project, editor_a):
    client.force_login(editor_a)
    url = reverse("assessment:round", args=[filled_project.pk, 1])
    page = client.get(url)
    cell = page.context["cells"][0]
    response = client.post(
        url, {"snapshot": page.context["snapshot_token"], f"just-{cell.pk}": "เหตุผล\x00ซ่อน"}
    )
    assert response.status_code == 200
    assert "อักขระควบคุม" in response.content.decode()
    step1 = reverse("assessment:step", args=[filled_project.pk, 1])
    token = client.get(step1).context["snapshot_token"]
    response = client.post(step1, {"snapshot": token, "vision": "วิสัยทัศน์\x07"})
    assert "อักขระควบคุม" in response.content.decode()


def test_two_heads_inviting_the_same_person_at_once_get_one_invitation(client, agency_a, head_a, monkeypatch):
    from django.db import IntegrityError

    from agencies.models import Invitation

    # As if another head's invitation was saved between the check and the save.
    Invitation.objects.create(agency=agency_a, username="someone", role="editor", invited_by=head_a)
    monkeypatch.setattr(
        Invitation.objects, "get_or_create", lambda **kwargs: (_ for _ in ()).throw(IntegrityError())
    )
    client.force_login(head_a)
    response = client.post(
        reverse("agencies:members", args=[agency_a.code]),
        {"username": "someone", "role": "editor"},
        follow=True,
    )
    assert response.status_code == 200
    assert Invitation.objects.filter(username="someone").count() == 1


def test_an_import_with_more_decimals_than_stored_is_refused(filled_project, agency_b):
    document = project_export(filled_project)
    document["criteria"][0]["weight"] = "19.995"
    document["criteria"][1]["weight"] = "15.005"
    with pytest.raises(ProjectFormatError) as refused:
        project_import(document, agency=agency_b)
    assert any("criteria[0].weight" in message and "19.995" in message for message in refused.value.messages)
