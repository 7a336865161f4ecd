"""The policy for writes, with forms that work (issue 22): each write door's
form as the person allowed to use it fills it — a real change with a valid
edit token — is sent first by every person who may not make it (a
committee member, a committee member who belongs to the agency, the
standards administrator, another agency's head, an auditor, a viewer, and
an editor where only the head may act): no server error and no table
changes. Then the allowed person sends the same and it is saved, which
proves the form was one that works. And ids of another agency's
memberships, invitations and notifications, under one's own agency or
account, reach nothing."""

import pytest
from django.urls import reverse

from agencies import services as agency_services
from agencies.models import Agency, InstituteRole, Invitation, Membership, Notification
from assessment.models import Assessment
from plans.models import Activity
from tests import fuzz
from tests.conftest import institute_person, make_user
from tests.test_policy import bring_to, fingerprint
from tests.utils import review_form

pytestmark = pytest.mark.django_db

DENIED_EVERYWHERE = ("committee", "conflicted", "admin", "head_b", "auditor", "viewer", "outsider")


@pytest.fixture
def people(
    agency_a, agency_b, head_a, editor_a, viewer_a, outsider, committee_member, auditor, standards_admin
):
    conflicted = institute_person("conflicted", InstituteRole.Role.COMMITTEE)
    Membership.objects.create(user=conflicted, agency=agency_a, role=Membership.Role.VIEWER)
    head_b = make_user("head_b")
    Membership.objects.create(user=head_b, agency=agency_b, role=Membership.Role.HEAD)
    return {
        "head": head_a,
        "editor": editor_a,
        "viewer": viewer_a,
        "outsider": outsider,
        "committee": committee_member,
        "conflicted": conflicted,
        "auditor": auditor,
        "admin": standards_admin,
        "head_b": head_b,
    }


def browser_form(client, page_url: str, action: str, changes: dict) -> dict[str, list[str]]:
    """What the browser sends from the form of ``page_url`` that posts to
    ``action`` (or to the page itself), with ``changes`` typed into it."""
    response = client.get(page_url)
    assert response.status_code == 200, (page_url, response.status_code)
    reader = fuzz._FormReader()
    reader.feed(response.content.decode())
    if action == page_url:
        forms = [f for f in reader.forms if f.attrs.get("action", "") in (action, "") and f.controls]
    else:
        forms = [f for f in reader.forms if f.attrs.get("action") == action]
    assert forms, f"no form posting to {action} on {page_url}"
    form = max(forms, key=lambda f: len(f.controls))
    data: dict[str, list[str]] = {}
    for name, value in form.pairs():
        if name not in changes:
            data.setdefault(name, []).append(value)
    return {**data, **{name: [value] for name, value in changes.items()}}


def check_door(client, people, *, allowed: str, denied, page_url: str, action: str, changes: dict):
    client.force_login(people[allowed])
    data = browser_form(client, page_url, action, changes)
    before = fingerprint()
    let_in = []
    for persona in denied:
        client.logout()
        client.force_login(people[persona])
        response = client.post(action, data)
        assert response.status_code < 500, (action, persona, response.status_code)
        if fingerprint() != before:
            let_in.append(persona)
            before = fingerprint()
    assert not let_in, f"{action}: changed by {let_in}"
    client.logout()
    client.force_login(people[allowed])
    response = client.post(action, data)
    assert response.status_code < 500
    assert fingerprint() != before, (
        f"{action}: the form sent by {allowed} changed nothing: not a working form"
    )


@pytest.mark.parametrize(
    "door",
    ["step 1", "grid", "step 7", "plan", "progress", "invite", "member role", "withdraw", "submit"],
)
def test_an_agency_write_with_a_working_form_is_refused_to_everyone_else(
    client, ready_project, people, agency_a, door
):
    project = ready_project
    pk = project.pk
    cell = Assessment.objects.filter(round__project=project).order_by("pk").first()
    activity = Activity.objects.filter(plan__project=project).order_by("pk").first()
    invitation = Invitation.objects.create(
        agency=agency_a, username="newcomer", role=Membership.Role.VIEWER, invited_by=people["head"]
    )
    viewer = Membership.objects.get(user=people["viewer"], agency=agency_a)
    members = reverse("agencies:members", args=[agency_a.code])
    doors = {
        "step 1": ("editor", (), reverse("assessment:step", args=[pk, 1]), None, {"vision": "วิสัยทัศน์ใหม่"}),
        "grid": ("editor", (), reverse("assessment:round", args=[pk, 1]), None, {f"level-{cell.pk}": "1"}),
        "step 7": ("editor", (), reverse("plans:step", args=[pk, 7]), None, {}),
        "plan": (
            "editor",
            (),
            reverse("plans:plan_edit", args=[pk, activity.plan_id]),
            None,
            {"name": "แผนงานที่แก้"},
        ),
        "progress": (
            "editor",
            (),
            reverse("plans:activity", args=[pk, activity.pk]),
            None,
            {"percent": "50", "status": "in_progress", "date": "2568-10-01", "note": "คืบหน้า"},
        ),
        "invite": ("head", ("editor",), members, members, {"username": "someone", "role": "viewer"}),
        "member role": (
            "head",
            ("editor",),
            members,
            reverse("agencies:member_change", args=[agency_a.code, viewer.pk]),
            {"role": "editor"},
        ),
        "withdraw": (
            "head",
            ("editor",),
            members,
            reverse("agencies:invitation_withdraw", args=[agency_a.code, invitation.pk]),
            {},
        ),
        "submit": (
            "head",
            ("editor",),
            reverse("certification:step9", args=[pk]),
            reverse("certification:submit", args=[pk]),
            {"confirm": "yes"},
        ),
    }
    allowed, also_denied, page_url, action, changes = doors[door]
    if door == "step 7":
        criterion = project.criteria.order_by("pk").first()
        changes = {f"target_{criterion.code}": "2"}
    check_door(
        client,
        people,
        allowed=allowed,
        denied=(*DENIED_EVERYWHERE, *also_denied),
        page_url=page_url,
        action=action or page_url,
        changes=changes,
    )


def test_the_committee_s_review_and_decision_are_refused_to_everyone_else(
    client, ready_project, people, django_capture_on_commit_callbacks
):
    project = ready_project
    bring_to(
        "submitted",
        project,
        head=people["head"],
        committee=people["committee"],
        client=client,
        capture=django_capture_on_commit_callbacks,
    )
    url = reverse("certification:review", args=[project.pk])
    client.force_login(people["committee"])
    data = review_form(client, project, overall_comment="ความเห็นใหม่", action="save")
    before = fingerprint()
    for persona in ("conflicted", "admin", "head", "editor", "auditor", "head_b"):
        client.force_login(people[persona])
        for action in ("save", "decide"):
            response = client.post(url, {**data, "action": action, "kind": "certify", "confirm": "on"})
            assert response.status_code < 500
    assert fingerprint() == before
    client.force_login(people["committee"])
    client.post(url, data)
    assert fingerprint() != before


def test_first_head_confirmation_is_refused_to_everyone_but_a_second_institute_person(
    client, people, second_standards_admin
):
    agency = Agency.objects.create(code="new-office", name_th="สำนักงานใหม่", kind=Agency.Kind.DEPARTMENT)
    invitation = agency_services.first_head_invite(
        agency=agency, username="head@new.example", by=people["admin"]
    )
    url = reverse("agencies:invitation_confirm", args=[invitation.pk])
    before = fingerprint()
    for persona in ("admin", "committee", "conflicted", "auditor", "head", "editor", "head_b"):
        client.force_login(people[persona])
        assert client.post(url).status_code < 500
    assert fingerprint() == before
    client.force_login(second_standards_admin)
    client.post(url)
    invitation.refresh_from_db()
    assert invitation.confirmed_by == second_standards_admin


def test_ids_of_another_agency_s_memberships_invitations_and_notifications_reach_nothing(
    client, people, agency_a, agency_b
):
    """The head of agency B sends A's ids under B's own addresses; anyone
    sends another person's notification id."""
    viewer = Membership.objects.get(user=people["viewer"], agency=agency_a)
    invitation = Invitation.objects.create(
        agency=agency_a,
        username="a@lampang.go.th",
        email="a@lampang.go.th",
        role=Membership.Role.VIEWER,
        invited_by=people["head"],
    )
    note = Notification.objects.create(user=people["head"], title="ของหัวหน้า A", url="/")
    before = fingerprint()
    client.force_login(people["head_b"])
    b = agency_b.code
    for url, data in (
        (reverse("agencies:member_change", args=[b, viewer.pk]), {"role": "head"}),
        (reverse("agencies:member_change", args=[b, viewer.pk]), {"remove": "1"}),
        (reverse("agencies:invitation_withdraw", args=[b, invitation.pk]), {}),
        (reverse("agencies:invitation_resend", args=[b, invitation.pk]), {}),
        (reverse("agencies:invitation_answer", args=[invitation.pk]), {"answer": "accept"}),
        (reverse("agencies:notifications_read"), {"notification": str(note.pk)}),
    ):
        response = client.post(url, data)
        assert response.status_code in (302, 404), (url, response.status_code)
    assert fingerprint() == before
    note.refresh_from_db()
    assert note.read_at is None
    viewer.refresh_from_db()
    assert viewer.role == Membership.Role.VIEWER


def test_invitation_links_and_answers_open_only_for_their_person(
    client, people, agency_a, django_capture_on_commit_callbacks
):
    """Every persona (and an anonymous visitor): an expired link, a used
    link, someone else's username invitation and one whose username was
    taken after it was made (squatted) all answer 404 and change nothing."""
    import datetime
    import re

    from django.core import mail
    from django.utils import timezone

    head = people["head"]
    with django_capture_on_commit_callbacks(execute=True):
        expired = agency_services.invitation_create(
            agency=agency_a, username="old@x.example", role="viewer", by=head
        )
        agency_services.invitation_create(agency=agency_a, username="used@x.example", role="viewer", by=head)
    expired_link, used_link = (
        re.search(r"https?://[^/\s]+(/invitations/welcome/[^/\s]+/)", message.body)[1]
        for message in mail.outbox
    )
    Invitation.objects.filter(pk=expired.pk).update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    client.get(used_link)
    client.post(reverse("agencies:invitation_join"), {
        "username": "used_one", "first_name": "ก", "last_name": "ข",
        "password1": "ลำปาง-2543-ข้อมูล", "password2": "ลำปาง-2543-ข้อมูล",
    })  # fmt: skip
    client.logout()
    squatted = agency_services.invitation_create(agency=agency_a, username="latecomer", role="head", by=head)
    make_user("latecomer")
    someone = make_user("someone_else")
    theirs = agency_services.invitation_create(agency=agency_a, username="someone_else", role="head", by=head)
    before = fingerprint()
    opened = []
    for persona in (None, *people):
        client.logout()
        if persona is not None:
            client.force_login(people[persona])
        for link in (expired_link, used_link):
            if (
                client.get(link).status_code != 404
                or client.get(reverse("agencies:invitation_join")).status_code != 404
            ):
                opened.append((persona, link))
        for invitation in (squatted, theirs):
            response = client.post(
                reverse("agencies:invitation_answer", args=[invitation.pk]), {"answer": "accept"}
            )
            if response.status_code not in (302, 404) or (persona and response.status_code != 404):
                opened.append((persona, invitation.username, response.status_code))
    assert not opened, opened
    assert fingerprint() == before
    client.force_login(someone)  # while the one it was made for answers it
    client.post(reverse("agencies:invitation_answer", args=[theirs.pk]), {"answer": "accept"})
    assert Membership.objects.get(user=someone, agency=agency_a).role == Membership.Role.HEAD


def test_nobody_changes_a_second_factor_with_a_session_alone(client, people):
    """Every persona, signed in in two steps with an authenticator: new
    recovery codes, turning it off and moving to a new phone, sent with a
    current code but without the password (or with a wrong one), change
    nothing; the institute cannot turn it off even with both."""
    from agencies import twofactor
    from tests.agencies.test_two_factor import current_code
    from tests.conftest import second_factor_device
    from tests.test_fuzz_forms import second_factor_of, sign_in_in_two_steps

    changed = []
    for persona, user in people.items():
        device = second_factor_device(user)
        twofactor.recovery_codes_new(user)
        before = second_factor_of(user)
        for url in (
            reverse("agencies:recovery_codes"),
            reverse("agencies:two_factor_remove"),
            reverse("agencies:two_factor_setup"),
        ):
            for password in ("", "wrong-password"):
                sign_in_in_two_steps(client, user, device)
                data = {"password": password, "current_code": current_code(device), "code": "123456"}
                response = client.post(url, data)
                assert response.status_code < 500, (persona, url, response.status_code)
                if second_factor_of(user) != before:
                    changed.append((persona, url, password))
        if twofactor.required(user):
            sign_in_in_two_steps(client, user, device)
            client.post(
                reverse("agencies:two_factor_remove"),
                {"password": f"pw-{user.username}", "current_code": current_code(device)},
            )
            if second_factor_of(user) != before:
                changed.append((persona, "turn off with both", ""))
    assert not changed, changed


def test_hostile_files_at_both_doors_from_every_persona(client, people, filled_project, editor_a):
    """The workbook upload (the project's writers read it, others get 404
    before it is read) and the public document check (anyone), each sent a
    file of millions of cells or a PDF that inflates to 300 MiB by every
    persona and an anonymous visitor: never a server error, nothing changes,
    and the answer comes at once."""
    import time

    from tests.assessment.test_workbook_hostile import LEVELS, rezipped, sheet_writer
    from tests.certification.test_document_check_bounds import inflating_pdf

    client.force_login(editor_a)
    genuine = client.get(reverse("assessment:workbook", args=[filled_project.pk, 1])).content
    row = b"<row>" + b"<c><v>1</v></c>" * 2400 + b"</row>"
    cells = rezipped(genuine, replace={LEVELS: sheet_writer(2334, row)})
    pdf = inflating_pdf()
    upload = reverse("assessment:workbook_upload", args=[filled_project.pk, 1])
    check = reverse("verify_document")
    before = fingerprint()
    answers = {}
    for persona in (None, *people):
        client.logout()
        if persona is not None:
            client.force_login(people[persona])
        started = time.perf_counter()
        sent = io_file(cells, "round.xlsx")
        workbook = client.post(upload, {"workbook": sent}).status_code
        document = client.post(check, {"document": io_file(pdf, "dossier.pdf")}).status_code
        answers[persona] = (workbook, document, round(time.perf_counter() - started, 2))
    assert fingerprint() == before
    assert all(
        workbook < 500 and document < 500 and seconds < 5 for workbook, document, seconds in answers.values()
    ), answers
    assert answers["editor"][0] == answers["head"][0] == 400  # read, and refused with the reason
    assert {answers[p][0] for p in ("viewer", "outsider", "committee", "auditor", "admin", "head_b")} == {404}


def io_file(data: bytes, name: str):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data)
