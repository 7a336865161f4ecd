"""Feeding stored project data to the pure scoring engine.

Every number a page, the PDF or an export shows comes from here, computed by
``assessment.scoring`` from what is stored — a fixed number of queries however
many missions, indicators or cells a project has.
"""

from dataclasses import dataclass, field, replace
from decimal import Decimal
from fractions import Fraction

from django.db.models import Q

from assessment import scoring
from assessment.models import Assessment, AssessmentRound, Indicator, Mission, Project, ProjectCriterion

display = scoring.to_display


@dataclass
class ProjectData:
    """What scoring needs of a project, loaded once."""

    project: Project
    criteria: list[ProjectCriterion]
    missions: list[Mission]
    indicators: list[Indicator]
    levels: dict = field(default_factory=dict)

    @classmethod
    def load(cls, project: Project) -> "ProjectData":
        return cls(
            project=project,
            criteria=list(ProjectCriterion.objects.filter(project=project).order_by("order")),
            missions=list(Mission.objects.filter(project=project).order_by("order", "id")),
            indicators=list(
                Indicator.objects.filter(project=project)
                .select_related("criterion")
                .order_by("criterion__order", "order", "id")
            ),
        )

    def with_round(self, assessment_round: AssessmentRound | None) -> "ProjectData":
        """The same project data with the levels of ``assessment_round`` (a
        copy: the loaded missions and indicators are shared, never reloaded)."""
        levels = {}
        if assessment_round is not None:
            levels = {
                (str(mission_id), str(indicator_id)): level
                for mission_id, indicator_id, level in Assessment.objects.filter(
                    round=assessment_round
                ).values_list("mission_id", "indicator_id", "level")
            }
        return replace(self, levels=levels)

    def scoring_inputs(self) -> dict:
        """Missions (by pk), criteria (by code) and indicators (by pk) as
        the scoring engine and the planner take them."""
        return {
            "missions": [scoring.MissionInput(key=str(m.pk), points=m.points) for m in self.missions],
            "criteria": [
                scoring.CriterionInput(key=c.code, weight=c.weight or Decimal(0)) for c in self.criteria
            ],
            "indicators": [
                scoring.IndicatorInput(key=str(i.pk), criterion=i.criterion.code, weight=i.weight)
                for i in self.indicators
            ],
        }

    def score(self, levels: dict | None = None, targets: bool = True) -> scoring.RoundScore:
        target_levels = None
        if targets and self.criteria and all(c.target_level is not None for c in self.criteria):
            target_levels = {c.code: c.target_level for c in self.criteria}
        return scoring.score_round(
            **self.scoring_inputs(),
            levels=self.levels if levels is None else levels,
            targets=target_levels,
        )


def round_score(assessment_round: AssessmentRound) -> scoring.RoundScore:
    return ProjectData.load(assessment_round.project).with_round(assessment_round).score()


def round_has_missing_justification(assessment_round: AssessmentRound) -> bool:
    """A cell without a justification, or with one carried over from the last
    cycle that nobody has confirmed or rewritten yet."""
    return (
        Assessment.objects.filter(round=assessment_round)
        .filter(Q(justification__regex=r"^\s*$") | Q(carried_over=True))
        .exists()
    )


def weight_total(criteria) -> Decimal:
    return sum((c.weight or Decimal(0) for c in criteria), Decimal(0))


@dataclass
class ShortfallRow:
    mission: Mission
    cell_level: Fraction
    points_lost: Fraction


@dataclass
class CriterionRow:
    criterion: ProjectCriterion
    weight: Decimal
    level: Fraction
    points: Fraction
    target: Fraction | None
    gap: Fraction | None
    below_minimum: bool
    shortfalls: list[ShortfallRow]

    @property
    def missed(self) -> Fraction:
        """Points this criterion could still give: weight − points."""
        return Fraction(self.weight) - self.points


@dataclass
class Readiness:
    min_total: Decimal
    min_level: Decimal
    total_ok: bool
    criteria_below: list[ProjectCriterion]

    @property
    def ready(self) -> bool:
        return self.total_ok and not self.criteria_below


def criterion_rows(data: ProjectData, score: scoring.RoundScore) -> list[CriterionRow]:
    """The per-criterion table with its drill-down: which missions pulled
    each criterion down, and by how many points."""
    missions = {str(m.pk): m for m in data.missions}
    minimum = data.project.standard.min_criterion_level
    rows = []
    for criterion in data.criteria:
        level = score.criterion_level[criterion.code]
        shortfalls = [
            ShortfallRow(missions[item.mission_key], item.cell_level, item.points_lost)
            for item in score.shortfall(criterion.code)
            if item.points_lost > 0
        ]
        rows.append(
            CriterionRow(
                criterion=criterion,
                weight=criterion.weight or Decimal(0),
                level=level,
                points=score.criterion_points[criterion.code],
                target=score.target_level.get(criterion.code),
                gap=score.gap.get(criterion.code) if score.gap else None,
                below_minimum=display(level) < minimum,
                shortfalls=shortfalls,
            )
        )
    return rows


def readiness(data: ProjectData, score: scoring.RoundScore) -> Readiness:
    """The standard's readiness thresholds against a computed round."""
    return readiness_of_levels(
        data,
        total=display(score.total),
        levels={code: display(v) for code, v in score.criterion_level.items()},
    )


def readiness_of_levels(data: ProjectData, *, total: Decimal, levels: dict[str, Decimal]) -> Readiness:
    """The thresholds against display values: those a round stored when it
    was saved (``AssessmentRound.total_score`` and ``criterion_levels``,
    computed by the scoring engine), or those of ``readiness``."""
    standard = data.project.standard
    return Readiness(
        min_total=standard.min_total_score,
        min_level=standard.min_criterion_level,
        total_ok=Decimal(total) >= standard.min_total_score,
        criteria_below=[
            c for c in data.criteria if Decimal(levels.get(c.code, "0")) < standard.min_criterion_level
        ],
    )


@dataclass
class ExplainedCell:
    """S(m, c) of one mission on one criterion, term by term."""

    terms: list[tuple[Indicator, scoring.CellTerm]]
    weighted: Fraction  # Σ v_i·s(m, i)
    weights: Fraction  # Σ v_i
    level: Fraction  # S(m, c)


@dataclass
class ScoreExplained:
    """The formulas of docs/domain.md §3 worked with a project's own numbers: one
    cell, one criterion (every mission's part) and one mission (every
    criterion's part), each number the scoring engine's."""

    criterion: ProjectCriterion
    mission: Mission
    cell: ExplainedCell
    # (mission, p_m, S(m, c), p_m·S(m, c)) for the criterion.
    criterion_terms: list[tuple[Mission, Fraction, Fraction, Fraction]]
    points_sum: Fraction  # Σ p_m
    criterion_sum: Fraction  # Σ p_m·S(m, c)
    criterion_level: Fraction  # C(c)
    criterion_weight: Fraction  # w_c
    criterion_points: Fraction  # w_c·C(c) / 3
    # (criterion, w_c, S(m, c), w_c·S(m, c)) for the mission.
    mission_terms: list[tuple[ProjectCriterion, Fraction, Fraction, Fraction]]
    mission_sum: Fraction  # Σ_c w_c·S(m, c)
    mission_score: Fraction  # M(m)
    total: Fraction  # P


def score_explained(data: ProjectData, score: scoring.RoundScore) -> ScoreExplained | None:
    """The worked example for the weightiest criterion and the mission with
    the most points (the first of equals). ``data`` carries the round's
    levels (``with_round``) that ``score`` was computed from."""
    if not data.criteria or not data.missions:
        return None
    criterion = max(data.criteria, key=lambda c: (c.weight or 0, -data.criteria.index(c)))
    mission = max(data.missions, key=lambda m: (m.points, -data.missions.index(m)))
    indicators = [i for i in data.indicators if i.criterion_id == criterion.pk]
    inputs = [
        scoring.IndicatorInput(key=str(i.pk), criterion=criterion.code, weight=i.weight) for i in indicators
    ]
    terms = scoring.cell_terms(inputs, data.levels, str(mission.pk))
    cell = ExplainedCell(
        terms=list(zip(indicators, terms, strict=True)),
        weighted=sum((term.weighted for term in terms), Fraction(0)),
        weights=sum((term.weight for term in terms), Fraction(0)),
        level=score.cell_level[(str(mission.pk), criterion.code)],
    )
    criterion_terms = [
        (m, score.mission_points[str(m.pk)], score.cell_level[(str(m.pk), criterion.code)])
        for m in data.missions
    ]
    mission_terms = [
        (c, score.criterion_weight[c.code], score.cell_level[(str(mission.pk), c.code)])
        for c in data.criteria
    ]
    return ScoreExplained(
        criterion=criterion,
        mission=mission,
        cell=cell,
        criterion_terms=[(m, p, level, p * level) for m, p, level in criterion_terms],
        points_sum=sum((p for _m, p, _level in criterion_terms), Fraction(0)),
        criterion_sum=sum((p * level for _m, p, level in criterion_terms), Fraction(0)),
        criterion_level=score.criterion_level[criterion.code],
        criterion_weight=score.criterion_weight[criterion.code],
        criterion_points=score.criterion_points[criterion.code],
        mission_terms=[(c, w, level, w * level) for c, w, level in mission_terms],
        mission_sum=sum((w * level for _c, w, level in mission_terms), Fraction(0)),
        mission_score=score.mission_score[str(mission.pk)],
        total=score.total,
    )
