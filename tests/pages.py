"""The pages of a project, and projects of any size to open them on:
shared by the query-cap and the read-only tests."""

import datetime

from django.core.files.base import ContentFile
from django.urls import reverse

from assessment import services
from assessment.models import Assessment, EvidenceFile
from plans.models import Activity, ActivityEvidence, Plan, ProgressUpdate
from tests.factories import add_indicators, add_missions, fill_round, fill_weights
from tests.utils import step_url


def grow(
    project, editor, *, missions: int, indicators_per_criterion: int, rounds: int, plans: int, activities: int
):
    """Steps 1–8 of a project of the given size, ready to submit."""
    project.vision = "เป็นหน่วยงานที่มีประสิทธิภาพ"
    project.mission_statement = "ประสานราชการทั่วไปในจังหวัด"
    project.goals = "เป็นที่ยอมรับของประชาชน"
    project.objectives = "ปรับปรุงระบบการบริหาร"
    project.save()
    add_missions(project, missions)
    fill_weights(project)
    add_indicators(project, indicators_per_criterion)
    first = services.round_create(project=project, user=editor)
    fill_round(first, level=3, justification="ครบถ้วนตามหลักฐาน")
    for _number in range(rounds - 1):
        later = services.round_create(project=project, user=editor, prefill_from=first)
        fill_round(later, level=3, justification="ครบถ้วนตามหลักฐาน")
    latest = services.latest_round(project)
    for cell in Assessment.objects.filter(round=latest)[:5]:
        evidence = EvidenceFile(
            cell=cell, original_name="x.pdf", content_type="application/pdf", size=8, sha256="0" * 64
        )
        evidence.file.save("x.pdf", ContentFile(b"%PDF-1.4"))
        cell.justification = "มีหลักฐานแนบ"
        cell.save()  # some history
    project.criteria.update(target_level=3)
    criteria = list(project.criteria.all())
    for number in range(plans):
        plan = Plan.objects.create(project=project, name=f"แผนงานที่ {number + 1}", order=number + 1)
        plan.criteria.set(criteria)
        for index in range(activities):
            activity = Activity.objects.create(
                plan=plan,
                title=f"กิจกรรม {number + 1}.{index + 1}",
                phase=Activity.Phase.SHORT if index % 2 == 0 else Activity.Phase.LONG,
                start_date=datetime.date(2025, 8, 1),
                end_date=datetime.date(2025, 9, 30) if index % 2 == 0 else None,
                responsible_name="นายสมชาย",
                responsible_user=editor,
            )
            for status, percent in (("in_progress", 50), ("done", 100)):
                update = ProgressUpdate.objects.create(
                    activity=activity,
                    status=status,
                    percent=percent,
                    date=datetime.date(2025, 9, 1),
                    created_by=editor,
                )
            evidence = ActivityEvidence(
                update=update, original_name="y.pdf", content_type="application/pdf", size=8, sha256="1" * 64
            )
            evidence.file.save("y.pdf", ContentFile(b"%PDF-1.4"))
    return project


def agency_pages(project) -> list[str]:
    plan = project.plans.first()
    activity = Activity.objects.filter(plan__project=project).first()
    latest = services.latest_round(project)
    cell = Assessment.objects.filter(round=latest).first()
    evidence = EvidenceFile.objects.filter(cell__round__project=project).first()
    return [
        reverse("home"),
        reverse("catalogue"),
        reverse("agencies:members", args=[project.agency.code]),
        reverse("assessment:project", args=[project.pk]),
        reverse("assessment:history", args=[project.pk]),
        reverse("assessment:history", args=[project.pk]) + "?page=2",
        reverse("assessment:results", args=[project.pk]),
        reverse("assessment:results", args=[project.pk]) + "?round=1",
        reverse("assessment:round_current", args=[project.pk]),
        reverse("assessment:round", args=[project.pk, latest.number]),
        reverse("assessment:round", args=[project.pk, 1]),
        reverse("assessment:cell", args=[project.pk, latest.number, cell.pk]),
        *([reverse("assessment:evidence", args=[project.pk, evidence.pk])] if evidence else []),
        reverse("certification:archive", args=[project.pk]),
        reverse("certification:committee_view", args=[project.pk]),
        reverse("assessment:workbook", args=[project.pk, latest.number]),
        reverse("assessment:results_workbook", args=[project.pk]),
        reverse("plans:workbook", args=[project.pk]),
        *[step_url(project, number) for number in range(1, 10)],
        reverse("plans:timeline", args=[project.pk]),
        reverse("plans:plan_create", args=[project.pk]),
        reverse("plans:plan_edit", args=[project.pk, plan.pk]),
        reverse("plans:activity_create", args=[project.pk]) + f"?plan={plan.pk}",
        reverse("plans:activity", args=[project.pk, activity.pk]),
        reverse("plans:activity_edit", args=[project.pk, activity.pk]),
        *[
            reverse("plans:activity_evidence", args=[project.pk, evidence.pk])
            for evidence in ActivityEvidence.objects.filter(update__activity__plan__project=project)[:1]
        ],
    ]


def institute_pages(project) -> list[str]:
    return [
        reverse("home"),
        reverse("certification:committee_queue"),
        reverse("certification:committee_queue") + "?status=changes_requested",
        reverse("certification:audit"),
        reverse("certification:audit") + "?download=csv",
        reverse("certification:committee_queue") + "?download=xlsx",
        reverse("certification:review", args=[project.pk]),
        reverse("assessment:project", args=[project.pk]),
        reverse("assessment:results", args=[project.pk]),
        reverse("assessment:history", args=[project.pk]),
        step_url(project, 9),
    ]
