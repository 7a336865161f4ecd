"""The project document: export, import, backup (docs/project-format.md).

Everything a project holds, keyed by codes instead of database ids, plus the
results the scoring engine computes from it. Importing checks the document
with the same rules as the forms and creates everything in one transaction.
"""

from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models import Prefetch
from django.utils.translation import gettext as _

from agencies.models import Agency, Standard, UltimateOutcome
from assessment import results, rules, services
from assessment.models import Assessment, AssessmentRound, Indicator, Mission, MissionCategory, Project
from assessment.scoring import to_display
from pso_site.lib.dates import buddhist_year

FORMAT = "pso-project"
VERSION = 1
TWO_PLACES = Decimal("0.01")


class ProjectFormatError(Exception):
    def __init__(self, messages: list[str]):
        super().__init__("\n".join(messages))
        self.messages = messages


def _money(value) -> str | None:
    return None if value is None else f"{Decimal(value).quantize(TWO_PLACES):f}"


def criterion_entry(criterion, *, weight, target_level) -> dict:
    """A criterion in the document; ``criterion`` is a project or catalogue criterion."""
    return {
        "code": criterion.code,
        "name_th": criterion.name_th,
        "name_en": criterion.name_en,
        "order": criterion.order,
        "provisional": criterion.provisional,
        "weight": _money(weight),
        "target_level": target_level,
    }


def _mission_codes(missions: list[Mission]) -> dict[int, str]:
    """A mission's code, or its position when it has none."""
    return {mission.pk: mission.code or str(position) for position, mission in enumerate(missions, start=1)}


def _indicator_keys(indicators: list[Indicator]) -> dict[int, str]:
    counters: dict[str, int] = {}
    keys = {}
    for indicator in indicators:
        counters[indicator.criterion.code] = counters.get(indicator.criterion.code, 0) + 1
        keys[indicator.pk] = f"{indicator.criterion.code}.{counters[indicator.criterion.code]}"
    return keys


def _results(data: results.ProjectData, assessment_round: AssessmentRound, codes: dict[int, str]) -> dict:
    score = data.with_round(assessment_round).score()
    return {
        "total": str(to_display(score.total)),
        "criterion_level": {key: str(to_display(value)) for key, value in score.criterion_level.items()},
        "criterion_points": {key: str(to_display(value)) for key, value in score.criterion_points.items()},
        "mission_score": {
            codes[int(key)]: str(to_display(value)) for key, value in score.mission_score.items()
        },
        "target_total": None if score.target_total is None else str(to_display(score.target_total)),
        "complete": assessment_round.is_complete,
    }


def project_export(project: Project) -> dict:
    """The whole project as a JSON-able document, in a stable order."""
    data = results.ProjectData.load(project)
    missions = list(
        Mission.objects.filter(project=project).order_by("order", "id").prefetch_related("outcomes")
    )
    data.missions = missions
    codes = _mission_codes(missions)
    keys = _indicator_keys(data.indicators)
    rounds = list(
        AssessmentRound.objects.filter(project=project)
        .order_by("number")
        .prefetch_related(
            Prefetch("cells", queryset=Assessment.objects.order_by("mission_id", "indicator_id"))
        )
    )
    mission_order = {mission.pk: index for index, mission in enumerate(missions)}
    indicator_order = {indicator.pk: index for index, indicator in enumerate(data.indicators)}
    return {
        "format": FORMAT,
        "version": VERSION,
        "agency": {
            "code": project.agency.code,
            "name_th": project.agency.name_th,
            "name_en": project.agency.name_en,
        },
        "standard": project.standard.code,
        "fiscal_year": project.fiscal_year,
        "fiscal_year_be": project.fiscal_year_be,
        "status": project.status,
        "vision": project.vision,
        "mission_statement": project.mission_statement,
        "goals": project.goal_list,
        "objectives": project.objective_list,
        "category_budgets": {category: _money(budget) for category, budget in project.budgets().items()},
        "criteria": [criterion_entry(c, weight=c.weight, target_level=c.target_level) for c in data.criteria],
        "missions": [
            {
                "code": codes[m.pk],
                "name": m.name,
                "category": m.category,
                "points": _money(m.points),
                "order": m.order,
                "legal_basis": m.legal_basis,
                "responsible_unit": m.responsible_unit,
                "outcomes": sorted(o.code for o in m.outcomes.all()),
            }
            for m in missions
        ],
        "indicators": [
            {
                "key": keys[i.pk],
                "criterion": i.criterion.code,
                "name": i.name,
                "weight": _money(i.weight),
                "order": i.order,
                "conditions": i.conditions(),
                "demo_text": i.is_demo_text,
            }
            for i in data.indicators
        ],
        "rounds": [
            {
                "number": r.number,
                "note": r.note,
                "completed": r.is_complete,
                "cells": [
                    {
                        "mission": codes[cell.mission_id],
                        "indicator": keys[cell.indicator_id],
                        "level": cell.level,
                        "justification": cell.justification,
                    }
                    for cell in sorted(
                        r.cells.all(),
                        key=lambda c: (mission_order[c.mission_id], indicator_order[c.indicator_id]),
                    )
                ],
            }
            for r in rounds
        ],
        "results": {str(r.number): _results(data, r, codes) for r in rounds},
    }


def _decimal(value, where: str, problems: list[str]) -> Decimal | None:
    try:
        number = Decimal(str(value))
    except (InvalidOperation, TypeError, ValueError):
        problems.append(_("%(where)s: %(value)s is not a number.") % {"where": where, "value": value})
        return None
    if not number.is_finite():
        problems.append(_("%(where)s: %(value)s is not a number.") % {"where": where, "value": value})
        return None
    if number.as_tuple().exponent < -2 and number != number.quantize(TWO_PLACES):
        # Rounding it would make sums that are no longer exact (99.99 or 100.01).
        problems.append(
            _("%(where)s: %(value)s has more than two decimals; the field keeps two.")
            % {"where": where, "value": value}
        )
        return None
    if abs(number) >= 1000:
        problems.append(_("%(where)s: %(value)s is too large.") % {"where": where, "value": value})
        return None
    return number


def validate(document: dict, *, agency: Agency | None = None, fiscal_year: int | None = None) -> dict:
    """Check the document with the rules of the forms; return what import
    needs, or raise ProjectFormatError with every problem found."""
    problems: list[str] = []
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise ProjectFormatError(
            [_("This is not a P.S.O. project document (format %(format)s).") % {"format": FORMAT}]
        )
    if document.get("version") != VERSION:
        raise ProjectFormatError(
            [_("Unsupported document version %(version)s.") % {"version": document.get("version")}]
        )
    if agency is None:
        code = (document.get("agency") or {}).get("code")
        agency = Agency.objects.filter(code=code).first()
        if agency is None:
            problems.append(_("agency: no agency with code %(code)s.") % {"code": code})
    standard = Standard.objects.filter(code=document.get("standard")).first()
    if standard is None:
        problems.append(
            _("standard: no standard %(code)s in the catalogue.") % {"code": document.get("standard")}
        )
    year = fiscal_year or document.get("fiscal_year")
    if not isinstance(year, int) or not 1990 <= year <= 2100:
        problems.append(_("fiscal_year: %(year)s is not a Gregorian year.") % {"year": year})
    if agency and standard and isinstance(year, int):
        if Project.objects.filter(agency=agency, standard=standard, fiscal_year=year).exists():
            problems.append(
                _("This agency already has a %(standard)s project for fiscal year %(year)s.")
                % {"standard": standard.label, "year": buddhist_year(year)}
            )

    budgets = {}
    for category in MissionCategory.values:
        value = (document.get("category_budgets") or {}).get(category)
        budgets[category] = _decimal(value, f"category_budgets.{category}", problems)
    if None not in budgets.values():
        problems += [f"category_budgets: {p}" for p in rules.budget_problems(budgets)]

    missions = document.get("missions") or []
    mission_codes = [str(m.get("code", "")).strip() for m in missions]
    if any(not code for code in mission_codes) or len(set(mission_codes)) != len(mission_codes):
        problems.append(_("missions: every mission needs its own non-empty code."))
    rows = []
    for index, mission in enumerate(missions):
        where = f"missions[{index}]"
        if mission.get("category") not in MissionCategory.values:
            problems.append(
                _("%(where)s.category: %(value)s is not main, secondary or support.")
                % {"where": where, "value": mission.get("category")}
            )
        if not str(mission.get("name", "")).strip():
            problems.append(_("%(where)s.name: the mission needs a name.") % {"where": where})
        points = _decimal(mission.get("points"), f"{where}.points", problems)
        rows.append((mission.get("category"), points))
    if None not in budgets.values() and all(points is not None for _c, points in rows):
        problems += [f"missions: {p}" for p in rules.mission_problems(budgets, rows)]
    known_outcomes = set(UltimateOutcome.objects.values_list("code", flat=True))
    for index, mission in enumerate(missions):
        unknown = set(mission.get("outcomes") or []) - known_outcomes
        if unknown:
            problems.append(
                _("missions[%(index)s].outcomes: unknown %(codes)s.")
                % {"index": index, "codes": ", ".join(sorted(unknown))}
            )

    criterion_codes = set(standard.criteria.values_list("code", flat=True)) if standard else set()
    weights = {}
    for index, criterion in enumerate(document.get("criteria") or []):
        code = criterion.get("code")
        if code not in criterion_codes:
            problems.append(
                _("criteria[%(index)s]: %(code)s is not a criterion of this standard.")
                % {"index": index, "code": code}
            )
        if criterion.get("weight") is not None:
            weights[code] = _decimal(criterion["weight"], f"criteria[{index}].weight", problems)
        target = criterion.get("target_level")
        if target is not None and (
            not isinstance(target, int) or isinstance(target, bool) or not 0 <= target <= 3
        ):
            problems.append(_("criteria[%(index)s].target_level: must be 0, 1, 2 or 3.") % {"index": index})
    if weights and None not in weights.values():
        problems += [
            f"criteria: {p}" for p in rules.weight_problems([weights.get(code) for code in criterion_codes])
        ]

    indicator_keys = set()
    for index, indicator in enumerate(document.get("indicators") or []):
        where = f"indicators[{index}]"
        indicator_keys.add(indicator.get("key"))
        if indicator.get("criterion") not in criterion_codes:
            problems.append(
                _("%(where)s.criterion: %(code)s is not a criterion of this standard.")
                % {"where": where, "code": indicator.get("criterion")}
            )
        conditions = indicator.get("conditions") or []
        if len(conditions) != 4 or any(not str(text).strip() for text in conditions):
            problems.append(
                _("%(where)s.conditions: write a condition for each of the levels 0, 1, 2 and 3.")
                % {"where": where}
            )
        weight = _decimal(indicator.get("weight", 1), f"{where}.weight", problems)
        if weight is not None and weight <= 0:
            problems.append(_("%(where)s.weight: the weight must be more than 0.") % {"where": where})
        if not str(indicator.get("name", "")).strip():
            problems.append(_("%(where)s.name: the indicator needs a name.") % {"where": where})

    numbers = []
    for r_index, assessment_round in enumerate(document.get("rounds") or []):
        numbers.append(assessment_round.get("number"))
        for c_index, cell in enumerate(assessment_round.get("cells") or []):
            where = f"rounds[{r_index}].cells[{c_index}]"
            if cell.get("mission") not in mission_codes:
                problems.append(
                    _("%(where)s: unknown mission %(code)s.") % {"where": where, "code": cell.get("mission")}
                )
            if cell.get("indicator") not in indicator_keys:
                problems.append(
                    _("%(where)s: unknown indicator %(code)s.")
                    % {"where": where, "code": cell.get("indicator")}
                )
            level = cell.get("level")
            if level is not None and (
                not isinstance(level, int) or isinstance(level, bool) or not 0 <= level <= 3
            ):
                problems.append(_("%(where)s.level: the level must be 0, 1, 2 or 3.") % {"where": where})
    if numbers != list(range(1, len(numbers) + 1)):
        problems.append(_("rounds: numbers must run 1, 2, 3 … in order."))
    if problems:
        raise ProjectFormatError(problems)
    return {"agency": agency, "standard": standard, "fiscal_year": year, "budgets": budgets}


@transaction.atomic
def project_import(
    document: dict, *, agency: Agency | None = None, fiscal_year: int | None = None, user=None
) -> Project:
    """Create a project from a document; all or nothing."""
    checked = validate(document, agency=agency, fiscal_year=fiscal_year)
    project = services.project_create(
        agency=checked["agency"], standard=checked["standard"], fiscal_year=checked["fiscal_year"], user=user
    )
    project.vision = document.get("vision", "")
    project.mission_statement = document.get("mission_statement", "")
    project.goals = "\n".join(document.get("goals") or [])
    project.objectives = "\n".join(document.get("objectives") or [])
    project.main_budget = checked["budgets"][MissionCategory.MAIN]
    project.secondary_budget = checked["budgets"][MissionCategory.SECONDARY]
    project.support_budget = checked["budgets"][MissionCategory.SUPPORT]
    project.save()

    criteria = {c.code: c for c in project.criteria.all()}
    for item in document.get("criteria") or []:
        criterion = criteria[item["code"]]
        criterion.weight = None if item.get("weight") is None else Decimal(str(item["weight"]))
        criterion.target_level = item.get("target_level")
        criterion.save(update_fields=["weight", "target_level"])

    outcomes = {o.code: o for o in UltimateOutcome.objects.all()}
    missions = {}
    for position, item in enumerate(document.get("missions") or [], start=1):
        mission = Mission.objects.create(
            project=project,
            code=str(item["code"]),
            name=item["name"],
            category=item["category"],
            points=Decimal(str(item["points"])),
            order=item.get("order", position),
            legal_basis=item.get("legal_basis", ""),
            responsible_unit=item.get("responsible_unit", ""),
        )
        mission.outcomes.set([outcomes[code] for code in item.get("outcomes") or []])
        missions[mission.code] = mission
    indicators = {}
    for position, item in enumerate(document.get("indicators") or [], start=1):
        conditions = item["conditions"]
        indicators[item["key"]] = Indicator.objects.create(
            project=project,
            criterion=criteria[item["criterion"]],
            name=item["name"],
            weight=Decimal(str(item.get("weight", 1))),
            order=item.get("order", position),
            level_0=conditions[0],
            level_1=conditions[1],
            level_2=conditions[2],
            level_3=conditions[3],
            is_demo_text=bool(item.get("demo_text")),
        )
    for item in document.get("rounds") or []:
        assessment_round = services.round_create(project=project, user=user)
        assessment_round.note = item.get("note", "")
        assessment_round.save(update_fields=["note"])
        cells = {(c.mission_id, c.indicator_id): c for c in assessment_round.cells.all()}
        changed = []
        for cell_data in item.get("cells") or []:
            cell = cells[(missions[cell_data["mission"]].pk, indicators[cell_data["indicator"]].pk)]
            cell.level = cell_data.get("level")
            cell.justification = cell_data.get("justification", "")
            changed.append(cell)
        Assessment.objects.bulk_update(changed, ["level", "justification"])
        services.round_score_store(assessment_round=assessment_round)
    return project
