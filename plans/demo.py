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
from assessment.models import Assessment, Project
from plans.models import Activity, Plan, ProgressUpdate

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
def demo_lampang_plan_seed(project: Project, *, user=None) -> Project:
    """Idempotent: does nothing if the project already has plans."""
    if project.plans.exists():
        return project
    data = reference()
    criteria = {c.code: c for c in project.criteria.all()}
    for code, target in data["step7_target_levels"].items():
        criteria[code].target_level = target
        criteria[code].save(update_fields=["target_level"])
    plans = []
    for order, item in enumerate(data["step7_plans"], start=1):
        plan = Plan.objects.create(project=project, name=item["name"], approach=item["approach"], order=order)
        plan.criteria.set([criteria[code] for code in item["criteria"]])
        plans.append(plan)
    for phase in data["step7_phases"]:
        start = datetime.date.fromisoformat(phase["start"])
        end = datetime.date.fromisoformat(phase["end"]) if phase["end"] else None
        for order, title in enumerate(phase["activities"], start=1):
            plan_index = ACTIVITY_PLAN[title]
            activity = Activity.objects.create(
                plan=plans[plan_index],
                title=title,
                phase=phase["phase"],
                start_date=start,
                end_date=end,
                responsible_name="",
                responsible_position=RESPONSIBLE[plan_index],
                order=order,
                expected_result="ข้อมูลครบถ้วน ถูกต้อง ทันสมัย และเชื่อมโยงกันได้",
            )
            _demo_progress(activity, user)
    _demo_second_round(project, user)
    return project


def _demo_progress(activity: Activity, user) -> None:
    """Short term done; medium term under way; long term just started."""
    if activity.phase == Activity.Phase.SHORT:
        ProgressUpdate.objects.create(
            activity=activity,
            status=ProgressUpdate.Status.IN_PROGRESS,
            percent=50,
            date=activity.start_date + datetime.timedelta(days=30),
            note="ดำเนินการไปแล้วครึ่งหนึ่ง",
            created_by=user,
        )
        ProgressUpdate.objects.create(
            activity=activity,
            status=ProgressUpdate.Status.DONE,
            percent=100,
            date=activity.end_date,
            note="ดำเนินการแล้วเสร็จตามแผน",
            created_by=user,
        )
    elif activity.phase == Activity.Phase.MEDIUM:
        ProgressUpdate.objects.create(
            activity=activity,
            status=ProgressUpdate.Status.IN_PROGRESS,
            percent=40,
            date=datetime.date(2001, 10, 31),
            note="อยู่ระหว่างดำเนินการตามแผนระยะกลาง",
            created_by=user,
        )
    else:
        ProgressUpdate.objects.create(
            activity=activity,
            status=ProgressUpdate.Status.IN_PROGRESS,
            percent=10,
            date=datetime.date(2002, 1, 15),
            note="เริ่มดำเนินการต่อเนื่อง",
            created_by=user,
        )


def _demo_second_round(project: Project, user) -> None:
    first = assessment_services.latest_round(project)
    if first is None or project.rounds.count() > 1:
        return
    second = assessment_services.round_create(project=project, user=user, prefill_from=first)
    second.note = "ประเมินซ้ำหลังดำเนินการแผนระยะสั้น"
    second.save(update_fields=["note"])
    cells = list(Assessment.objects.filter(round=second).select_related("indicator__criterion"))
    for cell in cells:
        level = ROUND_TWO_LEVELS[cell.indicator.criterion.code]
        cell.level = level
        cell.justification = ROUND_TWO_JUSTIFICATION[level]
    Assessment.objects.bulk_update(cells, ["level", "justification"])
    assessment_services.round_score_store(assessment_round=second)
