"""No GET changes anything: opening every page of a project — as its
agency, the committee and an auditor — leaves every table as it was (no
review opened, no grid cell created, no dossier issued)."""

import pytest
from django.apps import apps
from django.core import serializers

from certification import services as certification
from tests.pages import agency_pages, institute_pages

pytestmark = pytest.mark.django_db


def everything():
    # Logs of who came (sign-ins, downloads) grow on a GET by design; the record does not.
    skip = {"sessions.session", "axes.accesslog", "axes.accessattempt", "auth.user", "agencies.accessevent"}
    return {
        model._meta.label_lower: serializers.serialize("json", model.objects.order_by("pk"))
        for model in apps.get_models()
        if model._meta.label_lower not in skip and model._meta.managed
    }


def test_opening_every_page_changes_nothing(
    client, ready_project, head_a, committee_member, auditor, django_capture_on_commit_callbacks
):
    from assessment.models import EvidenceFile

    cell = ready_project.rounds.get().cells.first()
    EvidenceFile.objects.create(
        cell=cell,
        file="evidence/x",
        original_name="x.pdf",
        content_type="application/pdf",
        size=1,
        sha256="0" * 64,
    )
    client.force_login(head_a)
    before = everything()
    for url in agency_pages(ready_project):
        client.get(url)
    assert everything() == before
    with django_capture_on_commit_callbacks(execute=True):
        certification.project_submit(project_id=ready_project.pk, user=head_a)
    before = everything()
    for user in (committee_member, auditor):
        client.force_login(user)
        for url in institute_pages(ready_project):
            client.get(url)
    client.force_login(head_a)
    for url in agency_pages(ready_project):
        client.get(url)
    assert everything() == before
