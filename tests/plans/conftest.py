import datetime

import pytest

from assessment.models import Assessment
from assessment.services import round_score_store
from plans.models import Activity, Plan, ProgressUpdate


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
