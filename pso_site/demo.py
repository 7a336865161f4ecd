"""The whole demo, in the order a real agency would have lived it:
the catalogue, the Lampang cohort and people, the Lampang Provincial
Office's P.S.O. 1101 project of B.E. 2544 — assessed, planned, re-assessed,
submitted, reviewed and certified (9 ตุลาคม 2544 – 8 ตุลาคม 2547, so expired
today) — and its renewal for the current cycle, in progress."""

import datetime

from django.contrib.auth import get_user_model
from django.db import transaction

from agencies.catalogue import catalogue_load, read_catalogue
from agencies.demo import demo_agencies_seed, demo_users_seed
from assessment import review, services
from assessment.demo import demo_lampang_project_seed, reference
from assessment.models import Decision, Project, ReviewCriterion
from plans.demo import demo_lampang_plan_seed
from plans.services import plans_copy, project_submit
from pso_site.dates import current_fiscal_year

SUBMITTED_ON = datetime.datetime(2001, 10, 1, 10, 0, tzinfo=datetime.UTC)
DECIDED_ON = datetime.datetime(2001, 10, 9, 10, 0, tzinfo=datetime.UTC)


@transaction.atomic
def historic_certification(project: Project) -> Project:
    """Submit, review and certify the B.E. 2544 project, back-dated."""
    if project.status != Project.Status.DRAFT:
        return project
    users = get_user_model().objects
    head = users.get(username="lampang_head")
    committee = users.get(username="committee")
    project = project_submit(project=project, user=head, submitted_at=SUBMITTED_ON)
    current = review.review_open(project=project, user=committee)
    for row in ReviewCriterion.objects.filter(review=current):
        row.comment = "ตรวจเอกสารและหลักฐานแล้ว สอดคล้องกับผลการประเมินตนเอง"
        row.save()
    current.overall_comment = "หน่วยงานมีระบบข้อมูลครบถ้วนตามเกณฑ์ ควรดำเนินแผนระยะกลางและระยะยาวต่อเนื่อง"
    current.save()
    review.project_decide(
        project=project,
        user=committee,
        kind=Decision.Kind.CERTIFY,
        reason="ผ่านการรับรองมาตรฐาน P.S.O. 1101 ระบบข้อมูล",
        valid_from=datetime.date.fromisoformat(reference()["step9_certificate"]["valid_from"]),
        decided_at=DECIDED_ON,
    )
    project.refresh_from_db()
    return project


def renewal_seed(project: Project) -> Project:
    year = current_fiscal_year()
    existing = Project.objects.filter(
        agency=project.agency, standard=project.standard, fiscal_year=year
    ).first()
    if existing is not None:
        return existing
    editor = get_user_model().objects.get(username="lampang_editor")
    with transaction.atomic():
        renewal = services.project_renew(project=project, fiscal_year=year, user=editor)
        plans_copy(source=project, target=renewal, shift_years=year - project.fiscal_year)
    return renewal


def demo_seed(*, password: str) -> dict:
    catalogue_load(data=read_catalogue())
    agencies = demo_agencies_seed()
    users = demo_users_seed(password=password, agencies=agencies)
    editor = get_user_model().objects.get(username="lampang_editor")
    lampang = demo_lampang_project_seed(user=editor)
    demo_lampang_plan_seed(lampang, user=editor)
    lampang = historic_certification(lampang)
    renewal = renewal_seed(lampang)
    return {"users": users, "historic": lampang, "renewal": renewal}
