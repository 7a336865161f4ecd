"""Steps 1–6 of the project document: export, check, import
(docs/archive-and-excel.md).

Everything is keyed by codes instead of database ids; people by username
and name. The types, ranges and lengths are the pydantic models of
``assessment.document``; the sums across rows and the references between
parts are checked here with the rules of the forms (``rules``). The whole
archive (plans, the committee, certificates, dossiers, files) is composed
by ``certification.archive`` on top of this.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Prefetch
from django.utils.translation import gettext as _

from agencies.models import Agency, Standard, UltimateOutcome
from assessment import results, rules, services
from assessment.document import FORMAT, ProjectDocument, RoundPart, iso
from assessment.models import (
    Assessment,
    AssessmentRound,
    EvidenceFile,
    Indicator,
    Mission,
    MissionCategory,
    Project,
    ProjectCriterion,
)
from assessment.people import People, usernames_in
from assessment.progress import progress_store
from assessment.scoring import to_display
from pso_site.lib.dates import buddhist_year
from pso_site.lib.schema import DocumentProblem, parse

VERSION = 2
TWO_PLACES = Decimal("0.01")

# Kept under its old name: callers catch it.
ProjectFormatError = DocumentProblem


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


def indicator_keys(indicators: list[Indicator]) -> dict[int, str]:
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


def file_entry(stored, people: People, files: dict) -> dict:
    """A stored file (evidence of a cell or an activity) in the document;
    its bytes go into ``files`` unless storage has lost them."""
    entry = {
        "sha256": stored.sha256,
        "name": stored.original_name,
        "content_type": stored.content_type,
        "size": stored.size,
        "uploaded_by": people.ref(stored, "uploaded_by"),
        "uploaded_at": iso(stored.uploaded_at),
    }
    if getattr(stored, "from_round", None):
        entry["from_round"] = stored.from_round
    if in_storage(stored.file):
        files[stored.sha256] = stored.file
    else:
        entry["missing"] = True
    return entry


def in_storage(field_file) -> bool:
    return bool(field_file) and field_file.storage.exists(field_file.name)


def agency_entry(agency: Agency, depth: int = 0) -> dict:
    """The agency and those above it (at most a few levels)."""
    parent = agency.parent if agency.parent_id and depth < 5 else None
    return {
        "code": agency.code,
        "name_th": agency.name_th,
        "name_en": agency.name_en,
        "kind": agency.kind or None,
        "province": agency.province,
        "parent": agency_entry(parent, depth + 1) if parent else None,
    }


@dataclass
class Exported:
    """The document and the stored files it names (their bytes go beside it)."""

    document: dict
    files: dict = field(default_factory=dict)  # sha256 → a FieldFile to read


def project_export(project: Project) -> dict:
    """Steps 1–6 as a JSON-able document, in a stable order."""
    return project_export_with_files(project).document


def project_export_with_files(project: Project) -> Exported:
    """Steps 1–6 as a document, and the stored files it names."""
    project = Project.objects.select_related("agency__parent__parent", "standard", "submitted_by").get(
        pk=project.pk
    )
    people = People(project)
    data = results.ProjectData.load(project)
    missions = list(
        Mission.objects.filter(project=project).order_by("order", "id").prefetch_related("outcomes")
    )
    data.missions = missions
    codes = _mission_codes(missions)
    keys = indicator_keys(data.indicators)
    rounds = _rounds_to_export(project)
    files: dict = {}
    document = {
        **_project_entry(project, people),
        "criteria": [criterion_entry(c, weight=c.weight, target_level=c.target_level) for c in data.criteria],
        "missions": [_mission_entry(mission, codes) for mission in missions],
        "indicators": [_indicator_entry(indicator, keys) for indicator in data.indicators],
        "rounds": _round_entries(rounds, data, codes=codes, keys=keys, people=people, files=files),
        "results": {str(r.number): _results(data, r, codes) for r in rounds},
    }
    return Exported(document=document, files=files)


def _rounds_to_export(project: Project) -> list[AssessmentRound]:
    """The project's rounds in order, with their cells and each cell's evidence."""
    evidence = Prefetch(
        "evidence", queryset=EvidenceFile.objects.select_related("uploaded_by").order_by("uploaded_at", "pk")
    )
    return list(
        AssessmentRound.objects.filter(project=project)
        .select_related("created_by")
        .order_by("number")
        .prefetch_related(
            Prefetch(
                "cells",
                queryset=Assessment.objects.order_by("mission_id", "indicator_id").prefetch_related(evidence),
            )
        )
    )


def _project_entry(project: Project, people: People) -> dict:
    """The document's head: its format, the agency, and steps 1 and 2."""
    return {
        "format": FORMAT,
        "version": VERSION,
        "agency": agency_entry(project.agency),
        "standard": project.standard.code,
        "fiscal_year": project.fiscal_year,
        "fiscal_year_be": project.fiscal_year_be,
        "status": project.status,
        "submitted_at": iso(project.submitted_at),
        "submitted_by": people.ref(project, "submitted_by"),
        "vision": project.vision,
        "mission_statement": project.mission_statement,
        "goals": project.goal_list,
        "objectives": project.objective_list,
        "category_budgets": {category: _money(budget) for category, budget in project.budgets().items()},
    }


def _mission_entry(mission: Mission, codes: dict[int, str]) -> dict:
    return {
        "code": codes[mission.pk],
        "name": mission.name,
        "category": mission.category,
        "points": _money(mission.points),
        "order": mission.order,
        "legal_basis": mission.legal_basis,
        "responsible_unit": mission.responsible_unit,
        "outcomes": sorted(outcome.code for outcome in mission.outcomes.all()),
    }


def _indicator_entry(indicator: Indicator, keys: dict[int, str]) -> dict:
    return {
        "key": keys[indicator.pk],
        "criterion": indicator.criterion.code,
        "name": indicator.name,
        "weight": _money(indicator.weight),
        "order": indicator.order,
        "conditions": indicator.conditions(),
        "demo_text": indicator.is_demo_text,
    }


def _round_entries(
    rounds, data: results.ProjectData, *, codes, keys, people: People, files: dict
) -> list[dict]:
    """The rounds, each with its cells in the grid's order (missions, then
    indicators); the evidence's bytes go into ``files``."""
    mission_order = {mission.pk: index for index, mission in enumerate(data.missions)}
    indicator_order = {indicator.pk: index for index, indicator in enumerate(data.indicators)}

    def place(cell) -> tuple[int, int]:
        return mission_order[cell.mission_id], indicator_order[cell.indicator_id]

    return [
        {
            "number": r.number,
            "note": r.note,
            "completed": r.is_complete,
            "created_by": people.ref(r, "created_by"),
            "created_at": iso(r.created_at),
            "completed_at": iso(r.completed_at),
            "cells": [
                _cell_entry(cell, codes=codes, keys=keys, people=people, files=files)
                for cell in sorted(r.cells.all(), key=place)
            ],
        }
        for r in rounds
    ]


def _cell_entry(cell: Assessment, *, codes, keys, people: People, files: dict) -> dict:
    entry = {
        "mission": codes[cell.mission_id],
        "indicator": keys[cell.indicator_id],
        "level": cell.level,
        "justification": cell.justification,
    }
    if cell.carried_over:
        entry["carried_over"] = True
    stored = list(cell.evidence.all())
    if stored:
        entry["evidence"] = [file_entry(item, people, files) for item in stored]
    return entry


# Checking ----------------------------------------------------------------------


@dataclass
class Checked:
    """A document that passed every check, with what the import needs."""

    document: ProjectDocument
    agency: Agency | None
    standard: Standard
    fiscal_year: int


def reference_problems(document: ProjectDocument, standard: Standard | None) -> list[str]:
    """The sums across rows (with the forms' rules) and the references
    between parts: what one row's type cannot say. Each rule below checks one
    part; a draft may be incomplete, as the steps save it (the stepper lists
    what is missing), while a submitted project was complete when submitted."""
    complete = document.status != "draft"
    criterion_codes = set(standard.criteria.values_list("code", flat=True)) if standard else set()
    return [
        *_mission_problems(document, complete),
        *_criterion_problems(document, criterion_codes, complete),
        *_indicator_problems(document, criterion_codes, complete),
        *_round_problems(document),
    ]


def _mission_problems(document: ProjectDocument, complete: bool) -> list[str]:
    """The category budgets, the missions' points within them, unique codes
    and known ultimate outcomes."""
    problems: list[str] = []
    budgets = dict(document.category_budgets)
    if set(budgets) != set(MissionCategory.values):
        problems.append(_("category_budgets: give main, secondary and support."))
    else:
        problems += [f"category_budgets: {p}" for p in rules.budget_problems(budgets)]
        rows = [(mission.category, mission.points) for mission in document.missions]
        if complete:
            problems += [f"missions: {p}" for p in rules.mission_problems(budgets, rows)]
    mission_codes = [mission.code for mission in document.missions]
    if len(set(mission_codes)) != len(mission_codes):
        problems.append(_("missions: every mission needs its own non-empty code."))
    known_outcomes = set(UltimateOutcome.objects.values_list("code", flat=True))
    for index, mission in enumerate(document.missions):
        unknown = set(mission.outcomes) - known_outcomes
        if unknown:
            problems.append(
                _("missions[%(index)s].outcomes: unknown %(codes)s.")
                % {"index": index, "codes": ", ".join(sorted(unknown))}
            )
    return problems


def _criterion_problems(document: ProjectDocument, criterion_codes: set[str], complete: bool) -> list[str]:
    """Criteria of this standard only, with weights that obey the rule."""
    problems = [
        _("criteria[%(index)s]: %(code)s is not a criterion of this standard.")
        % {"index": index, "code": criterion.code}
        for index, criterion in enumerate(document.criteria)
        if criterion.code not in criterion_codes
    ]
    weights = {criterion.code: criterion.weight for criterion in document.criteria}
    if complete:
        problems += [
            f"criteria: {p}" for p in rules.weight_problems([weights.get(code) for code in criterion_codes])
        ]
    return problems


def _indicator_problems(document: ProjectDocument, criterion_codes: set[str], complete: bool) -> list[str]:
    """Unique keys, a condition for every level, a criterion of this standard."""
    problems: list[str] = []
    indicator_keys = [indicator.key for indicator in document.indicators]
    if len(set(indicator_keys)) != len(indicator_keys):
        problems.append(_("indicators: every indicator needs its own key."))
    for index, indicator in enumerate(document.indicators):
        where = f"indicators[{index}]"
        if complete and any(not text for text in indicator.conditions):
            problems.append(
                _("%(where)s.conditions: write a condition for each of the levels 0, 1, 2 and 3.")
                % {"where": where}
            )
        if indicator.criterion not in criterion_codes:
            problems.append(
                _("%(where)s.criterion: %(code)s is not a criterion of this standard.")
                % {"where": where, "code": indicator.criterion}
            )
    return problems


def _round_problems(document: ProjectDocument) -> list[str]:
    """Every cell names a known mission and indicator, once; rounds numbered
    1, 2, 3 … in order."""
    problems: list[str] = []
    known_missions = {mission.code for mission in document.missions}
    known_indicators = {indicator.key for indicator in document.indicators}
    for r_index, assessment_round in enumerate(document.rounds):
        seen = set()
        for c_index, cell in enumerate(assessment_round.cells):
            where = f"rounds[{r_index}].cells[{c_index}]"
            if cell.mission not in known_missions:
                problems.append(
                    _("%(where)s: unknown mission %(code)s.") % {"where": where, "code": cell.mission}
                )
            if cell.indicator not in known_indicators:
                problems.append(
                    _("%(where)s: unknown indicator %(code)s.") % {"where": where, "code": cell.indicator}
                )
            if (cell.mission, cell.indicator) in seen:
                problems.append(_("%(where)s: this cell appears twice.") % {"where": where})
            seen.add((cell.mission, cell.indicator))
    numbers = [assessment_round.number for assessment_round in document.rounds]
    if numbers != list(range(1, len(numbers) + 1)):
        problems.append(_("rounds: numbers must run 1, 2, 3 … in order."))
    return problems


def check(
    value, *, model=ProjectDocument, agency: Agency | None = None, fiscal_year: int | None = None
) -> Checked:
    """Check a parsed JSON document: its shape (``model``), then its sums and
    references; DocumentProblem lists every problem found. ``agency`` is None
    when the document's agency is not in this installation (the archive
    import creates it)."""
    if not isinstance(value, dict) or value.get("format") != FORMAT:
        raise DocumentProblem(
            [_("This is not a P.S.O. project document (format %(format)s).") % {"format": FORMAT}]
        )
    if value.get("version") not in (1, VERSION):
        raise DocumentProblem(
            [_("Unsupported document version %(version)s.") % {"version": value.get("version")}]
        )
    document = parse(model, value)
    problems = []
    if agency is None:
        agency = Agency.objects.filter(code=document.agency.code).first()
    standard = Standard.objects.filter(code=document.standard).first()
    if standard is None:
        problems.append(_("standard: no standard %(code)s in the catalogue.") % {"code": document.standard})
    year = fiscal_year or document.fiscal_year
    if agency is not None and standard is not None:
        if Project.objects.filter(agency=agency, standard=standard, fiscal_year=year).exists():
            problems.append(
                _("This agency already has a %(standard)s project for fiscal year %(year)s.")
                % {"standard": standard.label, "year": buddhist_year(year)}
            )
    problems += reference_problems(document, standard)
    if problems:
        raise DocumentProblem(problems)
    return Checked(document=document, agency=agency, standard=standard, fiscal_year=year)


def validate(value, *, agency: Agency | None = None, fiscal_year: int | None = None) -> Checked:
    """Check a document for import into an existing agency (version 1 semantics)."""
    checked = check(value, agency=agency, fiscal_year=fiscal_year)
    if checked.agency is None:
        raise DocumentProblem(
            [_("agency: no agency with code %(code)s.") % {"code": checked.document.agency.code}]
        )
    return checked


# Import ------------------------------------------------------------------------


@dataclass
class Imported:
    """A created project and the rows the later layers link to."""

    project: Project
    people: People
    criteria: dict[str, ProjectCriterion]
    missions: dict[str, Mission]
    indicators: dict[str, Indicator]
    rounds: dict[int, AssessmentRound]


def store_file(model, *, files: dict, part, people: People, **owner):
    """Create a stored file row from an archive's bytes (already checked
    against their SHA-256)."""
    stored = model(
        **owner,
        original_name=part.name,
        content_type=part.content_type,
        size=part.size,
        sha256=part.sha256,
        uploaded_by=people.user(part.uploaded_by),
    )
    if part.missing:
        stored.file.name = stored.file.field.upload_to(stored, part.name)
    else:
        stored.file.save(part.name, ContentFile(files[part.sha256], name=part.name), save=False)
    stored.save()
    if part.uploaded_at is not None:
        model.objects.filter(pk=stored.pk).update(uploaded_at=part.uploaded_at)
    people.note(stored, "uploaded_by", part.uploaded_by)
    return stored


def file_problems(document, files: dict) -> list[str]:
    """Every file a document names must come with it."""
    problems = []
    for r_index, assessment_round in enumerate(document.rounds):
        for c_index, cell in enumerate(assessment_round.cells):
            for f_index, part in enumerate(cell.evidence):
                if part.sha256 not in files and not part.missing:
                    problems.append(
                        _("%(where)s: the file %(sha)s is not in the archive.")
                        % {
                            "where": f"rounds[{r_index}].cells[{c_index}].evidence[{f_index}]",
                            "sha": part.sha256,
                        }
                    )
    return problems


def core_import(checked: Checked, *, agency: Agency, files: dict, user=None, keep_record: bool) -> Imported:
    """Create steps 1–6 and the rounds. With ``keep_record`` (an archive of
    version 2) the status, submission and times are kept as they were;
    otherwise the project starts as a draft. Callers run it in a transaction."""
    document = checked.document
    project = services.project_create(
        agency=agency, standard=checked.standard, fiscal_year=checked.fiscal_year, user=user
    )
    people = People(project)
    people.preload(usernames_in(document))
    _project_fields_import(project, document, people, keep_record=keep_record)
    criteria = _criteria_import(project, document)
    missions = _missions_import(project, document)
    indicators = _indicators_import(project, document, criteria)
    rounds = {}
    for item in document.rounds:
        assessment_round = _round_import(
            project,
            item,
            missions=missions,
            indicators=indicators,
            files=files,
            people=people,
            user=user,
            keep_record=keep_record,
        )
        rounds[assessment_round.number] = assessment_round
    return Imported(project, people, criteria, missions, indicators, rounds)


def _project_fields_import(
    project: Project, document: ProjectDocument, people: People, *, keep_record: bool
) -> None:
    """The project's own fields (steps 1–3); with ``keep_record`` its status and submission too."""
    project.vision = document.vision
    project.mission_statement = document.mission_statement
    project.goals = "\n".join(document.goals)
    project.objectives = "\n".join(document.objectives)
    project.main_budget = document.category_budgets[MissionCategory.MAIN]
    project.secondary_budget = document.category_budgets[MissionCategory.SECONDARY]
    project.support_budget = document.category_budgets[MissionCategory.SUPPORT]
    if keep_record:
        project.status = document.status
        project.submitted_at = document.submitted_at
        project.submitted_by = people.user(document.submitted_by)
    project.save()
    if keep_record:
        people.note(project, "submitted_by", document.submitted_by)


def _criteria_import(project: Project, document: ProjectDocument) -> dict[str, ProjectCriterion]:
    """The weights and targets of the criteria the project was created with."""
    criteria = {c.code: c for c in project.criteria.all()}
    for item in document.criteria:
        criterion = criteria[item.code]
        criterion.weight = item.weight
        criterion.target_level = item.target_level
        criterion.save(update_fields=["weight", "target_level"])
    return criteria


def _missions_import(project: Project, document: ProjectDocument) -> dict[str, Mission]:
    outcomes = {o.code: o for o in UltimateOutcome.objects.all()}
    missions = {}
    for position, item in enumerate(document.missions, start=1):
        mission = Mission.objects.create(
            project=project,
            code=item.code,
            name=item.name,
            category=item.category,
            points=item.points,
            order=position if item.order is None else item.order,
            legal_basis=item.legal_basis,
            responsible_unit=item.responsible_unit,
        )
        mission.outcomes.set([outcomes[code] for code in item.outcomes])
        missions[mission.code] = mission
    return missions


def _indicators_import(
    project: Project, document: ProjectDocument, criteria: dict[str, ProjectCriterion]
) -> dict[str, Indicator]:
    indicators = {}
    for position, item in enumerate(document.indicators, start=1):
        conditions = item.conditions
        indicators[item.key] = Indicator.objects.create(
            project=project,
            criterion=criteria[item.criterion],
            name=item.name,
            weight=item.weight,
            order=position if item.order is None else item.order,
            level_0=conditions[0],
            level_1=conditions[1],
            level_2=conditions[2],
            level_3=conditions[3],
            is_demo_text=item.demo_text,
        )
    return indicators


def _round_import(
    project: Project,
    item: RoundPart,
    *,
    missions: dict[str, Mission],
    indicators: dict[str, Indicator],
    files: dict,
    people: People,
    user,
    keep_record: bool,
) -> AssessmentRound:
    """A round with its levels, justifications and evidence, scored; with
    ``keep_record`` its author and times as they were."""
    assessment_round = services.round_create(project=project, user=user)
    assessment_round.note = item.note
    if keep_record:
        assessment_round.created_by = people.user(item.created_by)
    assessment_round.save(update_fields=["note", "created_by"])
    cells = {(c.mission_id, c.indicator_id): c for c in assessment_round.cells.all()}
    changed = []
    for cell_data in item.cells:
        cell = cells[(missions[cell_data.mission].pk, indicators[cell_data.indicator].pk)]
        cell.level = cell_data.level
        cell.justification = cell_data.justification
        cell.carried_over = cell_data.carried_over
        changed.append(cell)
        for part in cell_data.evidence:
            store_file(
                EvidenceFile, files=files, part=part, people=people, cell=cell, from_round=part.from_round
            )
    Assessment.objects.bulk_update(changed, ["level", "justification", "carried_over"])
    services.round_score_store(assessment_round=assessment_round)
    if keep_record:
        times = {"completed_at": item.completed_at if assessment_round.is_complete else None}
        if item.created_at is not None:
            times["created_at"] = item.created_at
        AssessmentRound.objects.filter(pk=assessment_round.pk).update(**times)
        people.note(assessment_round, "created_by", item.created_by)
    return assessment_round


@transaction.atomic
def project_import(
    document: dict, *, agency: Agency | None = None, fiscal_year: int | None = None, user=None
) -> Project:
    """Create a draft project from the steps 1–6 of a document, into an
    agency of this installation; all or nothing. The whole archive, with
    its record, is imported by ``certification.archive``."""
    checked = validate(document, agency=agency, fiscal_year=fiscal_year)
    if file_problems(checked.document, {}):
        raise DocumentProblem(file_problems(checked.document, {}))
    imported = core_import(checked, agency=checked.agency, files={}, user=user, keep_record=False)
    imported.people.save()
    progress_store(imported.project)
    return imported.project
