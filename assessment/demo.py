"""The demo Lampang Provincial Office project (P.S.O. 1101, B.E. 2544),
built from ``assessment/data/lampang-1101.json`` as a project document and
imported like any other.

Missions, points, criteria and weights come from the source document; the
0–3 levels are the reference's illustrative scores. The indicator conditions
and the justifications below are demo text written for this demonstration
(marked ``demo_text``), not from the source.
"""

import json
from pathlib import Path

from agencies.models import Agency, Standard
from assessment.exchange import FORMAT, VERSION, criterion_entry, project_import
from assessment.models import Project

REFERENCE = Path(__file__).resolve().parent / "data" / "lampang-1101.json"
AGENCY_CODE = "lampang-po"
FISCAL_YEAR = 2001  # B.E. 2544

CONDITIONS = {
    "coverage": [
        "ไม่มีข้อมูลที่ใช้ในการปฏิบัติภารกิจ",
        "มีข้อมูลบางส่วน ไม่ครบทุกเรื่องที่ต้องใช้",
        "มีข้อมูลเกือบครบทุกเรื่อง ขาดบางรายการ",
        "มีข้อมูลครบทุกเรื่องที่ต้องใช้ในการปฏิบัติภารกิจ",
    ],
    "accuracy": [
        "ข้อมูลผิดพลาดเป็นส่วนใหญ่ หรือไม่เคยตรวจสอบ",
        "ข้อมูลผิดพลาดบ่อย ตรวจสอบเป็นครั้งคราว",
        "ข้อมูลถูกต้องเป็นส่วนใหญ่ มีการตรวจทานก่อนใช้",
        "ข้อมูลถูกต้องทั้งหมด มีระบบตรวจทานสม่ำเสมอ",
    ],
    "reliability": [
        "ไม่ระบุแหล่งที่มาของข้อมูล",
        "ระบุแหล่งที่มาได้บางส่วน",
        "ระบุแหล่งที่มาได้เกือบทั้งหมด และเป็นแหล่งที่เชื่อถือได้",
        "ทุกรายการมีแหล่งที่มาที่เชื่อถือได้และอ้างอิงได้",
    ],
    "speed": [
        "ค้นหาข้อมูลไม่ได้เมื่อต้องการ",
        "ค้นหาข้อมูลได้ภายในหลายวัน",
        "ค้นหาข้อมูลได้ภายในวันเดียว",
        "ค้นหาข้อมูลได้ทันทีเมื่อต้องการ",
    ],
    "linkage": [
        "ข้อมูลแยกกันอยู่ ไม่เชื่อมโยงกัน",
        "เชื่อมโยงได้เฉพาะภายในฝ่ายเดียวกัน",
        "เชื่อมโยงได้ภายในหน่วยงาน",
        "เชื่อมโยงได้ทั้งภายในและภายนอกหน่วยงาน",
    ],
    "currency": [
        "ไม่เคยปรับปรุงข้อมูล",
        "ปรับปรุงข้อมูลเมื่อมีการร้องขอเท่านั้น",
        "ปรับปรุงข้อมูลตามรอบที่กำหนดเป็นส่วนใหญ่",
        "ปรับปรุงข้อมูลสม่ำเสมอตามรอบที่กำหนดทุกรายการ",
    ],
    "participation": [
        "ผู้ปฏิบัติไม่มีส่วนร่วมในกระบวนการข้อมูล",
        "มีส่วนร่วมเฉพาะผู้รับผิดชอบข้อมูล",
        "ผู้ปฏิบัติส่วนใหญ่มีส่วนร่วมในการจัดเก็บและใช้ข้อมูล",
        "ทุกคนมีส่วนร่วมตั้งแต่การจัดเก็บจนถึงการใช้ข้อมูล",
    ],
    "accessibility": [
        "ผู้ใช้เข้าถึงข้อมูลไม่ได้",
        "เข้าถึงได้โดยขอผ่านเจ้าหน้าที่",
        "เข้าถึงได้ด้วยตนเองภายในหน่วยงาน",
        "ผู้มีสิทธิ์เข้าถึงได้ด้วยตนเองทั้งภายในและภายนอกหน่วยงาน",
    ],
    "auditability": [
        "ตรวจสอบที่มาและการเปลี่ยนแปลงของข้อมูลไม่ได้",
        "ตรวจสอบได้บางรายการ",
        "ตรวจสอบได้เกือบทุกรายการ",
        "ตรวจสอบที่มาและการเปลี่ยนแปลงได้ทุกรายการ",
    ],
}

JUSTIFICATIONS = {
    0: "ยังไม่มีการดำเนินการในเรื่องนี้ ไม่พบหลักฐาน",
    1: "มีการดำเนินการบางส่วน ยังไม่เป็นระบบ",
    2: "ดำเนินการเป็นส่วนใหญ่ มีหลักฐานประกอบ ยังขาดบางรายการ",
    3: "มีฐานข้อมูลครบตามภารกิจ ปรับปรุงทุกเดือน มีหลักฐานชัดเจน",
}


def reference() -> dict:
    return json.loads(REFERENCE.read_text(encoding="utf-8"))


def lampang_document() -> dict:
    """The reference example as a project document (docs/archive-and-excel.md)."""
    data = reference()
    agency = Agency.objects.get(code=AGENCY_CODE)
    weights = {c["code"]: c["weight"] for c in data["step4_criterion_weights"]}
    standard = Standard.objects.get(code=data["standard"])
    criteria = list(standard.criteria.order_by("order"))
    scores = data["step6_scores"]
    cells = []
    for mission in data["step3_missions"]:
        overrides = scores["mission_overrides"].get(mission["code"], {})
        for criterion in criteria:
            level = overrides.get(criterion.code, scores["default_level_by_criterion"][criterion.code])
            cells.append(
                {
                    "mission": mission["code"],
                    "indicator": f"{criterion.code}.1",
                    "level": level,
                    "justification": JUSTIFICATIONS[level],
                }
            )
    return {
        "format": FORMAT,
        "version": VERSION,
        "agency": {"code": agency.code, "name_th": agency.name_th, "name_en": agency.name_en},
        "standard": data["standard"],
        "fiscal_year": FISCAL_YEAR,
        "status": Project.Status.DRAFT,
        "vision": data["step1_vision"],
        "mission_statement": data["step2_mission_statement"],
        "goals": data["step2_goals"],
        "objectives": data["objectives"],
        "category_budgets": {k: str(v) for k, v in data["step3_category_budgets"].items()},
        "criteria": [criterion_entry(c, weight=weights[c.code], target_level=None) for c in criteria],
        "missions": [
            {
                "code": m["code"],
                "name": m["name"],
                "category": m["category"],
                "points": str(m["points"]),
                "order": order,
                "legal_basis": "",
                "responsible_unit": "",
                "outcomes": [],
            }
            for order, m in enumerate(data["step3_missions"], start=1)
        ],
        "indicators": [
            {
                "key": f"{c.code}.1",
                "criterion": c.code,
                "name": f"ระดับ{c.name_th}ของข้อมูลในภารกิจ",
                "weight": "1",
                "order": 1,
                "conditions": CONDITIONS[c.code],
                "demo_text": True,
            }
            for c in criteria
        ],
        "rounds": [{"number": 1, "note": "ประเมินสถานภาพปัจจุบัน (ฐาน)", "completed": True, "cells": cells}],
    }


def demo_lampang_project_seed(*, fiscal_year: int = FISCAL_YEAR, user=None) -> Project:
    """Idempotent: the existing project is returned as it is."""
    existing = Project.objects.filter(
        agency__code=AGENCY_CODE, standard__code="1101", fiscal_year=fiscal_year
    ).first()
    if existing is not None:
        return existing
    return project_import(lampang_document(), fiscal_year=fiscal_year, user=user)
