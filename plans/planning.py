"""The upgrade planner for a project (assessment.planner on its latest
round): what to raise first to reach the standard's readiness threshold,
for the planner's page and ``planner.json`` (docs/planner.md)."""

from dataclasses import dataclass
from fractions import Fraction

from assessment import planner
from assessment.exchange import indicator_keys
from assessment.models import AssessmentRound, Indicator, Mission, Project, ProjectCriterion
from assessment.results import ProjectData
from assessment.scoring import RoundScore, to_display


@dataclass
class Raise:
    mission: Mission
    indicator: Indicator
    indicator_key: str
    start: int
    end: int
    points: Fraction


@dataclass
class CriterionAfter:
    criterion: ProjectCriterion
    now: Fraction
    after: Fraction
    below: bool  # still below the minimum level after the plan


@dataclass
class ProjectPlanner:
    round: AssessmentRound
    reachable: bool
    step_count: int
    raises: list[Raise]
    now: RoundScore
    after: RoundScore
    criteria: list[CriterionAfter]
    min_total: Fraction
    min_level: Fraction

    def as_json(self) -> dict:
        return {
            "steps": [
                {
                    "mission": item.mission.code,
                    "indicator": item.indicator_key,
                    "from": item.start,
                    "to": item.end,
                    "points": f"{to_display(item.points):f}",
                }
                for item in self.raises
            ],
            "total_after": f"{to_display(self.after.total):f}",
            "criterion_levels_after": {
                row.criterion.code: f"{to_display(row.after):f}" for row in self.criteria
            },
            "reachable": self.reachable,
        }


def project_planner(project: Project) -> ProjectPlanner | None:
    """The plan from the project's latest round; None before any round."""
    latest = AssessmentRound.objects.filter(project=project).order_by("-number").first()
    data = ProjectData.load(project)
    if latest is None or not data.criteria or not data.missions:
        return None
    data = data.with_round(latest)
    inputs = data.scoring_inputs()
    standard = project.standard
    found = planner.plan(
        **inputs,
        levels=data.levels,
        min_total=Fraction(standard.min_total_score),
        min_level=Fraction(standard.min_criterion_level),
    )
    now = data.score(targets=False)
    missions = {str(m.pk): m for m in data.missions}
    indicators = {str(i.pk): i for i in data.indicators}
    keys = indicator_keys(data.indicators)
    minimum = Fraction(standard.min_criterion_level) - planner.SHOWN
    return ProjectPlanner(
        round=latest,
        reachable=found.reachable,
        step_count=found.step_count,
        raises=[
            Raise(
                mission=missions[item.mission],
                indicator=indicators[item.indicator],
                indicator_key=keys[int(item.indicator)],
                start=item.start,
                end=item.end,
                points=item.points,
            )
            for item in found.raises
        ],
        now=now,
        after=found.score,
        criteria=[
            CriterionAfter(
                criterion=c,
                now=now.criterion_level[c.code],
                after=found.score.criterion_level[c.code],
                below=found.score.criterion_level[c.code] < minimum,
            )
            for c in data.criteria
        ],
        min_total=Fraction(standard.min_total_score),
        min_level=Fraction(standard.min_criterion_level),
    )
