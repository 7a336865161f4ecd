"""The upgrade plan of the demo Lampang 1101 project (steps 7–8), from
``assessment/data/lampang-1101.json``: target levels, the three plans with
their criteria, the short / medium / long phases with their dates and
activities, some progress, and a second round that shows the improvement.

Which plan each activity belongs to is not in the source (it lists the
activities by phase); the assignment below follows their content.
"""

import datetime
import json
from pathlib import Path

from django.db import transaction

from assessment import services as assessment_services
from assessment import snapshots
from assessment.concurrency import snapshot_token
from assessment.grid import grid_token
from assessment.models import Assessment, AssessmentRound, Project
from plans import services
from plans.models import Activity, ProgressUpdate
from pso_site.lib.dates import add_years

REFERENCE = Path(__file__).resolve().parent.parent / "assessment" / "data" / "lampang-1101.json"

ACTIVITY_PLAN = {
    "จัดทำฐานข้อมูลทุกภารกิจ": 0,
    "คัดแยกจัดระบบข้อมูลทุกภารกิจ": 1,
    "จัดทำแฟ้มเอกสารและบัญชีคุมแฟ้ม": 1,
    "เชื่อมโยงแฟ้มเอกสารกับคอมพิวเตอร์และระบบ LAN": 2,
    "ปรับและพัฒนาข้อมูลใน Web Site ของจังหวัด": 2,
    "ปรับปรุงฐานข้อมูลทุกภารกิจและจัดทำสารบัญเอกสารภายในแฟ้ม": 0,
    "พัฒนาและจัดทำระบบข้อมูล MIS/GIS": 1,
    "เชื่อมโยงข้อมูล Intranet และ Internet": 2,
    "ปรับปรุงข้อมูลและพัฒนาระบบข้อมูลอย่างต่อเนื่อง": 0,
    "เป็นศูนย์เครือข่ายและบริการข้อมูลจังหวัด": 2,
}
RESPONSIBLE = ["หัวหน้ากลุ่มงานข้อมูลและสารสนเทศ", "หัวหน้ากลุ่มงานยุทธศาสตร์", "หัวหน้าฝ่ายบริหารงานทั่วไป"]

# Round 2 after the short-term phase: illustrative levels that meet the
# default readiness thresholds (every criterion ≥ 2, total 86.67).
ROUND_TWO_LEVELS = {
    "coverage": 3,
    "accuracy": 3,
    "reliability": 3,
    "speed": 2,
    "linkage": 2,
    "currency": 3,
    "participation": 2,
    "accessibility": 2,
    "auditability": 2,
}
ROUND_TWO_JUSTIFICATION = {
    3: "หลังดำเนินการแผนระยะสั้น มีฐานข้อมูลครบทุกภารกิจ ปรับปรุงสม่ำเสมอ ตรวจสอบได้",
    2: "ดำเนินการตามแผนแล้วเป็นส่วนใหญ่ ยังต้องพัฒนาต่อในระยะกลาง",
}


def reference() -> dict:
    return json.loads(REFERENCE.read_text(encoding="utf-8"))


@transaction.atomic
def demo_lampang_plan_seed(project: Project, *, user, shift_years: int = 0) -> Project:
    """Idempotent: does nothing if the project already has plans. Every
    change goes through the services of the pages (``user`` is an editor).
    ``shift_years`` moves every date by whole years (the same plan in a
    later cycle)."""
    if project.plans.exists():
        return project
    data = reference()
    services.targets_save(
        project_id=project.pk,
        user=user,
        token=snapshot_token(services.targets_snapshot(project)),
        targets=data["step7_target_levels"],
    )
    criteria = {c.code: c.pk for c in project.criteria.all()}
    plans = [
        services.plan_create(
            project_id=project.pk,
            user=user,
            name=item["name"],
            approach=item["approach"],
            criterion_ids=[criteria[code] for code in item["criteria"]],
        )
        for item in data["step7_plans"]
    ]
    for phase in data["step7_phases"]:
        start = add_years(datetime.date.fromisoformat(phase["start"]), shift_years)
        end = add_years(datetime.date.fromisoformat(phase["end"]), shift_years) if phase["end"] else None
        for title in phase["activities"]:
            plan_index = ACTIVITY_PLAN[title]
            activity = services.activity_create(
                project_id=project.pk,
                user=user,
                values=services.ActivityInput(
                    plan_id=plans[plan_index].pk,
                    title=title,
                    phase=phase["phase"],
                    start_date=start,
                    end_date=end,
                    responsible_position=RESPONSIBLE[plan_index],
                    expected_result="ข้อมูลครบถ้วน ถูกต้อง ทันสมัย และเชื่อมโยงกันได้",
                ),
            )
            _demo_progress(project, activity, user, shift_years)
    _demo_second_round(project, user)
    return project


PROGRESS = {
    # Short term done; medium term under way; long term just started.
    Activity.Phase.SHORT: [
        (ProgressUpdate.Status.IN_PROGRESS, 50, None, "ดำเนินการไปแล้วครึ่งหนึ่ง"),
        (ProgressUpdate.Status.DONE, 100, "end", "ดำเนินการแล้วเสร็จตามแผน"),
    ],
    Activity.Phase.MEDIUM: [
        (ProgressUpdate.Status.IN_PROGRESS, 40, datetime.date(2001, 10, 31), "อยู่ระหว่างดำเนินการตามแผนระยะกลาง")
    ],
    Activity.Phase.LONG: [
        (ProgressUpdate.Status.IN_PROGRESS, 10, datetime.date(2002, 1, 15), "เริ่มดำเนินการต่อเนื่อง")
    ],
}


def _demo_progress(project: Project, activity: Activity, user, shift_years: int = 0) -> None:
    for status, percent, day, note in PROGRESS[activity.phase]:
        if day is None:
            day = activity.start_date + datetime.timedelta(days=30)
        elif day == "end":
            day = activity.end_date
        else:
            day = add_years(day, shift_years)
        services.progress_record(
            project_id=project.pk,
            activity_id=activity.pk,
            user=user,
            status=status,
            percent=percent,
            date=day,
            note=note,
        )


def _demo_second_round(project: Project, user) -> None:
    if project.rounds.count() != 1:
        return
    second = assessment_services.round_start(project_id=project.pk, user=user)
    AssessmentRound.objects.filter(pk=second.pk).update(note="ประเมินซ้ำหลังดำเนินการแผนระยะสั้น")
    cells = list(Assessment.objects.filter(round=second).select_related("indicator__criterion"))
    values = {}
    for cell in cells:
        level = ROUND_TWO_LEVELS[cell.indicator.criterion.code]
        values[cell.pk] = (level, ROUND_TWO_JUSTIFICATION[level])
    assessment_services.round_cells_save(
        project_id=project.pk,
        round_number=second.number,
        user=user,
        token=grid_token(snapshots.round_cells(second), assessment_round=second),
        values=values,
    )
