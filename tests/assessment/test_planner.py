"""The upgrade planner (assessment/planner.py): the fewest one-level steps to
the readiness threshold, the most points among plans of that size, checked
against every possible plan on small random projects, and against the
scoring engine; a project already ready; one that cannot get there; and the
time for 60 missions × 30 indicators."""

import itertools
import random
import time
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from assessment import planner, scoring

SHOWN = Fraction(1, 200)


def project(missions, criteria, indicators_per_criterion, levels):
    """Scoring inputs: missions' points, criteria's weights, indicators' weights."""
    m = [scoring.MissionInput(f"m{n}", points) for n, points in enumerate(missions)]
    c = [scoring.CriterionInput(f"c{n}", weight) for n, weight in enumerate(criteria)]
    i = [
        scoring.IndicatorInput(f"c{n}i{k}", f"c{n}", weight)
        for n, weights in enumerate(indicators_per_criterion)
        for k, weight in enumerate(weights)
    ]
    cells = [(mission.key, indicator.key) for mission in m for indicator in i]
    return m, c, i, dict(zip(cells, levels, strict=False))


def planned(missions, criteria, indicators, levels, min_total, min_level) -> planner.Plan:
    return planner.plan(
        missions=missions,
        criteria=criteria,
        indicators=indicators,
        levels=levels,
        min_total=min_total,
        min_level=min_level,
    )


def ready(score, criteria, min_total, min_level) -> bool:
    return score.total >= min_total - SHOWN and all(
        score.criterion_level[c.key] >= min_level - SHOWN for c in criteria
    )


def brute_force(missions, criteria, indicators, levels, min_total, min_level):
    """Every combination of raises: (fewest steps, most points) of the ready ones."""
    cells = [(m.key, i.key) for m in missions for i in indicators]
    best = None
    for targets in itertools.product(*[range(levels.get(cell) or 0, 4) for cell in cells]):
        after = dict(zip(cells, targets, strict=True))
        score = scoring.score_round(missions=missions, criteria=criteria, indicators=indicators, levels=after)
        if not ready(score, criteria, min_total, min_level):
            continue
        steps = sum(target - (levels.get(cell) or 0) for cell, target in zip(cells, targets, strict=True))
        key = (steps, -score.total)
        if best is None or key < best:
            best = key
    return best


small = st.tuples(
    st.lists(st.integers(1, 60), min_size=1, max_size=3),  # missions' points
    st.lists(st.integers(0, 60), min_size=1, max_size=2),  # criteria's weights
    st.integers(1, 2),  # indicators per criterion
    st.lists(st.one_of(st.none(), st.integers(0, 3)), min_size=8, max_size=8),
    st.sampled_from([Fraction(50), Fraction(70), Fraction(9001, 100)]),
    st.sampled_from([Fraction(1), Fraction(2), Fraction(5, 2)]),
    st.lists(st.integers(1, 3), min_size=4, max_size=4),  # indicators' weights
)


@settings(max_examples=80, deadline=None)
@given(small)
def test_the_plan_is_the_fewest_steps_with_the_most_points(case):
    points, weights, per_criterion, cells, min_total, min_level, indicator_weights = case
    if len(points) * len(weights) * per_criterion > 6:  # brute force stays small: 4^6 plans
        per_criterion = 1
    shapes = [indicator_weights[n * 2 : n * 2 + per_criterion] for n in range(len(weights))]
    missions, criteria, indicators, levels = project(points, weights, shapes, cells)
    found = planned(missions, criteria, indicators, levels, min_total, min_level)
    best = brute_force(missions, criteria, indicators, levels, min_total, min_level)
    assert found.reachable == (best is not None)
    if best is not None:
        assert (found.step_count, -found.score.total) == best
        assert ready(found.score, criteria, min_total, min_level)
    # The engine's score of the levels after, and the steps' own sum, agree.
    current = scoring.score_round(missions=missions, criteria=criteria, indicators=indicators, levels=levels)
    if found.reachable:
        assert current.total + sum(step.points for step in found.steps) == found.score.total


def test_the_remaining_steps_go_where_they_add_most():
    """Past each criterion's minimum, the steps that add the most points come
    first, wherever they are in the grid: here the second mission's."""
    missions, criteria, indicators, levels = project([20, 80], [50, 50], [[1], [1]], [1, 1, 1, 1])
    found = planned(missions, criteria, indicators, levels, Fraction(60), Fraction(1))
    # 33.33 now; each step of mission 2 adds 13.33, of mission 1 3.33: two of mission 2's.
    assert found.step_count == 2 and {r.mission for r in found.raises} == {"m1"}
    assert brute_force(missions, criteria, indicators, levels, Fraction(60), Fraction(1))[0] == 2


def test_a_ready_project_needs_no_step():
    missions, criteria, indicators, levels = project([60, 40], [50, 50], [[1], [1]], [3, 2, 2, 3])
    found = planned(missions, criteria, indicators, levels, Fraction(70), Fraction(2))
    assert found.reachable and found.steps == () and found.raises == ()


def test_a_threshold_out_of_reach_shows_the_best_reachable():
    # A criterion without weight in the total but with indicators: fine; the
    # total cannot pass 100, so 100.01 is out of reach.
    missions, criteria, indicators, levels = project([100], [100], [[1, 1]], [0, 1])
    found = planner.plan(
        missions=missions,
        criteria=criteria,
        indicators=indicators,
        levels=levels,
        min_total=Fraction(10001, 100),
        min_level=Fraction(2),
    )
    assert not found.reachable
    assert found.score.total == 100 and found.step_count == 5
    assert [(r.start, r.end) for r in found.raises] == [(0, 3), (1, 3)]


def test_sixty_missions_and_thirty_indicators_in_under_a_second():
    rng = random.Random(26)
    missions = [scoring.MissionInput(f"m{n}", Fraction(100, 60)) for n in range(60)]
    criteria = [
        scoring.CriterionInput(f"c{n}", weight) for n, weight in enumerate([20, 15, 15, 10, 10, 10, 10, 10])
    ]
    indicators = [scoring.IndicatorInput(f"i{n}", f"c{n % 8}", rng.randint(1, 3)) for n in range(30)]
    levels = {(m.key, i.key): rng.choice([0, 0, 1, 1, 2, None]) for m in missions for i in indicators}
    # The planner's own CPU time: the suite's other worker shares the two
    # cores, so the wall clock says more about the machine than the planner.
    started = time.process_time()
    found = planned(missions, criteria, indicators, levels, Fraction(70), Fraction(2))
    elapsed = time.process_time() - started
    assert found.reachable and found.step_count > 1000
    assert elapsed < 1.0, elapsed
