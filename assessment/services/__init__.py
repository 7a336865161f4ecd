"""Changes of certification projects (steps 1–6): one service per change,
called by views, import, the demo and admin actions alike. Every service
that changes a project runs inside ``writes.project_for_write`` (row lock
first, then state, role and conflicts).

- ``projects``: a project created from the catalogue, or copied for a renewal;
- ``steps``: steps 1–5 (texts, missions, weights, indicators);
- ``rounds``: step 6 (rounds, cells, evidence, the results a round stores);
- ``refusals``: what they refuse.

Callers import from here (``from assessment import services``)."""

from assessment.services.projects import (
    DEFAULT_BUDGETS,
    catalogue_budgets,
    criterion_copy,
    project_copy_for_renewal,
    project_create,
)
from assessment.services.refusals import (
    RoundNotEditable,
    RuleViolation,
)
from assessment.services.rounds import (
    GridConflict,
    carried_confirm,
    evidence_attach,
    evidence_carry,
    latest_round,
    round_cells_ensure,
    round_cells_save,
    round_create,
    round_discard,
    round_is_untouched,
    round_score_store,
    round_start,
    rounds_rescore,
)
from assessment.services.steps import (
    MISSION_FIELDS,
    IndicatorRow,
    MissionRow,
    indicators_save,
    mission_statement_save,
    missions_save,
    vision_save,
    weights_save,
)

__all__ = [
    "RoundNotEditable",
    "RuleViolation",
    "DEFAULT_BUDGETS",
    "catalogue_budgets",
    "criterion_copy",
    "project_copy_for_renewal",
    "project_create",
    "IndicatorRow",
    "MISSION_FIELDS",
    "MissionRow",
    "indicators_save",
    "mission_statement_save",
    "missions_save",
    "vision_save",
    "weights_save",
    "GridConflict",
    "carried_confirm",
    "evidence_attach",
    "evidence_carry",
    "latest_round",
    "round_cells_ensure",
    "round_cells_save",
    "round_create",
    "round_discard",
    "round_is_untouched",
    "round_score_store",
    "round_start",
    "rounds_rescore",
]
