"""What of a project travels, field by field, declared in one place.

Two journeys carry a project's data elsewhere:

- **archive**: the project archive (``assessment.exchange``, ``plans.exchange``,
  ``certification.archive``), to another installation and back; each field
  maps to the key of its part in the published schema
  (``docs/project-archive.schema.json``);
- **renewal**: the next cycle's project (``project_copy_for_renewal``,
  ``plans_copy``), copied as the starting point.

Every concrete field of each model below either travels on a journey or is
named in ``STAYS`` with the reason it does not. ``tests/certification/
test_travel.py`` checks that nothing is left undecided (a new field fails it
until it is declared here), that each archive key exists in the schema's
part, and that the renewal copies exactly what it declares. Adding a field:
CONTRIBUTING.md, "Walk-through"."""

from dataclasses import dataclass, field

from django.db.models import Model

from assessment.document import CriterionPart, IndicatorPart, MissionPart, ProjectDocument
from assessment.models import Indicator, Mission, Project, ProjectCriterion
from plans.exchange import ActivityPart, PlanPart, UpdatePart
from plans.models import Activity, Plan, ProgressUpdate


@dataclass(frozen=True)
class Journeys:
    part: type  # the archive schema's part for the model
    # model field → the part's key that carries it (several fields may share one)
    archive: dict[str, str]
    renewal: frozenset[str] = field(default_factory=frozenset)


# Why a field travels on neither journey, or on one only; shared by the models.
STAYS = {
    "id": "a row's own key: the journey gives it a new one",
    "project": "the parent, by the document's structure",
    "plan": "the parent, by the document's structure",
    "activity": "the parent, by the document's structure",
    "agency": "archive: the agency part; renewal: the same agency",
    "standard": "archive: the standard's code; renewal: the same standard",
    "fiscal_year": "renewal: the new cycle's year",
    "status": "renewal: a new cycle starts as a draft",
    "submitted_at": "renewal: not submitted yet",
    "submitted_by": "renewal: not submitted yet",
    "created_by": "renewal: who started the renewal",
    "created_at": "the journey's own time; the archive keeps it on rounds and updates",
    "updated_at": "set by the database on every save",
    "recorded_people": "the archive's own bookkeeping of people an installation lacks",
    "progress": "a cache of the stepper, computed again after the journey",
    "source": "the catalogue criterion of this installation, found again by code",
    "order": "renewal: given again (the copied order, or the catalogue's)",
    "name_th": "renewal: taken anew from the catalogue",
    "name_en": "renewal: taken anew from the catalogue",
    "provisional": "renewal: taken anew from the catalogue",
    "is_demo_text": "renewal: the copy keeps the text, not where it came from",
    "date": "renewal: progress belongs to the cycle it was made in",
    "note": "renewal: progress belongs to the cycle it was made in",
    "percent": "renewal: progress belongs to the cycle it was made in",
}

JOURNEYS: dict[type[Model], Journeys] = {
    Project: Journeys(
        part=ProjectDocument,
        archive={
            "fiscal_year": "fiscal_year",
            "status": "status",
            "vision": "vision",
            "mission_statement": "mission_statement",
            "goals": "goals",
            "objectives": "objectives",
            "main_budget": "category_budgets",
            "secondary_budget": "category_budgets",
            "support_budget": "category_budgets",
            "submitted_at": "submitted_at",
            "submitted_by": "submitted_by",
            "created_by": "created_by",
            "created_at": "created_at",
            "agency": "agency",
            "standard": "standard",
        },
        renewal=frozenset(
            {
                "vision",
                "mission_statement",
                "goals",
                "objectives",
                "main_budget",
                "secondary_budget",
                "support_budget",
            }
        ),
    ),
    Mission: Journeys(
        part=MissionPart,
        archive={
            "code": "code",
            "name": "name",
            "category": "category",
            "points": "points",
            "order": "order",
            "legal_basis": "legal_basis",
            "responsible_unit": "responsible_unit",
        },
        renewal=frozenset({"code", "name", "category", "points", "order", "legal_basis", "responsible_unit"}),
    ),
    ProjectCriterion: Journeys(
        part=CriterionPart,
        archive={
            "code": "code",
            "name_th": "name_th",
            "name_en": "name_en",
            "order": "order",
            "provisional": "provisional",
            "weight": "weight",
            "target_level": "target_level",
        },
        renewal=frozenset({"code", "weight", "target_level"}),
    ),
    Indicator: Journeys(
        part=IndicatorPart,
        archive={
            "criterion": "criterion",
            "name": "name",
            "level_0": "conditions",
            "level_1": "conditions",
            "level_2": "conditions",
            "level_3": "conditions",
            "weight": "weight",
            "order": "order",
            "is_demo_text": "demo_text",
        },
        renewal=frozenset(
            {
                "criterion",
                "name",
                "level_0",
                "level_1",
                "level_2",
                "level_3",
                "weight",
                "order",
                "is_demo_text",
            }
        ),
    ),
    Plan: Journeys(
        part=PlanPart,
        archive={"name": "name", "approach": "approach", "order": "order"},
        renewal=frozenset({"name", "approach", "order"}),
    ),
    Activity: Journeys(
        part=ActivityPart,
        archive={
            "title": "title",
            "description": "description",
            "responsible_user": "responsible",
            "responsible_name": "responsible_name",
            "responsible_position": "responsible_position",
            "phase": "phase",
            "start_date": "start_date",
            "end_date": "end_date",
            "budget": "budget",
            "expected_result": "expected_result",
            "order": "order",
        },
        renewal=frozenset(
            {
                "title",
                "description",
                "responsible_user",
                "responsible_name",
                "responsible_position",
                "phase",
                "start_date",
                "end_date",
                "budget",
                "expected_result",
                "order",
            }
        ),
    ),
    ProgressUpdate: Journeys(
        part=UpdatePart,
        archive={
            "status": "status",
            "percent": "percent",
            "date": "date",
            "note": "note",
            "created_by": "created_by",
            "created_at": "created_at",
        },
    ),
}

# Keys of a part that no field of its model fills, and why.
PART_ONLY = {
    "format": "the document's kind",
    "version": "the schema's version",
    "fiscal_year_be": "the fiscal year in the Buddhist era, for people reading the file",
    "criteria": "the children (or a plan's criteria by code)",
    "missions": "the children",
    "indicators": "the children",
    "rounds": "the children",
    "results": "the scores computed, for people reading the file",
    "outcomes": "a mission's ultimate outcomes, by code",
    "key": "an indicator's stable name within the document, for the cells",
    "activities": "the children",
    "updates": "the children",
    "evidence": "the files, by digest",
}
