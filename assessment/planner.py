"""The upgrade planner: the fewest one-level steps that bring a round to the
standard's readiness threshold, exactly (issue 26; docs/planner.md).

A *step* raises one cell s(m, i) by one level, never past 3. By the formulas
of ``assessment.scoring`` every step on a cell of mission m and indicator i
of criterion c adds the same amounts, whatever the cell's level:

- to the criterion level C(c):  b = p_m·v_i / (Σp · Σ_{i∈c} v_i)
- to the total P:               a = w_c·b / 3

The threshold asks P ≥ min_total and C(c) ≥ min_level for every c, as the
pages show them (half-up to two decimals): exactly P ≥ min_total − 1/200 and
C(c) ≥ min_level − 1/200.

Why sorting is enough (and exact). Within one criterion every step's points
are its level gain times the same w_c/3, so the k steps that raise C(c) most
are also the k that add the most points: the criterion's best gain with k
steps, g_c(k), is the sum of its k largest step gains, a concave function of
k. A criterion below the minimum level needs at least k_c steps, the
fewest whose best gain reaches it. The plan with K steps in all that adds the
most points takes, in every criterion, its k_c best steps and then the
K − Σk_c largest of all the remaining steps: with concave g_c, no exchange
of a step for another can add more (the greedy choice for a sum of concave
functions under one count). So the fewest steps K* is the first K at which
that plan reaches the total, and it is also, among plans of K* steps, the
one with the most points — what the planner must prefer. Every number is a
Fraction; the result is checked again by ``scoring.score_round``.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import TypedDict

from assessment import scoring

# Half a hundredth: a value shown as the threshold (rounded half-up) meets it.
SHOWN = Fraction(1, 200)


@dataclass(frozen=True)
class Step:
    """Raise the cell (mission, indicator) from ``level`` to ``level + 1``."""

    mission: str
    indicator: str
    criterion: str
    level: int
    points: Fraction  # added to the total
    gain: Fraction  # added to the criterion's level
    # The cell's place in the grid (mission, indicator): a deterministic order.
    place: tuple[int, int] = field(default=(0, 0), compare=False, repr=False)


@dataclass(frozen=True)
class CellRaise:
    """The steps of one cell, joined: from → to, and the points they add."""

    mission: str
    indicator: str
    criterion: str
    start: int
    end: int
    points: Fraction


@dataclass(frozen=True)
class Plan:
    reachable: bool
    steps: tuple[Step, ...]
    raises: tuple[CellRaise, ...]
    levels: dict[tuple[str, str], int | None]  # the cells' levels after the plan
    score: scoring.RoundScore  # after the plan, by the scoring engine

    @property
    def step_count(self) -> int:
        return len(self.steps)


class _RoundInputs(TypedDict):
    """The arguments of ``scoring.score_round`` that a plan does not change."""

    missions: Sequence[scoring.MissionInput]
    criteria: Sequence[scoring.CriterionInput]
    indicators: Sequence[scoring.IndicatorInput]


def plan(
    *,
    missions: Sequence[scoring.MissionInput],
    criteria: Sequence[scoring.CriterionInput],
    indicators: Sequence[scoring.IndicatorInput],
    levels: Mapping[tuple[str, str], int | None],
    min_total: Fraction,
    min_level: Fraction,
) -> Plan:
    """The fewest steps to readiness (the most points among equals); when the
    threshold cannot be reached, every step that adds anything (the best
    reachable: each cell that counts at level 3)."""
    inputs: _RoundInputs = {"missions": missions, "criteria": criteria, "indicators": indicators}
    current = scoring.score_round(**inputs, levels=levels)
    by_criterion = _steps_by_criterion(missions, criteria, indicators, levels)
    need_total = Fraction(min_total) - SHOWN - current.total
    need_level = {c.key: Fraction(min_level) - SHOWN - current.criterion_level[c.key] for c in criteria}

    chosen: list[Step] = []
    rest: list[Step] = []
    reachable = True
    for criterion in criteria:
        steps = by_criterion[criterion.key]
        taken, gained = 0, Fraction(0)
        while gained < need_level[criterion.key] and taken < len(steps):
            gained += steps[taken].gain
            taken += 1
        if gained < need_level[criterion.key]:
            reachable = False
        chosen += steps[:taken]
        rest += steps[taken:]
    rest.sort(key=_order)
    added = sum((step.points for step in chosen), Fraction(0))
    for step in rest:
        if added >= need_total:
            break
        chosen.append(step)
        added += step.points
    if added < need_total:
        reachable = False
    if not reachable:
        # The best reachable: every step that adds to a level or the total.
        chosen = [step for steps in by_criterion.values() for step in steps if step.gain > 0]
    chosen.sort(key=_order)
    after = dict(levels)
    for step in chosen:
        after[(step.mission, step.indicator)] = step.level + 1
    score = scoring.score_round(**inputs, levels=after)
    if reachable:
        # The engine, not this module's arithmetic, says the plan reaches it.
        assert score.total >= Fraction(min_total) - SHOWN
        assert all(score.criterion_level[c.key] >= Fraction(min_level) - SHOWN for c in criteria)
    return Plan(
        reachable=reachable,
        steps=tuple(chosen),
        raises=_raises(chosen, missions, indicators),
        levels=after,
        score=score,
    )


def _order(step: Step) -> tuple[Fraction, Fraction, tuple[int, int], int]:
    # Most points first; then most level, then the grid's order (deterministic).
    return (-step.points, -step.gain, step.place, step.level)


def _steps_by_criterion(
    missions: Sequence[scoring.MissionInput],
    criteria: Sequence[scoring.CriterionInput],
    indicators: Sequence[scoring.IndicatorInput],
    levels: Mapping[tuple[str, str], int | None],
) -> dict[str, list[Step]]:
    """Every possible step, by criterion, best first."""
    total_points = sum((Fraction(m.points) for m in missions), Fraction(0))
    weights = {c.key: Fraction(c.weight) for c in criteria}
    indicator_sums: dict[str, Fraction] = {}
    for indicator in indicators:
        indicator_sums[indicator.criterion] = indicator_sums.get(indicator.criterion, Fraction(0)) + Fraction(
            indicator.weight
        )
    found: dict[str, list[Step]] = {c.key: [] for c in criteria}
    for mission_order, mission in enumerate(missions):
        for indicator_order, indicator in enumerate(indicators):
            share = indicator_sums[indicator.criterion]
            if not total_points or not share:
                continue
            gain = Fraction(mission.points) * Fraction(indicator.weight) / (total_points * share)
            start = levels.get((mission.key, indicator.key)) or 0
            for level in range(start, scoring.MAX_LEVEL):
                step = Step(
                    mission.key,
                    indicator.key,
                    indicator.criterion,
                    level,
                    weights[indicator.criterion] * gain / scoring.MAX_LEVEL,
                    gain,
                    (mission_order, indicator_order),
                )
                found[indicator.criterion].append(step)
    for steps in found.values():
        steps.sort(key=_order)
    return found


def _raises(
    steps: Sequence[Step],
    missions: Sequence[scoring.MissionInput],
    indicators: Sequence[scoring.IndicatorInput],
) -> tuple[CellRaise, ...]:
    """The steps joined per cell, in the grid's order."""
    cells: dict[tuple[str, str], list[Step]] = {}
    for step in steps:
        cells.setdefault((step.mission, step.indicator), []).append(step)
    mission_order = {m.key: n for n, m in enumerate(missions)}
    indicator_order = {i.key: n for n, i in enumerate(indicators)}
    joined = [
        CellRaise(
            mission=mission,
            indicator=indicator,
            criterion=group[0].criterion,
            start=min(step.level for step in group),
            end=max(step.level for step in group) + 1,
            points=sum((step.points for step in group), Fraction(0)),
        )
        for (mission, indicator), group in cells.items()
    ]
    joined.sort(key=lambda r: (mission_order[r.mission], indicator_order[r.indicator]))
    return tuple(joined)
