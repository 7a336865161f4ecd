"""Help where it is hard: example indicators to copy into step 5, and the
Lampang worked example for each of steps 1–5.

For P.S.O. 1101 the examples are the four-level conditions written for the
Lampang demonstration (``assessment.demo``); for every other criterion a
generic example of the four levels, clearly marked as an example to adapt.
Nothing here is the institute's official wording."""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from assessment.demo import CONDITIONS, reference


@dataclass(frozen=True)
class Example:
    name: str
    conditions: tuple[str, str, str, str]
    lampang: bool  # from the Lampang demonstration (1101), else a generic pattern


def examples_for(criterion, standard_code: str) -> list[Example]:
    """Examples for a project criterion (name in Thai, as agencies write them)."""
    examples = []
    if standard_code == "1101" and criterion.code in CONDITIONS:
        examples.append(
            Example(f"ระดับ{criterion.name_th}ของข้อมูลในภารกิจ", tuple(CONDITIONS[criterion.code]), True)
        )
    name = criterion.name_th
    examples.append(
        Example(
            f"ระดับการดำเนินการด้าน{name}",
            (
                f"ยังไม่มีการดำเนินการด้าน{name} ไม่พบหลักฐาน",
                f"มีการดำเนินการด้าน{name}บางส่วน ยังไม่เป็นระบบ",
                f"ดำเนินการด้าน{name}เป็นส่วนใหญ่และเป็นระบบ แต่ยังไม่ทบทวนสม่ำเสมอ",
                f"ดำเนินการด้าน{name}ครบถ้วน เป็นระบบ มีหลักฐาน และทบทวนปรับปรุงสม่ำเสมอ",
            ),
            False,
        )
    )
    return examples


def lampang_help(number: int) -> dict | None:
    """What the Lampang Provincial Office wrote for step ``number`` (1–5)."""
    data = reference()
    if number == 1:
        return {"text": data["step1_vision"]}
    if number == 2:
        return {"text": data["step2_mission_statement"], "entries": data["step2_goals"][:5]}
    if number == 3:
        missions = data["step3_missions"]
        return {
            "budgets": data["step3_category_budgets"],
            "entries": [f"{m['code']} {m['name']} · {m['points']}" for m in missions[:6]],
            "more": len(missions) - 6,
        }
    if number == 4:
        return {"entries": [f"{c['name']} · {c['weight']}" for c in data["step4_criterion_weights"]]}
    if number == 5:
        code, conditions = next(iter(CONDITIONS.items()))
        return {"entries": [f"{level}: {text}" for level, text in enumerate(conditions)], "criterion": code}
    return None


def provisional_note() -> str:
    return _(
        "A criterion marked provisional is not yet in the institute's published documents for this "
        "standard: it is a starter set. You may weigh it, define its indicators and assess it as any "
        "other; the committee confirms or replaces it when it reviews the project."
    )
