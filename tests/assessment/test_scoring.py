"""The scoring engine (docs/domain.md §3): pure, exact, no database."""

import json
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assessment.scoring import (
    CriterionInput,
    IndicatorInput,
    MissionInput,
    score_round,
    split_evenly,
    to_display,
    total_from_levels,
)

REFERENCE = json.loads(
    (Path(__file__).resolve().parents[2] / "assessment" / "data" / "lampang-1101.json").read_text(
        encoding="utf-8"
    )
)


def lampang_inputs():
    missions = [MissionInput(m["code"], Decimal(m["points"])) for m in REFERENCE["step3_missions"]]
    criteria = [CriterionInput(c["code"], Decimal(c["weight"])) for c in REFERENCE["step4_criterion_weights"]]
    indicators = [IndicatorInput(c.key, c.key) for c in criteria]
    scores = REFERENCE["step6_scores"]
    levels = {}
    for mission in missions:
        overrides = scores["mission_overrides"].get(mission.key, {})
        for criterion in criteria:
            levels[(mission.key, criterion.key)] = overrides.get(
                criterion.key, scores["default_level_by_criterion"][criterion.key]
            )
    return missions, criteria, indicators, levels


def test_lampang_reference_gives_exactly_the_expected_block():
    missions, criteria, indicators, levels = lampang_inputs()
    score = score_round(
        missions=missions,
        criteria=criteria,
        indicators=indicators,
        levels=levels,
        targets=REFERENCE["step7_target_levels"],
    )
    expected = REFERENCE["expected"]
    assert {k: str(to_display(v)) for k, v in score.criterion_level.items()} == expected["criterion_level"]
    assert {k: str(to_display(v)) for k, v in score.criterion_points.items()} == expected["criterion_points"]
    assert {k: str(to_display(v)) for k, v in score.mission_score.items()} == expected["mission_score"]
    assert str(to_display(score.total)) == expected["total_score"] == "40.93"
    assert str(to_display(score.target_total)) == expected["target_total_score"] == "96.67"
    for criterion in criteria:
        lost = sum(item.points_lost for item in score.shortfall(criterion.key))
        assert lost == Fraction(criterion.weight) - score.criterion_points[criterion.key]


def test_indicator_weights_weigh_the_cell_level():
    score = score_round(
        missions=[MissionInput("m", 100)],
        criteria=[CriterionInput("c", 100)],
        indicators=[IndicatorInput("i1", "c", 1), IndicatorInput("i2", "c", 3)],
        levels={("m", "i1"): 0, ("m", "i2"): 3},
    )
    assert score.cell_level[("m", "c")] == Fraction(9, 4)


def test_missing_cells_count_as_zero_and_are_listed():
    score = score_round(
        missions=[MissionInput("m", 100)],
        criteria=[CriterionInput("c", 100)],
        indicators=[IndicatorInput("i", "c")],
        levels={},
    )
    assert score.total == 0
    assert score.missing_cells == (("m", "i"),)
    assert not score.is_complete


@pytest.mark.parametrize("bad", [4, -1, 2.5, "2", True])
def test_levels_outside_0_to_3_are_refused(bad):
    with pytest.raises(ValueError):
        score_round(
            missions=[MissionInput("m", 100)],
            criteria=[CriterionInput("c", 100)],
            indicators=[IndicatorInput("i", "c")],
            levels={("m", "i"): bad},
        )


def test_an_indicator_of_an_unknown_criterion_is_refused():
    with pytest.raises(ValueError, match="unknown criterion"):
        score_round(
            missions=[], criteria=[CriterionInput("c", 100)], indicators=[IndicatorInput("i", "x")], levels={}
        )


def test_a_criterion_without_indicators_scores_zero_and_is_reported():
    score = score_round(
        missions=[MissionInput("m", 100)], criteria=[CriterionInput("c", 100)], indicators=[], levels={}
    )
    assert score.criterion_level["c"] == 0
    assert score.criteria_without_indicators == ("c",)


def test_no_mission_points_gives_zero_not_a_division_error():
    score = score_round(
        missions=[], criteria=[CriterionInput("c", 100)], indicators=[IndicatorInput("i", "c")], levels={}
    )
    assert score.total == 0


def test_floats_are_refused_as_inexact():
    with pytest.raises(ValueError, match="exact"):
        score_round(missions=[MissionInput("m", 100.0)], criteria=[], indicators=[], levels={})


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (Fraction(1, 200), "0.01"),
        (Decimal("0.125"), "0.13"),
        (Fraction(2, 3), "0.67"),
        (Fraction(1, 3), "0.33"),
        (Decimal("-0.005"), "-0.01"),
        (100, "100.00"),
        (Fraction(1229, 30), "40.97"),
    ],
)
def test_display_rounds_half_up_to_two_decimals(value, shown):
    assert str(to_display(value)) == shown


def test_30_over_7_is_split_from_the_top():
    assert split_evenly(30, 7) == [
        Decimal(x) for x in ["4.29", "4.29", "4.29", "4.29", "4.28", "4.28", "4.28"]
    ]
    assert split_evenly(60, 3) == [Decimal("20.00")] * 3


@given(
    budget_hundredths=st.integers(min_value=1, max_value=10000), count=st.integers(min_value=1, max_value=60)
)
def test_splits_always_add_up_exactly(budget_hundredths, count):
    budget = Decimal(budget_hundredths) / 100
    parts = split_evenly(budget, count)
    assert sum(parts) == budget
    assert max(parts) - min(parts) <= Decimal("0.01")


def test_bad_splits_are_refused():
    with pytest.raises(ValueError):
        split_evenly(30, 0)
    with pytest.raises(ValueError):
        split_evenly(Decimal("1.005"), 2)


def test_committee_total_from_criterion_levels():
    criteria = [CriterionInput("a", 60), CriterionInput("b", 40)]
    assert total_from_levels(criteria=criteria, levels={"a": Decimal("3"), "b": None}) == 60


def parts_of_100(draw, size):
    """``size`` positive amounts in hundredths adding up to exactly 100."""
    cuts = sorted(draw(st.lists(st.integers(1, 9999), min_size=size - 1, max_size=size - 1, unique=True)))
    bounds = [0, *cuts, 10000]
    return [Decimal(bounds[i + 1] - bounds[i]) / 100 for i in range(size)]


@st.composite
def projects(draw):
    mission_count = draw(st.integers(1, 8))
    criterion_count = draw(st.integers(1, 6))
    missions = [MissionInput(f"m{i}", p) for i, p in enumerate(parts_of_100(draw, mission_count))]
    criteria = [CriterionInput(f"c{i}", w) for i, w in enumerate(parts_of_100(draw, criterion_count))]
    indicators = [
        IndicatorInput(f"c{c}-{n}", f"c{c}", draw(st.integers(1, 5)))
        for c in range(criterion_count)
        for n in range(draw(st.integers(1, 3)))
    ]
    levels = {(m.key, i.key): draw(st.integers(0, 3)) for m in missions for i in indicators}
    return missions, criteria, indicators, levels


@settings(max_examples=150, deadline=None)
@given(projects())
def test_properties_of_the_total(project):
    missions, criteria, indicators, levels = project
    score = score_round(missions=missions, criteria=criteria, indicators=indicators, levels=levels)
    assert 0 <= score.total <= 100
    # Summing by criteria equals summing by missions.
    assert score.total == sum(Fraction(m.points) * score.mission_score[m.key] for m in missions) / 100
    assert score.total == sum(score.criterion_points.values())


@settings(max_examples=150, deadline=None)
@given(projects(), st.data())
def test_raising_one_cell_never_lowers_the_total(project, data):
    missions, criteria, indicators, levels = project
    before = score_round(missions=missions, criteria=criteria, indicators=indicators, levels=levels).total
    cell = data.draw(st.sampled_from(sorted(levels)))
    raised = dict(levels)
    raised[cell] = min(3, levels[cell] + data.draw(st.integers(1, 3)))
    after = score_round(missions=missions, criteria=criteria, indicators=indicators, levels=raised).total
    assert after >= before


@settings(max_examples=50, deadline=None)
@given(projects())
def test_all_threes_give_100_and_all_zeros_give_0(project):
    missions, criteria, indicators, levels = project
    threes = score_round(
        missions=missions, criteria=criteria, indicators=indicators, levels=dict.fromkeys(levels, 3)
    )
    zeros = score_round(
        missions=missions, criteria=criteria, indicators=indicators, levels=dict.fromkeys(levels, 0)
    )
    assert threes.total == 100 and zeros.total == 0
    targets = score_round(
        missions=missions,
        criteria=criteria,
        indicators=indicators,
        levels=levels,
        targets={c.key: 3 for c in criteria},
    )
    assert targets.target_total == 100
