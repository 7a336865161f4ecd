"""The acceptance test: the Lampang example computed through the app
(demo import, then export) gives exactly the reference's expected block."""

import pytest
from django.contrib.auth import get_user_model

from agencies.demo import demo_agencies_seed, demo_users_seed
from assessment.demo import demo_lampang_project_seed, reference
from assessment.exchange import project_export, project_import
from plans.demo import demo_lampang_plan_seed

pytestmark = pytest.mark.django_db


@pytest.fixture
def lampang(catalogue):
    demo_users_seed(password="pw", agencies=demo_agencies_seed())
    return demo_lampang_project_seed()


@pytest.fixture
def lampang_editor(lampang):
    return get_user_model().objects.get(username="lampang_editor")


def assert_matches_reference(results):
    expected = reference()["expected"]
    assert results["total"] == expected["total_score"] == "40.93"
    assert results["criterion_level"] == expected["criterion_level"]
    assert results["criterion_points"] == expected["criterion_points"]
    assert results["mission_score"] == expected["mission_score"]


def test_lampang_baseline_gives_the_expected_scores(lampang):
    document = project_export(lampang)
    assert_matches_reference(document["results"]["1"])


def test_lampang_target_total_is_96_67_once_targets_exist(lampang, lampang_editor):
    demo_lampang_plan_seed(lampang, user=lampang_editor)
    document = project_export(lampang)
    assert_matches_reference(document["results"]["1"])
    assert (
        document["results"]["1"]["target_total"] == reference()["expected"]["target_total_score"] == "96.67"
    )
    # The second round shows the improvement and meets the default thresholds.
    assert document["results"]["2"]["total"] == "86.67"


def test_lampang_round_trips_through_import(lampang):
    document = project_export(lampang)
    copy = project_import(document, fiscal_year=2004)
    assert_matches_reference(project_export(copy)["results"]["1"])


def test_seeding_twice_changes_nothing(lampang):
    assert demo_lampang_project_seed().pk == lampang.pk
    assert lampang.rounds.count() == 1
