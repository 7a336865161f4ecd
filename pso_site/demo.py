"""The whole demo, in the order a real agency would have lived it:
the catalogue, the Lampang cohort and people, the institute's (demo)
signatory, the Lampang Provincial Office's P.S.O. 1101 project of B.E.
2544 — assessed, planned, re-assessed, submitted, reviewed and certified
(9 ตุลาคม 2544 – 8 ตุลาคม 2547, so expired today) — and its renewal for the
current cycle, in progress.

Every change goes through the same services as the pages."""

import datetime

from django.contrib.auth import get_user_model

from agencies.catalogue import catalogue_load, read_catalogue
from agencies.demo import demo_agencies_seed, demo_users_seed
from assessment.concurrency import snapshot_token
from assessment.demo import demo_lampang_project_seed, reference
from assessment.models import Project
from assessment.progress import progress_refresh
from certification import services as certification
from certification.demo import demo_institute_seed
from certification.models import Decision
from plans.demo import demo_lampang_plan_seed

SUBMITTED_ON = datetime.datetime(2001, 10, 1, 10, 0, tzinfo=datetime.UTC)
DECIDED_ON = datetime.datetime(2001, 10, 9, 10, 0, tzinfo=datetime.UTC)
REVIEW_COMMENT = "ตรวจเอกสารและหลักฐานแล้ว สอดคล้องกับผลการประเมินตนเอง"
OVERALL_COMMENT = "หน่วยงานมีระบบข้อมูลครบถ้วนตามเกณฑ์ ควรดำเนินแผนระยะกลางและระยะยาวต่อเนื่อง"


def historic_certification(project: Project) -> Project:
    """Submit, review and certify the B.E. 2544 project, back-dated."""
    if project.status != Project.Status.DRAFT:
        return project
    users = get_user_model().objects
    head = users.get(username="lampang_head")
    committee = users.get(username="committee")
    certification.project_submit(project_id=project.pk, user=head, submitted_at=SUBMITTED_ON)
    review = certification.current_review(project)
    levels = [
        certification.ReviewLevel(criterion_id=row.criterion_id, level=None, comment=REVIEW_COMMENT, step=6)
        for row in certification.review_rows(review)
    ]
    certification.project_decide(
        project_id=project.pk,
        user=committee,
        kind=Decision.Kind.CERTIFY,
        reason="ผ่านการรับรองมาตรฐาน P.S.O. 1101 ระบบข้อมูล",
        valid_from=datetime.date.fromisoformat(reference()["step9_certificate"]["valid_from"]),
        decided_at=DECIDED_ON,
        token=snapshot_token(certification.review_section(review).snapshot(project)),
        overall_comment=OVERALL_COMMENT,
        levels=levels,
    )
    project.refresh_from_db()
    return project


def renewal_seed(project: Project) -> Project:
    editor = get_user_model().objects.get(username="lampang_editor")
    renewal, _created = certification.project_renew(project_id=project.pk, user=editor)
    return renewal


def demo_seed(*, password: str) -> dict:
    catalogue_load(data=read_catalogue())
    agencies = demo_agencies_seed()
    users = demo_users_seed(password=password, agencies=agencies)
    demo_institute_seed()
    editor = get_user_model().objects.get(username="lampang_editor")
    lampang = demo_lampang_project_seed(user=editor)
    demo_lampang_plan_seed(lampang, user=editor)
    lampang = historic_certification(lampang)
    renewal = renewal_seed(lampang)
    progress_refresh(Project.objects.filter(agency__in=agencies.values()))
    return {"users": users, "historic": lampang, "renewal": renewal}
