"""Named personas shared by every test (healthchecks' alice, bob, charlie).

Agency A is the Lampang Provincial Office, agency B the Lampang Treasury
Office; B's editor is the outsider to A's objects.
"""

import datetime
import hashlib

import pytest
from django.contrib.auth import get_user_model

from agencies.catalogue import catalogue_load, read_catalogue
from agencies.models import Agency, InstituteRole, Membership, Standard
from agencies.services import institute_role_grant
from assessment import services
from assessment.models import Assessment
from assessment.services import round_score_store
from plans.models import Activity, Plan, ProgressUpdate
from tests.factories import add_indicators, add_missions, fill_round, fill_weights


@pytest.fixture(autouse=True)
def thai_by_default():
    """Each test starts in the site's language, Thai: a request in English
    leaves English active in its thread, and a later test that uses a form
    without a request would read its messages in English."""
    from django.utils import translation

    with translation.override("th"):
        yield


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts without cached catalogue data of another test."""
    from django.core.cache import cache

    cache.clear()


def second_factor_device(user):
    """The authenticator of a test person (a known key: tests compute its codes)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device, _created = TOTPDevice.objects.get_or_create(
        user=user, defaults={"name": "authenticator", "key": "3132333435363738393031323334353637383930"}
    )
    return device


@pytest.fixture(autouse=True)
def force_login_gives_the_second_factor(monkeypatch):
    """``client.force_login`` signs in the way people do, both steps: the
    institute's people (who must have a second factor) give it too. Tests of
    two-step sign-in itself sign in with ``client.login`` or ``force_login_password_only``."""
    from django.test import Client

    from agencies import twofactor

    password_only = Client.force_login

    def force_login(self, user, backend=None):
        password_only(self, user, backend)
        if twofactor.required(user):
            twofactor.session_given(self.session, second_factor_device(user))

    monkeypatch.setattr(Client, "force_login", force_login)
    monkeypatch.setattr(Client, "force_login_password_only", password_only, raising=False)


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    """Uploaded evidence and issued dossiers go to a folder of the test's own."""
    settings.MEDIA_ROOT = tmp_path / "media"


def _stand_in_pdf(html: str, *, base_url=None, stylesheets=None, **options) -> bytes:
    """A one-page blank PDF that differs when the HTML differs: enough for
    every test that does not read the PDF itself, and real enough to sign."""
    digest = hashlib.sha256(html.encode("utf-8")).hexdigest()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
    ]
    return pdf_of(objects, comment=b"% stand-in for tests " + digest.encode())


def pdf_of(objects: list[bytes], *, comment: bytes = b"%\xe2\xe3\xcf\xd3") -> bytes:
    """A classic PDF (cross-reference table) of the given objects, 1 the catalogue."""
    out = bytearray(b"%PDF-1.7\n" + comment + b"\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


@pytest.fixture(scope="session", autouse=True)
def signing_identity(tmp_path_factory):
    """A demo signing identity of the test session's own (one per worker)."""
    from django.test import override_settings

    from pso_site.lib.signing import demo_identity_create

    path = demo_identity_create(tmp_path_factory.mktemp("signing") / "institute.p12", "test-passphrase")
    with override_settings(
        SIGNING_KEY_FILE=path, SIGNING_KEY_PASSPHRASE="test-passphrase", SIGNING_TIMESTAMP_URL=""
    ):
        yield path


@pytest.fixture(autouse=True)
def pdf_renderer(request, monkeypatch):
    """WeasyPrint only for tests marked ``pdf`` and the browser tests."""
    if request.node.get_closest_marker("pdf") or request.node.get_closest_marker("e2e"):
        return
    monkeypatch.setattr("pso_site.lib.pdf._render_with_weasyprint", _stand_in_pdf)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The catalogue, loaded once into each test database."""
    with django_db_blocker.unblock():
        catalogue_load(data=read_catalogue())


@pytest.fixture
def catalogue(db):
    # A transactional test (browser, race) empties the database when it ends.
    if not Standard.objects.exists():
        catalogue_load(data=read_catalogue())


@pytest.fixture
def agency_a(db):
    return Agency.objects.create(
        code="agency-a",
        name_th="สำนักงานจังหวัดลำปาง",
        name_en="Lampang Provincial Office",
        kind=Agency.Kind.PROVINCIAL_OFFICE,
        province="ลำปาง",
    )


@pytest.fixture
def agency_b(db):
    return Agency.objects.create(
        code="agency-b",
        name_th="สำนักงานคลังจังหวัดลำปาง",
        name_en="Lampang Provincial Treasury Office",
        kind=Agency.Kind.PROVINCIAL_OFFICE,
        province="ลำปาง",
    )


def make_user(username: str, **extra):
    user = get_user_model().objects.create_user(
        username=username, password="pw-" + username, first_name=username.title(), **extra
    )
    return user


def member(username: str, agency: Agency, role: str):
    user = make_user(username)
    Membership.objects.create(user=user, agency=agency, role=role)
    return user


@pytest.fixture
def head_a(agency_a):
    return member("head_a", agency_a, Membership.Role.HEAD)


@pytest.fixture
def editor_a(agency_a):
    return member("editor_a", agency_a, Membership.Role.EDITOR)


@pytest.fixture
def viewer_a(agency_a):
    return member("viewer_a", agency_a, Membership.Role.VIEWER)


@pytest.fixture
def outsider(agency_b):
    """An editor of agency B: must see nothing of agency A."""
    return member("editor_b", agency_b, Membership.Role.EDITOR)


def institute_person(username: str, role: str):
    """A person of the institute, with the authenticator the role requires."""
    user = make_user(username)
    institute_role_grant(user=user, role=role)
    second_factor_device(user)
    return user


@pytest.fixture
def committee_member(db):
    return institute_person("committee", InstituteRole.Role.COMMITTEE)


@pytest.fixture
def auditor(db):
    return institute_person("auditor", InstituteRole.Role.AUDITOR)


@pytest.fixture
def standards_admin(db):
    return institute_person("stdadmin", InstituteRole.Role.STANDARDS_ADMIN)


@pytest.fixture
def second_standards_admin(db):
    """Another standards administrator: confirms what the first one starts."""
    return institute_person("stdadmin2", InstituteRole.Role.STANDARDS_ADMIN)


@pytest.fixture
def personas(head_a, editor_a, viewer_a, outsider, committee_member, auditor, standards_admin):
    return {
        "head_a": head_a,
        "editor_a": editor_a,
        "viewer_a": viewer_a,
        "outsider": outsider,
        "committee": committee_member,
        "auditor": auditor,
        "standards_admin": standards_admin,
    }


@pytest.fixture
def project(catalogue, agency_a, editor_a):
    return services.project_create(
        agency=agency_a, standard=Standard.objects.get(code="1101"), fiscal_year=2025, user=editor_a
    )


@pytest.fixture
def filled_project(project, editor_a):
    """Steps 1–5 complete and a round of level 2 everywhere."""
    project.vision = "เป็นหน่วยงานที่มีประสิทธิภาพ"
    project.mission_statement = "ประสานราชการทั่วไปในจังหวัด"
    project.goals = "เป็นที่ยอมรับของประชาชน"
    project.objectives = "ปรับปรุงระบบการบริหาร"
    project.save()
    add_missions(project, 5)
    fill_weights(project)
    add_indicators(project)
    assessment_round = services.round_create(project=project, user=editor_a)
    fill_round(assessment_round)
    return project


@pytest.fixture
def planned_project(filled_project):
    """Steps 1–7 complete: targets 3 everywhere, one plan covering every
    criterion with a short and a long-term activity."""
    project = filled_project
    project.criteria.update(target_level=3)
    plan = Plan.objects.create(project=project, name="แผนงานที่ 1", approach="จัดทำฐานข้อมูลใหม่")
    plan.criteria.set(project.criteria.all())
    Activity.objects.create(
        plan=plan,
        title="จัดทำฐานข้อมูลทุกภารกิจ",
        phase=Activity.Phase.SHORT,
        start_date=datetime.date(2025, 8, 1),
        end_date=datetime.date(2025, 9, 30),
        responsible_name="นายสมชาย",
        responsible_position="หัวหน้าฝ่าย",
    )
    Activity.objects.create(
        plan=plan,
        title="พัฒนาระบบข้อมูลอย่างต่อเนื่อง",
        phase=Activity.Phase.LONG,
        start_date=datetime.date(2026, 1, 1),
        responsible_name="นางสาวสุดา",
    )
    return project


@pytest.fixture
def ready_project(planned_project, editor_a):
    """Everything the checklist asks for: short-term work done, a complete
    round at level 3 (total 100)."""
    project = planned_project
    for activity in Activity.objects.filter(plan__project=project, phase=Activity.Phase.SHORT):
        ProgressUpdate.objects.create(
            activity=activity,
            status="done",
            percent=100,
            date=datetime.date(2025, 9, 30),
            created_by=editor_a,
        )
    assessment_round = project.rounds.get()
    Assessment.objects.filter(round=assessment_round).update(level=3, justification="ครบถ้วนตามหลักฐาน")
    round_score_store(assessment_round=assessment_round)
    return project


@pytest.fixture
def submitted_project(ready_project, head_a, django_capture_on_commit_callbacks):
    """Submitted by the head; its dossier is built (after commit, as in production)."""
    from certification.services import project_submit

    with django_capture_on_commit_callbacks(execute=True):
        return project_submit(project_id=ready_project.pk, user=head_a)


@pytest.fixture
def certified(submitted_project, committee_member, django_capture_on_commit_callbacks):
    """Submitted, then certified by the committee; its documents are built."""
    from certification.services import project_decide

    with django_capture_on_commit_callbacks(execute=True):
        project_decide(project_id=submitted_project.pk, user=committee_member, kind="certify")
    submitted_project.refresh_from_db()
    return submitted_project
