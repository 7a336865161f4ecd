"""Who did what, when, from where: the access log."""

import pytest
from django.urls import reverse

from agencies.models import AccessEvent

pytestmark = pytest.mark.django_db


def test_sign_ins_and_failed_sign_ins_are_logged_with_the_address(client, editor_a):
    client.post(reverse("login"), {"username": "editor_a", "password": "wrong"}, REMOTE_ADDR="203.0.113.5")
    client.post(
        reverse("login"), {"username": "editor_a", "password": "pw-editor_a"}, REMOTE_ADDR="203.0.113.5"
    )
    failed, signed_in = AccessEvent.objects.order_by("pk")
    assert (failed.action, failed.username, failed.ip) == ("sign_in_failed", "editor_a", "203.0.113.5")
    assert (signed_in.action, signed_in.user, signed_in.ip) == ("sign_in", editor_a, "203.0.113.5")


def test_downloads_exports_and_decisions_are_logged(client, submitted_project, head_a, committee_member):
    client.force_login(head_a)
    issued = submitted_project.dossiers.get()
    client.get(reverse("certification:dossier_issued", args=[submitted_project.pk, issued.pk]))
    client.get(reverse("certification:archive", args=[submitted_project.pk]))
    client.get(reverse("plans:workbook", args=[submitted_project.pk]))
    actions = list(AccessEvent.objects.filter(user=head_a).order_by("pk").values_list("action", flat=True))
    assert actions[-3:] == ["dossier", "export", "export"]
    from tests.utils import decide

    client.force_login(committee_member)
    decide(client, submitted_project, "certify")
    assert AccessEvent.objects.filter(user=committee_member, action="decision").exists()


def test_the_standards_administrator_reads_the_log_and_nobody_edits_it(
    client, standards_admin, editor_a, committee_member
):
    client.force_login(editor_a)
    event = AccessEvent.objects.latest("pk")
    client.force_login(standards_admin)
    listing = reverse("admin:agencies_accessevent_changelist")
    assert client.get(listing).status_code == 200
    assert (
        client.post(
            reverse("admin:agencies_accessevent_delete", args=[event.pk]), {"post": "yes"}
        ).status_code
        == 403
    )
    exported = client.post(listing, {"action": "export_csv", "_selected_action": [event.pk]})
    assert exported["Content-Type"].startswith("text/csv") and "editor_a" in exported.content.decode(
        "utf-8-sig"
    )
    client.force_login(committee_member)
    assert client.get(listing).status_code == 302  # not staff: sent to the admin's sign-in
