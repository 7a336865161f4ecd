"""The access policy of tests/policy.py, checked against the app: every URL
pattern is in the table, and every person gets what the table says."""

import pytest
from django.core.files.base import ContentFile
from django.urls import URLResolver, get_resolver, reverse

from agencies.models import InstituteRole, Invitation, Membership
from assessment.models import Assessment, EvidenceFile
from certification.models import Certificate, IssuedDossier
from plans.models import Activity, ActivityEvidence, ProgressUpdate
from tests.conftest import institute_person
from tests.policy import PERSONAS, POLICY, STATES, expected
from tests.utils import review_form

pytestmark = pytest.mark.django_db

SKIPPED_NAMESPACES = ("admin",)


def url_names() -> set[str]:
    """Every named URL pattern of the app (Django's admin aside)."""
    names = set()

    def walk(patterns, namespace):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if pattern.namespace in SKIPPED_NAMESPACES:
                    continue
                walk(pattern.url_patterns, pattern.namespace or namespace)
            elif pattern.name:
                names.add(f"{namespace}:{pattern.name}" if namespace else pattern.name)

    walk(get_resolver().url_patterns, None)
    return names


def test_every_url_pattern_is_in_the_policy():
    assert url_names() - set(POLICY) == set(), "add these URLs to tests/policy.py"
    assert set(POLICY) - url_names() == set(), "these URLs no longer exist"


@pytest.fixture
def state() -> str:
    """The project's state for the policy; a test parametrizes it to walk them all."""
    return "submitted"


def bring_to(state: str, project, *, head, committee, client, capture) -> None:
    """Move a ready project to ``state`` the way people do."""
    from certification.services import certificate_revoke, project_decide, project_submit

    if state == "draft":
        return
    with capture(execute=True):
        project_submit(project_id=project.pk, user=head)
    if state == "submitted":
        return
    client.force_login(committee)
    client.post(reverse("certification:review", args=[project.pk]), review_form(client, project))
    client.logout()
    if state == "under_review":
        return
    kind = {"changes_requested": "request_changes", "not_certified": "not_certify"}.get(state, "certify")
    with capture(execute=True):
        project_decide(project_id=project.pk, user=committee, kind=kind, reason="เหตุผลของคณะกรรมการ")
    if state == "revoked":
        with capture(execute=True):  # the documents issued again at the revocation are built
            certificate_revoke(certificate_id=project.certificate.pk, user=committee, reason="ยกเลิกตามคำสั่ง")


@pytest.fixture
def world(
    state,
    ready_project,
    client,
    django_capture_on_commit_callbacks,
    agency_a,
    agency_b,
    head_a,
    editor_a,
    viewer_a,
    outsider,
    committee_member,
    auditor,
    standards_admin,
):
    conflicted = institute_person("conflicted", InstituteRole.Role.COMMITTEE)
    Membership.objects.create(user=conflicted, agency=agency_a, role=Membership.Role.VIEWER)
    project = ready_project
    bring_to(
        state,
        project,
        head=head_a,
        committee=committee_member,
        client=client,
        capture=django_capture_on_commit_callbacks,
    )
    project.refresh_from_db()
    cell = Assessment.objects.filter(round__project=project).first()
    evidence = EvidenceFile(
        cell=cell, original_name="x.pdf", content_type="application/pdf", size=8, sha256="0" * 64
    )
    evidence.file.save("x.pdf", ContentFile(b"%PDF-1.4"))
    activity = Activity.objects.filter(plan__project=project).first()
    update = ProgressUpdate.objects.filter(activity=activity).first()
    activity_evidence = ActivityEvidence(
        update=update, original_name="y.pdf", content_type="application/pdf", size=8, sha256="1" * 64
    )
    activity_evidence.file.save("y.pdf", ContentFile(b"%PDF-1.4"))
    invitation = Invitation.objects.create(
        agency=agency_a, username="newcomer", role=Membership.Role.VIEWER, invited_by=head_a
    )
    membership = Membership.objects.get(user=viewer_a, agency=agency_a)
    dossier = IssuedDossier.objects.filter(project=project).first()
    certificate = Certificate.objects.filter(project=project).first()
    pk = project.pk
    kwargs = {
        "home": {},
        "catalogue": {},
        "login": {},
        "logout": {},
        "password_change": {},
        "password_change_done": {},
        "password_reset": {},
        "password_reset_done": {},
        "password_reset_complete": {},
        "password_reset_confirm": {"uidb64": "MQ", "token": "set-password"},
        "set_language": {},
        "verify": {"token": certificate.token if certificate else "no-such-token"},
        "session_status": {},
        "health": {},
        "health_live": {},
        "security_txt": {},
        "guide_home": {},
        "guide": {"role": "committee"},
        "verify_lookup": {},
        "verify_document": {},
        "institute_certificate": {},
        "assessment:project_create": {"code": agency_a.code},
        "assessment:step": {"pk": pk, "number": 1},
        "plans:step": {"pk": pk, "number": 7},
        "assessment:round": {"pk": pk, "number": 1},
        "assessment:round_discard": {"pk": pk, "number": 1},
        "assessment:carried_confirm": {"pk": pk, "number": 1},
        "assessment:workbook": {"pk": pk, "number": 1},
        "assessment:workbook_upload": {"pk": pk, "number": 1},
        "assessment:workbook_apply": {"pk": pk, "number": 1},
        "assessment:cell": {"pk": pk, "number": 1, "cell_id": cell.pk},
        "assessment:evidence": {"pk": pk, "evidence_id": evidence.pk},
        "plans:plan_edit": {"pk": pk, "plan_id": activity.plan_id},
        "plans:plan_delete": {"pk": pk, "plan_id": activity.plan_id},
        "plans:activity": {"pk": pk, "activity_id": activity.pk},
        "plans:activity_edit": {"pk": pk, "activity_id": activity.pk},
        "plans:activity_delete": {"pk": pk, "activity_id": activity.pk},
        "plans:activity_evidence": {"pk": pk, "evidence_id": activity_evidence.pk},
        "certification:dossier_issued": {"pk": pk, "dossier_id": dossier.pk if dossier else 0},
        "certification:dossier_retry": {"pk": pk, "dossier_id": dossier.pk if dossier else 0},
        "certification:committee_queue": {},
        "certification:audit": {},
        "certification:dashboard": {},
        "certification:revoke": {"number": certificate.number if certificate else "PSO-1101-2568-0001"},
        "agencies:members": {"code": agency_a.code},
        "agencies:member_change": {"code": agency_a.code, "membership_id": membership.pk},
        "agencies:invitation_withdraw": {"code": agency_a.code, "invitation_id": invitation.pk},
        "agencies:first_head": {"code": agency_a.code},
        "agencies:agency_create": {},
        "agencies:invitation_answer": {"invitation_id": invitation.pk},
        "agencies:invitation_resend": {"code": agency_a.code, "invitation_id": invitation.pk},
        "agencies:invitation_welcome": {"secret": "no-such-link"},
        "agencies:invitation_join": {},
        "agencies:invitation_confirm": {"invitation_id": invitation.pk},
        "agencies:people_history": {},
        "agencies:notifications": {},
        "agencies:notifications_read": {},
        "agencies:two_factor": {},
        "agencies:two_factor_setup": {},
        "agencies:two_factor_verify": {},
        "agencies:recovery_codes": {},
        "agencies:two_factor_remove": {},
        "outbox": {},
        "outbox_mail": {"name": "20260101-000000-000000-0a1b2c3d"},
        "outbox_html": {"name": "20260101-000000-000000-0a1b2c3d"},
    }
    users = {
        "anon": None,
        "head": head_a,
        "editor": editor_a,
        "viewer": viewer_a,
        "outsider": outsider,
        "committee": committee_member,
        "conflicted": conflicted,
        "auditor": auditor,
        "admin": standards_admin,
    }
    return {name: reverse(name, kwargs=kwargs.get(name, {"pk": pk})) for name in POLICY}, users


def outcome(response) -> object:
    if response.status_code == 302:
        return "login" if "/accounts/login/" in response["Location"] else 302
    return response.status_code


@pytest.mark.parametrize("state", STATES)
def test_every_person_gets_what_the_policy_says_in_every_state(client, world, state):
    """GET: every URL × every person, on a project in each state. POST: every
    URL as people who may not make it (anonymous, an outsider, a viewer, an
    auditor): no server error, and no table of the database changes."""
    urls, users = world
    wrong = []
    for persona in PERSONAS:
        client.logout()
        if users[persona] is not None:
            client.force_login(users[persona])
        for name, url in sorted(urls.items()):
            got = outcome(client.get(url))
            if got != expected(name, state)[persona]:
                wrong.append(f"{name} as {persona}: {got}, policy says {expected(name, state)[persona]}")
    assert not wrong, "\n".join(wrong)
    refused_posts_change_nothing(client, urls, users)


# POSTs that anyone may make (signing in, out, resetting a password, the
# language, new recovery codes for one's own account).
OPEN_POSTS = {
    "agencies:recovery_codes",
    "login",
    "logout",
    "password_reset",
    "password_reset_confirm",
    "set_language",
    "password_change",
    "health",
    "health_live",
}


# POSTs that readers of a project may make: preparing the draft dossier they may read.
READERS_POSTS = {"certification:draft_prepare"}


def fingerprint() -> dict:
    """How many rows every table holds: a refused POST adds and removes
    nothing, and changes nothing either, since every tracked model writes a
    history row on each update."""
    from django.apps import apps

    return {
        model._meta.label: model.objects.count()
        for model in apps.get_models()
        if not model._meta.label.startswith(("sessions.", "axes.", "admin.", "agencies.AccessEvent"))
    }


def refused_posts_change_nothing(client, urls, users):
    before = fingerprint()
    for persona in ("anon", "outsider", "viewer", "auditor"):
        client.logout()
        if users[persona] is not None:
            client.force_login(users[persona])
        for name, url in sorted(urls.items()):
            if name in OPEN_POSTS or (persona == "viewer" and name in READERS_POSTS):
                continue
            response = client.post(url, {"name": "x", "kind": "certify", "confirm": "on", "reason": "x"})
            assert response.status_code < 500, (name, persona, response.status_code)
    assert fingerprint() == before


def test_an_object_addressed_under_another_project_of_the_same_agency_is_404(client, world, head_a, editor_a):
    """Ids of project A's objects under project B's address (both readable by
    the person) never reach A's objects."""
    from agencies.models import Standard
    from assessment import services

    urls, _users = world
    other = services.project_create(
        agency=head_a.memberships.get().agency, standard=Standard.objects.get(code="1107"), fiscal_year=2031
    )
    client.force_login(head_a)
    crossed = []
    for name in (
        "assessment:cell",
        "assessment:evidence",
        "plans:plan_edit",
        "plans:activity",
        "plans:activity_evidence",
        "certification:dossier_issued",
    ):
        url = urls[name]
        parts = url.split("/")
        moved = "/".join([parts[0], parts[1], str(other.pk), *parts[3:]])
        assert moved != url
        status = client.get(moved).status_code
        if status != 404:
            crossed.append(f"{name}: {moved} → {status}")
    assert not crossed, crossed


def test_the_institute_reaches_no_page_with_a_password_alone(client, world):
    """Committee members (also the one in agency A), auditors and the
    standards administrator, signed in with the password only: every page
    and every POST but signing in and out, password reset, the language,
    the public verification page and the health checks sends them to give
    their second factor, and nothing changes."""
    from pso_site.middleware import SecondFactorMiddleware

    urls, users = world
    verify = reverse("agencies:two_factor_verify")
    before = fingerprint()
    reached = []
    for persona in ("committee", "conflicted", "auditor", "admin"):
        client.logout()
        client.force_login_password_only(users[persona])
        for name, url in sorted(urls.items()):
            if name in SecondFactorMiddleware.OPEN or name == "logout":
                continue
            for method in (client.get, client.post):
                response = method(url)
                if response.status_code != 302 or not response["Location"].startswith(verify):
                    reached.append(f"{method.__name__.upper()} {name} as {persona}: {response.status_code}")
        assert client.get("/admin/")["Location"].startswith(verify)
    assert not reached, "\n".join(reached)
    assert fingerprint() == before
