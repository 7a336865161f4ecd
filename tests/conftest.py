"""Named personas shared by every test (healthchecks' alice, bob, charlie).

Agency A is the Lampang Provincial Office, agency B the Lampang Treasury
Office; B's editor is the outsider to A's objects.
"""

import pytest
from django.contrib.auth import get_user_model

from agencies.catalogue import catalogue_load, read_catalogue
from agencies.models import Agency, InstituteRole, Membership, Standard
from agencies.services import institute_role_grant
from assessment import services
from tests.factories import add_indicators, add_missions, fill_round, fill_weights


@pytest.fixture(autouse=True)
def fast_password_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def catalogue(db):
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


@pytest.fixture
def committee_member(db):
    user = make_user("committee")
    institute_role_grant(user=user, role=InstituteRole.Role.COMMITTEE)
    return user


@pytest.fixture
def auditor(db):
    user = make_user("auditor")
    institute_role_grant(user=user, role=InstituteRole.Role.AUDITOR)
    return user


@pytest.fixture
def standards_admin(db):
    user = make_user("stdadmin")
    institute_role_grant(user=user, role=InstituteRole.Role.STANDARDS_ADMIN)
    return user


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
