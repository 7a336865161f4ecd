"""Demo agencies, cohort and people (``manage.py seed_demo``)."""

import datetime
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction

from agencies.models import Agency, Cohort, InstituteRole, Membership
from agencies.services import institute_role_grant, membership_set

LAMPANG = "lampang-po"
TREASURY = "lampang-treasury"


@dataclass(frozen=True)
class DemoUser:
    username: str
    first_name: str
    last_name: str
    describe: str
    agency: str | None = None
    role: str | None = None
    institute_role: str | None = None


DEMO_USERS = [
    DemoUser("lampang_head", "สมชาย", "ใจดี", "Lampang Provincial Office — head", LAMPANG, Membership.Role.HEAD),
    DemoUser("lampang_editor", "สุดา", "รักงาน", "Lampang Provincial Office — editor", LAMPANG, Membership.Role.EDITOR),
    DemoUser("lampang_viewer", "วิชัย", "อ่านดี", "Lampang Provincial Office — viewer", LAMPANG, Membership.Role.VIEWER),
    DemoUser("treasury_editor", "มาลี", "คลังดี", "Lampang Treasury Office — editor (an outsider to the Provincial Office)", TREASURY, Membership.Role.EDITOR),
    DemoUser("committee", "ประเสริฐ", "ตรวจดี", "Committee member", institute_role=InstituteRole.Role.COMMITTEE),
    DemoUser("auditor", "อรุณี", "สอบทาน", "Auditor", institute_role=InstituteRole.Role.AUDITOR),
    DemoUser("stdadmin", "กมล", "มาตรฐาน", "Standards administrator", institute_role=InstituteRole.Role.STANDARDS_ADMIN),
    DemoUser("stdadmin2", "ปรีดา", "ยืนยันดี", "Second standards administrator (confirms a first head another one invites)", institute_role=InstituteRole.Role.STANDARDS_ADMIN),
]  # fmt: skip


def _agency(code, name_th, name_en, kind, parent=None, province=""):
    agency, _ = Agency.objects.update_or_create(
        code=code,
        defaults={
            "name_th": name_th,
            "name_en": name_en,
            "kind": kind,
            "parent": parent,
            "province": province,
        },
    )
    return agency


@transaction.atomic
def demo_agencies_seed() -> dict[str, Agency]:
    interior = _agency("moi", "กระทรวงมหาดไทย", "Ministry of Interior", Agency.Kind.MINISTRY)
    finance = _agency("mof", "กระทรวงการคลัง", "Ministry of Finance", Agency.Kind.MINISTRY)
    comptroller = _agency(
        "cgd", "กรมบัญชีกลาง", "Comptroller General's Department", Agency.Kind.DEPARTMENT, finance
    )
    lampang = _agency(
        LAMPANG,
        "สำนักงานจังหวัดลำปาง",
        "Lampang Provincial Office",
        Agency.Kind.PROVINCIAL_OFFICE,
        interior,
        "ลำปาง",
    )
    treasury = _agency(
        TREASURY,
        "สำนักงานคลังจังหวัดลำปาง",
        "Lampang Provincial Treasury Office",
        Agency.Kind.PROVINCIAL_OFFICE,
        comptroller,
        "ลำปาง",
    )
    cohort, _ = Cohort.objects.update_or_create(
        name="ลำปาง 2543", defaults={"signed_on": datetime.date(2000, 9, 22)}
    )
    cohort.agencies.add(lampang, treasury)
    return {LAMPANG: lampang, TREASURY: treasury}


@transaction.atomic
def demo_users_seed(*, password: str, agencies: dict[str, Agency]) -> list[DemoUser]:
    User = get_user_model()
    for demo in DEMO_USERS:
        user, _ = User.objects.get_or_create(username=demo.username)
        user.first_name = demo.first_name
        user.last_name = demo.last_name
        user.email = f"{demo.username}@example.go.th"
        user.set_password(password)
        user.save()
        if demo.agency:
            membership_set(agency=agencies[demo.agency], user=user, role=demo.role)
        if demo.institute_role:
            institute_role_grant(user=user, role=demo.institute_role)
    return DEMO_USERS
