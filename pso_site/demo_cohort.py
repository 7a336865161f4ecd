"""The rest of the ลำปาง 2543 cohort, for the dashboards: 33 more offices of
Lampang province (demo agencies, codes ``lampang-demo-NN``), each with a
head, and a P.S.O. 1101 project at a different point of the nine steps —
just started, steps 1–2 written, steps 1–6 done (the Lampang reference data),
planned, submitted, sent back, certified, one certificate ending within 90
days and one expired. Every change goes through the services of the pages;
the same seed gives the same cohort."""

import datetime

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.utils import timezone

from agencies.models import Agency, Cohort, Membership, Standard
from agencies.services import membership_set
from assessment import services
from assessment.demo import FISCAL_YEAR as REFERENCE_YEAR
from assessment.demo import lampang_document
from assessment.exchange import project_import
from assessment.models import Project
from assessment.progress import progress_store
from certification import services as certification
from certification.models import Decision
from plans.demo import demo_lampang_plan_seed

COHORT = "ลำปาง 2543"
FISCAL_YEAR = 2025
OFFICES = [
    ("สำนักงานสาธารณสุขจังหวัดลำปาง", "Lampang Provincial Public Health Office"),
    ("สำนักงานเกษตรจังหวัดลำปาง", "Lampang Provincial Agriculture Office"),
    ("สำนักงานพาณิชย์จังหวัดลำปาง", "Lampang Provincial Commerce Office"),
    ("สำนักงานแรงงานจังหวัดลำปาง", "Lampang Provincial Labour Office"),
    ("สำนักงานพัฒนาสังคมและความมั่นคงของมนุษย์จังหวัดลำปาง", "Lampang Provincial Social Development Office"),
    ("สำนักงานการท่องเที่ยวและกีฬาจังหวัดลำปาง", "Lampang Provincial Tourism and Sports Office"),
    ("สำนักงานวัฒนธรรมจังหวัดลำปาง", "Lampang Provincial Culture Office"),
    ("สำนักงานพลังงานจังหวัดลำปาง", "Lampang Provincial Energy Office"),
    ("สำนักงานทรัพยากรธรรมชาติและสิ่งแวดล้อมจังหวัดลำปาง", "Lampang Provincial Natural Resources Office"),
    ("สำนักงานขนส่งจังหวัดลำปาง", "Lampang Provincial Land Transport Office"),
    ("สำนักงานพัฒนาชุมชนจังหวัดลำปาง", "Lampang Provincial Community Development Office"),
    ("สำนักงานสถิติจังหวัดลำปาง", "Lampang Provincial Statistical Office"),
    ("สำนักงานประชาสัมพันธ์จังหวัดลำปาง", "Lampang Provincial Public Relations Office"),
    ("สำนักงานอุตสาหกรรมจังหวัดลำปาง", "Lampang Provincial Industry Office"),
    ("สำนักงานจัดหางานจังหวัดลำปาง", "Lampang Provincial Employment Office"),
    ("สำนักงานสวัสดิการและคุ้มครองแรงงานจังหวัดลำปาง", "Lampang Provincial Labour Protection Office"),
    ("สำนักงานประกันสังคมจังหวัดลำปาง", "Lampang Provincial Social Security Office"),
    ("สำนักงานปศุสัตว์จังหวัดลำปาง", "Lampang Provincial Livestock Office"),
    ("สำนักงานประมงจังหวัดลำปาง", "Lampang Provincial Fisheries Office"),
    ("สำนักงานสหกรณ์จังหวัดลำปาง", "Lampang Provincial Cooperatives Office"),
    ("สำนักงานที่ดินจังหวัดลำปาง", "Lampang Provincial Land Office"),
    ("สำนักงานโยธาธิการและผังเมืองจังหวัดลำปาง", "Lampang Provincial Public Works Office"),
    ("สำนักงานป้องกันและบรรเทาสาธารณภัยจังหวัดลำปาง", "Lampang Disaster Prevention Office"),
    ("สำนักงานส่งเสริมการปกครองท้องถิ่นจังหวัดลำปาง", "Lampang Local Administration Office"),
    ("ที่ทำการปกครองจังหวัดลำปาง", "Lampang Provincial Administration Office"),
    ("สำนักงานคุมประพฤติจังหวัดลำปาง", "Lampang Probation Office"),
    ("สำนักงานบังคับคดีจังหวัดลำปาง", "Lampang Legal Execution Office"),
    ("สำนักงานยุติธรรมจังหวัดลำปาง", "Lampang Provincial Justice Office"),
    ("สำนักงานพระพุทธศาสนาจังหวัดลำปาง", "Lampang Provincial Buddhism Office"),
    ("สำนักงานศึกษาธิการจังหวัดลำปาง", "Lampang Provincial Education Office"),
    ("สำนักงานตรวจบัญชีสหกรณ์ลำปาง", "Lampang Cooperative Auditing Office"),
    ("สำนักงานสรรพากรพื้นที่ลำปาง", "Lampang Area Revenue Office"),
    ("สำนักงานสรรพสามิตพื้นที่ลำปาง", "Lampang Area Excise Office"),
]
# Offices of the Ministry of Interior (the ministry filter has something to find).
INTERIOR = {10, 20, 21, 22, 23, 24}
# Where each office's project stands, in the order of OFFICES.
STAGES = (
    ["started"] * 6
    + ["written"] * 6
    + ["assessed"] * 8
    + ["planned"] * 5
    + ["submitted"] * 3
    + ["sent_back"]
    + ["certified"] * 2
    + ["ending_soon", "expired"]
)


def demo_cohort_seed(*, password: str, progress=None) -> list[Project]:
    """Idempotent: offices that have their project are left as they are.
    ``progress`` is called once per office (a progress bar's ``update``)."""
    today = timezone.localdate()
    standard = Standard.objects.get(code="1101")
    committee = get_user_model().objects.get(username="committee")
    interior = Agency.objects.get(code="moi")
    cohort = Cohort.objects.get(name=COHORT)
    password_hash = make_password(password)
    projects = []
    for index, ((name_th, name_en), stage) in enumerate(zip(OFFICES, STAGES, strict=True)):
        number = index + 1
        agency, _created = Agency.objects.get_or_create(
            code=f"lampang-demo-{number:02d}",
            defaults={
                "name_th": name_th,
                "name_en": name_en,
                "kind": Agency.Kind.PROVINCIAL_OFFICE,
                "province": "ลำปาง",
                "parent": interior if index in INTERIOR else None,
            },
        )
        cohort.agencies.add(agency)
        head, created = get_user_model().objects.get_or_create(
            username=f"lampang-demo-{number:02d}-head",
            defaults={"first_name": "หัวหน้า", "last_name": name_th, "password": password_hash},
        )
        if created:
            membership_set(agency=agency, user=head, role=Membership.Role.HEAD)
        existing = Project.objects.filter(agency=agency, standard=standard, fiscal_year=FISCAL_YEAR).first()
        projects.append(existing or _project_at(stage, agency, standard, head, committee, today))
        if progress is not None:
            progress(1)
    return projects


def _project_at(stage: str, agency, standard, head, committee, today: datetime.date) -> Project:
    if stage in ("started", "written"):
        project = services.project_create(
            agency=agency, standard=standard, fiscal_year=FISCAL_YEAR, user=head
        )
        if stage == "written":
            project.vision = f"{agency.name_th} เป็นองค์กรที่ให้บริการประชาชนอย่างมีคุณภาพ"
            project.mission_statement = "ให้บริการประชาชนตามภารกิจของหน่วยงานอย่างมีประสิทธิภาพ"
            project.goals = "ประชาชนได้รับบริการที่สะดวก รวดเร็ว ถูกต้อง"
            project.objectives = "พัฒนาระบบข้อมูลเพื่อการบริหารงาน"
            project.save()
            progress_store(project)
        return project
    project = project_import(lampang_document(), agency=agency, fiscal_year=FISCAL_YEAR, user=head)
    if stage == "assessed":
        return project
    demo_lampang_plan_seed(project, user=head, shift_years=FISCAL_YEAR - REFERENCE_YEAR)
    if stage == "planned":
        return project
    submitted_at = timezone.now() - datetime.timedelta(days=20)
    years_back = {"ending_soon": 3 * 365 - 60, "expired": 3 * 365 + 30, "certified": 200}.get(stage, 0)
    if years_back:
        submitted_at = timezone.now() - datetime.timedelta(days=years_back + 14)
    certification.project_submit(project_id=project.pk, user=head, submitted_at=submitted_at)
    if stage == "submitted":
        return project
    kind = Decision.Kind.REQUEST_CHANGES if stage == "sent_back" else Decision.Kind.CERTIFY
    certification.project_decide(
        project_id=project.pk,
        user=committee,
        kind=kind,
        reason="โปรดเพิ่มหลักฐานของเกณฑ์ความถูกต้องของข้อมูล" if kind == Decision.Kind.REQUEST_CHANGES else "",
        valid_from=today - datetime.timedelta(days=years_back) if years_back else None,
        decided_at=submitted_at + datetime.timedelta(days=10),
    )
    project.refresh_from_db()
    return project
