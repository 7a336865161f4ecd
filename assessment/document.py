"""The shape of steps 1–6 in a project document, as pydantic models: types,
ranges, lengths, the four conditions, levels 0–3 or none. The sums across
rows and the references between parts are checked by ``exchange`` with
``rules``; plans and certification extend these models in their own layers
(``plans.document``, ``certification.archive``)."""

import datetime
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from pso_site.lib.schema import LongText, Moment, Name, Sha256, ShortText, Size, Strict, Text

FORMAT = "pso-project"

Code = Annotated[str, StringConstraints(pattern=r"^[-a-zA-Z0-9_]{1,40}$")]
Level = Annotated[int, Field(ge=0, le=3)]
Order = Annotated[int, Field(ge=0, le=32767)]
Budget = Annotated[Decimal, Field(ge=0, le=100, max_digits=5, decimal_places=2)]
Points = Annotated[Decimal, Field(gt=0, le=100, max_digits=5, decimal_places=2)]
Weight = Annotated[Decimal, Field(gt=0, le=100, max_digits=5, decimal_places=2)]
IndicatorWeight = Annotated[Decimal, Field(gt=0, max_digits=5, decimal_places=2)]
Condition = Annotated[Text, StringConstraints(strip_whitespace=True)]  # empty in a draft
Status = Literal["draft", "submitted", "under_review", "changes_requested", "certified", "not_certified"]
Category = Literal["main", "secondary", "support"]


class Person(Strict):
    """Somebody, by account name and full name: never a database id. On
    import, an account with that username is linked; otherwise the name is
    recorded and no account is created."""

    username: Annotated[str, StringConstraints(max_length=150, pattern=r"^[\w.@+-]*$")]
    name: ShortText = ""


class AgencyPart(Strict):
    code: Code
    name_th: Name
    name_en: ShortText = ""
    kind: Literal["ministry", "department", "provincial_office", "local_administration"] | None = None
    province: Annotated[str, StringConstraints(max_length=100)] = ""
    # The agency above it (a department's ministry), so that an installation
    # without it can create it too.
    parent: "AgencyPart | None" = None


class CriterionPart(Strict):
    code: Code
    name_th: Name
    name_en: ShortText = ""
    order: Order = 0
    provisional: bool = False
    weight: Weight | None = None
    target_level: Level | None = None


class MissionPart(Strict):
    code: Annotated[str, StringConstraints(min_length=1, max_length=20, strip_whitespace=True)]
    name: Name
    category: Category
    points: Points
    order: Order | None = None
    legal_basis: ShortText = ""
    responsible_unit: Annotated[ShortText, StringConstraints(max_length=200)] = ""
    outcomes: Annotated[list[Code], Field(max_length=50)] = []


class IndicatorPart(Strict):
    key: Annotated[str, StringConstraints(min_length=1, max_length=60)]
    criterion: Code
    name: Name
    weight: IndicatorWeight = Decimal(1)
    order: Order | None = None
    conditions: Annotated[list[Condition], Field(min_length=4, max_length=4)]
    demo_text: bool = False


class FilePart(Strict):
    """A stored file: its bytes are in the archive as ``files/<sha256>``."""

    sha256: Sha256
    name: Annotated[str, StringConstraints(min_length=1, max_length=255, pattern=r"^[^\x00-\x1f/\\]*$")]
    content_type: Annotated[str, StringConstraints(max_length=100)] = "application/octet-stream"
    size: Size
    uploaded_by: Person | None = None
    uploaded_at: Moment | None = None
    # The bytes were already missing from storage when the archive was made:
    # the record keeps the row (and its hash), the archive cannot carry them.
    missing: bool = False
    # Evidence of a cell carried from an earlier round (its number).
    from_round: Annotated[int, Field(ge=1, le=100)] | None = None


class CellPart(Strict):
    mission: Annotated[str, StringConstraints(max_length=20)]
    indicator: Annotated[str, StringConstraints(max_length=60)]
    level: Level | None = None
    justification: LongText = ""
    carried_over: bool = False  # from the last cycle, not yet confirmed or rewritten
    evidence: Annotated[list[FilePart], Field(max_length=100)] = []


class RoundPart(Strict):
    number: Annotated[int, Field(ge=1, le=100)]
    note: ShortText = ""
    completed: bool = False
    created_by: Person | None = None
    created_at: Moment | None = None
    completed_at: Moment | None = None
    cells: Annotated[list[CellPart], Field(max_length=200 * 500)] = []


class ProjectDocument(Strict):
    """Steps 1–6 and the rounds: the whole of a version 1 document, and the
    core of version 2."""

    format: Literal["pso-project"]
    version: Literal[1, 2]
    agency: AgencyPart
    standard: Annotated[str, StringConstraints(min_length=1, max_length=10)]
    fiscal_year: Annotated[int, Field(ge=1990, le=2100)]
    fiscal_year_be: Annotated[int, Field(ge=1990 + 543, le=2100 + 543)] | None = None
    status: Status = "draft"
    created_by: Person | None = None
    created_at: Moment | None = None
    submitted_at: Moment | None = None
    submitted_by: Person | None = None
    vision: LongText = ""
    mission_statement: LongText = ""
    goals: Annotated[list[Text], Field(max_length=200)] = []
    objectives: Annotated[list[Text], Field(max_length=200)] = []
    category_budgets: dict[Category, Budget]
    criteria: Annotated[list[CriterionPart], Field(max_length=100)] = []
    missions: Annotated[list[MissionPart], Field(max_length=500)] = []
    indicators: Annotated[list[IndicatorPart], Field(max_length=1000)] = []
    rounds: Annotated[list[RoundPart], Field(max_length=100)] = []
    # Computed by the scoring engine at export; never read on import.
    results: dict[str, dict] = {}


def iso(value: datetime.datetime | datetime.date | None) -> str | None:
    return None if value is None else value.isoformat()
