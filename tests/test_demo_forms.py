"""The demo obeys the app's own rules: every object of the demo's editable
project opens in its own form and, sent back untouched, saves with no
refusal and changes nothing (the renewal holds a copy of everything the
certified project has: steps 1–5, the round, the targets, the plans)."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from certification.archive import archive_export
from plans.models import Activity, Plan
from pso_site.demo import demo_seed
from tests import fuzz
from tests.utils import step_url

pytestmark = pytest.mark.django_db

# What a save may change without changing the object: when and by whom.
VOLATILE = {"updated_at", "updated_by", "exported_at", "modified", "saved_at"}


@pytest.fixture
def renewal(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        seeded = demo_seed(password="pw")
    return seeded["renewal"]


@pytest.fixture
def editor(client, renewal):
    client.force_login(get_user_model().objects.get(username="lampang_editor"))
    return client


def stable(value):
    """The archive document without the times and people of the last save."""
    if isinstance(value, dict):
        return {key: stable(item) for key, item in value.items() if key not in VOLATILE}
    if isinstance(value, list):
        return [stable(item) for item in value]
    return value


def project_record(project) -> dict:
    return stable(archive_export(project).document)


def forms_of(project) -> list[tuple[str, str]]:
    """Each edit form of the project: its page and a control it holds."""
    latest = project.rounds.order_by("-number").first()
    return [
        (step_url(project, 1), "snapshot"),
        (step_url(project, 2), "snapshot"),
        (step_url(project, 3), "missions-TOTAL_FORMS"),
        (step_url(project, 4), "snapshot"),
        (step_url(project, 5), "indicators-TOTAL_FORMS"),
        (reverse("assessment:round", args=[project.pk, latest.number]), "snapshot"),
        (step_url(project, 7), "snapshot"),
        *(
            (reverse("plans:plan_edit", args=[project.pk, plan.pk]), "name")
            for plan in Plan.objects.filter(project=project).order_by("pk")
        ),
        *(
            (reverse("plans:activity_edit", args=[project.pk, activity.pk]), "title")
            for activity in Activity.objects.filter(plan__project=project).order_by("pk")
        ),
    ]


def test_every_demo_object_saves_unchanged_through_its_own_form(editor, renewal):
    forms = forms_of(renewal)
    assert sum("/activities/" in url for url, _name in forms) >= 5  # the demo's plan is there
    before = project_record(renewal)
    refused = []
    for url, containing in forms:
        page = editor.get(url)
        assert page.status_code == 200, url
        form = fuzz.page_form(page.content.decode(), containing=containing)
        response = fuzz.submit(editor, url, form.pairs(), form=url, encoding="urlencoded")
        if response.status_code != 302 or fuzz.shows_error(response.content.decode()):
            refused.append(url)
    assert refused == [], f"the demo's own data is refused by its forms: {refused}"
    assert project_record(renewal) == before
