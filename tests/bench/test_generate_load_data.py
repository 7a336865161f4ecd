"""``manage.py generate_load_data``: fast, marked, safe to run twice, and
its data obeys the app's own rules and scores."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from agencies.models import Agency, InstituteRole
from assessment import results, rules
from assessment.models import Assessment, AssessmentRound, Mission, Project
from bench.generator.loadgen import TOTP_KEY, generated_agencies, real_projects
from certification.models import Certificate, CertificateSequence, IssuedDossier

pytestmark = pytest.mark.django_db

SMALL = {
    "agencies": 3,
    "projects_per_agency": 2,
    "missions": 4,
    "indicators": 10,
    "rounds": 2,
    "verbosity": 0,
}


def test_twice_is_safe_and_adds_more(catalogue):
    call_command("generate_load_data", **SMALL)
    call_command("generate_load_data", **SMALL, seed=2)
    assert generated_agencies().count() == 6
    assert sorted(Agency.objects.values_list("code", flat=True)) == [f"gen-{n:06d}" for n in range(1, 7)]
    assert Project.objects.count() == 12
    assert AssessmentRound.objects.count() == 24
    assert Assessment.objects.count() == 24 * 4 * 10
    numbers = list(Certificate.objects.values_list("number", flat=True))
    assert len(numbers) == len(set(numbers))
    for sequence in CertificateSequence.objects.all():
        issued = Certificate.objects.filter(
            number__startswith=f"PSO-{sequence.standard_code}-{sequence.year_be}-"
        )
        assert sequence.last == issued.count()  # the next real certificate gets a fresh number
    assert InstituteRole.objects.filter(user__username__startswith="gen-committee-").count() == 20
    # The institute's people sign in in two steps, with the key the load bench knows.
    people = InstituteRole.objects.filter(user__username__startswith="gen-").values_list("user", flat=True)
    assert TOTPDevice.objects.filter(user__in=people, key=TOTP_KEY).count() == len(people) == 40


def test_generated_projects_obey_the_rules_and_their_scores_are_the_engines(catalogue):
    call_command("generate_load_data", **SMALL)
    for project in Project.objects.prefetch_related("criteria"):
        budgets = {
            "main": project.main_budget,
            "secondary": project.secondary_budget,
            "support": project.support_budget,
        }
        rows = list(Mission.objects.filter(project=project).values_list("category", "points"))
        assert rules.mission_problems(budgets, rows) == []
        assert rules.weight_problems([c.weight for c in project.criteria.all()]) == []
        for assessment_round in project.rounds.all():
            score = results.round_score(assessment_round)
            assert results.display(score.total) == assessment_round.total_score
            assert assessment_round.criterion_levels == {
                key: str(results.display(level)) for key, level in score.criterion_level.items()
            }
    submitted = Project.objects.exclude(status=Project.Status.DRAFT)
    assert IssuedDossier.objects.filter(project__in=submitted).count() == submitted.count()


def test_a_generated_person_signs_in_and_reads_a_project(catalogue, client):
    call_command("generate_load_data", **SMALL, password="ทดสอบ-load")
    signed_in = client.post(reverse("login"), {"username": "gen-000001-editor", "password": "ทดสอบ-load"})
    assert signed_in.status_code == 302
    project = Project.objects.filter(agency__code="gen-000001").first()
    for url in (
        reverse("assessment:results", args=[project.pk]),
        reverse("assessment:round", args=[project.pk, 2]),
    ):
        assert client.get(url).status_code == 200


def test_refuses_a_database_with_real_projects_unless_told(catalogue, project):
    with pytest.raises(CommandError, match="not generated"):
        call_command("generate_load_data", **SMALL)
    call_command("generate_load_data", **SMALL, allow_real_data=True)
    assert generated_agencies().count() == 3


def test_refuses_a_size_that_cannot_be_a_project(catalogue):
    with pytest.raises(CommandError, match="3 missions"):
        call_command("generate_load_data", **{**SMALL, "missions": 2})


def test_the_committee_reviews_a_generated_submission(catalogue, client):
    call_command("generate_load_data", **{**SMALL, "agencies": 10})
    client.force_login(get_user_model().objects.get(username="gen-committee-1"))
    for project in Project.objects.filter(status__in=["submitted", "under_review"]):
        assert client.get(reverse("certification:review", args=[project.pk])).status_code == 200


@pytest.mark.django_db(transaction=True)  # the demo's commits enqueue its e-mails
def test_the_demo_loads_beside_generated_data(catalogue, settings):
    """The demo's submission e-mails the generated committee (on the "mail" queue)."""
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default", "mail"]}
    }
    call_command("generate_load_data", **SMALL)
    call_command("seed_demo", password="demo-pass-1234", stdout=io.StringIO())
    assert real_projects().exists()
