"""The P.S.O. scoring rules (docs/domain.md §3), exactly, with no database in sight.

Notation: missions m with points p_m, criteria c with weights w_c, indicators
i of criterion c with weights v_i, levels s(m, i) in {0, 1, 2, 3}.

- cell level        S(m, c) = Σ_i v_i·s(m, i) / Σ_i v_i
- criterion level   C(c)    = Σ_m p_m·S(m, c) / Σ_m p_m
- criterion points  w_c·C(c) / 3
- total             P       = Σ_c w_c·C(c) / 3
- mission score     M(m)    = Σ_c w_c·S(m, c) / 3,  and P = Σ_m p_m·M(m) / Σ_m p_m
- target total      Σ_c w_c·T(c) / 3

The domain divides by 100 because a valid project's points add up to 100;
dividing by Σ p_m gives the same result there and stays meaningful while a
project is still being filled in. Everything is an exact Fraction; rounding
(half-up, two decimals) happens only in ``to_display``.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

Number = int | Decimal | Fraction
MAX_LEVEL = 3
HUNDREDTH = Decimal("0.01")


@dataclass(frozen=True)
class MissionInput:
    key: str
    points: Number


@dataclass(frozen=True)
class CriterionInput:
    key: str
    weight: Number


@dataclass(frozen=True)
class IndicatorInput:
    key: str
    criterion: str
    weight: Number = 1


@dataclass(frozen=True)
class Shortfall:
    """How much one mission pulls a criterion down."""

    mission_key: str
    cell_level: Fraction
    points_lost: Fraction


@dataclass(frozen=True)
class RoundScore:
    cell_level: dict[tuple[str, str], Fraction]
    criterion_level: dict[str, Fraction]
    criterion_points: dict[str, Fraction]
    total: Fraction
    mission_score: dict[str, Fraction]
    target_level: dict[str, Fraction] = field(default_factory=dict)
    target_points: dict[str, Fraction] = field(default_factory=dict)
    target_total: Fraction | None = None
    gap: dict[str, Fraction] = field(default_factory=dict)
    missing_cells: tuple[tuple[str, str], ...] = ()
    criteria_without_indicators: tuple[str, ...] = ()
    mission_points: dict[str, Fraction] = field(default_factory=dict)
    criterion_weight: dict[str, Fraction] = field(default_factory=dict)

    @property
    def is_complete(self) -> bool:
        return not self.missing_cells

    def shortfall(self, criterion_key: str) -> list[Shortfall]:
        """Which missions pulled ``criterion_key`` down, by how many points:
        w_c·p_m·(3 − S(m, c)) / (3·Σp). They add up to w_c − criterion points."""
        weight = self.criterion_weight[criterion_key]
        total_points = sum(self.mission_points.values(), Fraction(0))
        items = []
        for order, (mission_key, points) in enumerate(self.mission_points.items()):
            level = self.cell_level[(mission_key, criterion_key)]
            lost = (
                weight * points * (MAX_LEVEL - level) / (MAX_LEVEL * total_points)
                if total_points
                else Fraction(0)
            )
            items.append((order, Shortfall(mission_key, level, lost)))
        items.sort(key=lambda pair: (-pair[1].points_lost, pair[0]))
        return [item for _order, item in items]


@dataclass(frozen=True)
class CellTerm:
    """One indicator's part of a cell level S(m, c): its weight v_i and the
    mission's level s(m, i) (None when not given yet: it counts as 0)."""

    indicator_key: str
    weight: Fraction
    level: int | None

    @property
    def weighted(self) -> Fraction:
        return self.weight * (self.level or 0)


def cell_terms(
    indicators: Sequence[IndicatorInput], levels: Mapping[tuple[str, str], int | None], mission_key: str
) -> list[CellTerm]:
    """The terms of S(m, c) for a mission over one criterion's indicators."""
    return [
        CellTerm(
            indicator.key,
            _exact(indicator.weight, f"weight of indicator {indicator.key}"),
            _level(levels.get((mission_key, indicator.key)), (mission_key, indicator.key)),
        )
        for indicator in indicators
    ]


def cell_of(terms: Sequence[CellTerm]) -> Fraction:
    """S(m, c) = Σ_i v_i·s(m, i) / Σ_i v_i (0 for a criterion without indicators)."""
    weight_sum = sum((term.weight for term in terms), Fraction(0))
    return sum((term.weighted for term in terms), Fraction(0)) / weight_sum if weight_sum else Fraction(0)


def _exact(value: Number, what: str) -> Fraction:
    if isinstance(value, float | bool):
        raise ValueError(f"{what} must be exact (int, Decimal or Fraction), not {type(value).__name__}")
    return Fraction(value)


def _level(value: object, where: tuple[str, str]) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_LEVEL:
        raise ValueError(f"Level of {where} must be an integer 0–3, not {value!r}")
    return value


def score_round(
    *,
    missions: Sequence[MissionInput],
    criteria: Sequence[CriterionInput],
    indicators: Sequence[IndicatorInput],
    levels: Mapping[tuple[str, str], int | None],
    targets: Mapping[str, int] | None = None,
) -> RoundScore:
    """Score one assessment round. Missing cells count as 0 and are listed."""
    criterion_keys = [c.key for c in criteria]
    weights = {c.key: _exact(c.weight, f"weight of {c.key}") for c in criteria}
    points = {m.key: _exact(m.points, f"points of {m.key}") for m in missions}
    by_criterion: dict[str, list[IndicatorInput]] = {key: [] for key in criterion_keys}
    for indicator in indicators:
        if indicator.criterion not in by_criterion:
            raise ValueError(f"Indicator {indicator.key} names an unknown criterion {indicator.criterion!r}")
        by_criterion[indicator.criterion].append(indicator)

    missing: list[tuple[str, str]] = []
    cell_level: dict[tuple[str, str], Fraction] = {}
    for mission in missions:
        for key in criterion_keys:
            terms = cell_terms(by_criterion[key], levels, mission.key)
            missing.extend((mission.key, term.indicator_key) for term in terms if term.level is None)
            cell_level[(mission.key, key)] = cell_of(terms)

    total_points = sum(points.values(), Fraction(0))
    criterion_level = {
        key: (sum((points[m.key] * cell_level[(m.key, key)] for m in missions), Fraction(0)) / total_points)
        if total_points
        else Fraction(0)
        for key in criterion_keys
    }
    criterion_points = {key: weights[key] * criterion_level[key] / MAX_LEVEL for key in criterion_keys}
    mission_score = {
        m.key: sum((weights[key] * cell_level[(m.key, key)] for key in criterion_keys), Fraction(0))
        / MAX_LEVEL
        for m in missions
    }
    target_level, target_points, gap, target_total = {}, {}, {}, None
    if targets is not None:
        for key in criterion_keys:
            target = _level(targets.get(key), ("target", key))
            target_level[key] = Fraction(target or 0)
            target_points[key] = weights[key] * target_level[key] / MAX_LEVEL
            gap[key] = target_level[key] - criterion_level[key]
        target_total = sum(target_points.values(), Fraction(0))
    return RoundScore(
        cell_level=cell_level,
        criterion_level=criterion_level,
        criterion_points=criterion_points,
        total=sum(criterion_points.values(), Fraction(0)),
        mission_score=mission_score,
        target_level=target_level,
        target_points=target_points,
        target_total=target_total,
        gap=gap,
        missing_cells=tuple(missing),
        criteria_without_indicators=tuple(key for key in criterion_keys if not by_criterion[key]),
        mission_points=points,
        criterion_weight=weights,
    )


def to_display(value: Number) -> Decimal:
    """Half-up (away from zero) to two decimals, for showing only. Integer
    arithmetic on the exact fraction: no intermediate rounding."""
    scaled = abs(Fraction(value)) * 100
    hundredths, rest = divmod(scaled.numerator, scaled.denominator)
    if 2 * rest >= scaled.denominator:
        hundredths += 1
    sign = -1 if Fraction(value) < 0 else 1
    return (Decimal(sign * hundredths) / 100).quantize(HUNDREDTH)


def split_evenly(budget: Number, count: int) -> list[Decimal]:
    """Split a category budget over ``count`` missions of equal importance:
    two decimals each, the remainder spread one hundredth at a time from the
    top, so 30 over 7 gives 4.29 ×4 and 4.28 ×3 and the sum is exact."""
    if count <= 0:
        raise ValueError("count must be positive")
    hundredths = Fraction(budget) * 100
    if hundredths.denominator != 1:
        raise ValueError(f"budget {budget} has more than two decimals")
    base, remainder = divmod(int(hundredths), count)
    return [
        (Decimal(base + (1 if index < remainder else 0)) / 100).quantize(HUNDREDTH) for index in range(count)
    ]


def total_from_levels(*, criteria: Sequence[CriterionInput], levels: Mapping[str, Number | None]) -> Fraction:
    """P = Σ_c w_c·L_c / 3 for levels given per criterion, as the committee
    records them; a criterion without a level counts as 0."""
    return sum(
        (
            _exact(c.weight, f"weight of {c.key}") * Fraction(levels.get(c.key) or 0) / MAX_LEVEL
            for c in criteria
        ),
        Fraction(0),
    )
