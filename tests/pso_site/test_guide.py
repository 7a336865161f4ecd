"""The user guide: a page per role in Thai and English, public, and every
picture it shows exists (``make screenshots`` takes them from the demo and
from the first project it types in). The agency's page walks that first
project: its worked example is what the scoring engine computes, and it
promises nothing about typed work that the product does not do."""

import html
import importlib.util
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.urls import reverse

from assessment.scoring import CriterionInput, IndicatorInput, MissionInput, score_round, to_display
from pso_site.views import GUIDE_ROLES

pytestmark = pytest.mark.django_db

LANGUAGES = ["th", "en"]

# A promise that typed work can never be lost. The product does not make it:
# a person who leaves a page after answering the browser's warning, or who is
# signed out after a long pause, loses what was not saved. The guide says what
# the product does instead (drafts, the warning, the conflict page that keeps
# what was typed). Lift a phrase from here only with a test that the product
# keeps that promise.
NEVER_LOST = [
    r"\bnever (?:lose|loses|lost)\b",
    r"\b(?:is|are|gets?) never lost\b",
    r"\bnothing (?:is |gets )?lost\b",
    r"\bloses? nothing\b",
    r"\b(?:is|are) not lost\b",
    r"\bwithout (?:ever )?losing\b",
    r"ไม่\S{0,30}(?:หาย|สูญ)",
    r"ไม่มีวัน\S{0,30}(?:หาย|สูญ)",
]


def guide_page(client, role: str, language: str) -> str:
    client.cookies["django_language"] = language
    response = client.get(reverse("guide", args=[role]))
    assert response.status_code == 200
    return response.content.decode()


def article_text(page: str) -> str:
    """The guide's own words: the article, without its tags."""
    article = page.split('<article class="col-lg-9 guide">', 1)[1].split("</article>", 1)[0]
    return html.unescape(re.sub(r"<[^>]+>", " ", article))


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("role", sorted(GUIDE_ROLES))
def test_every_guide_page_shows_and_its_pictures_exist(client, role, language):
    page = guide_page(client, role, language)
    assert f'lang="{language}"' in page
    pictures = re.findall(r'src="/static/(guide/[^"]+\.png)"', page)
    assert pictures, "a guide page without pictures"
    missing = [picture for picture in pictures if finders.find(picture) is None]
    assert not missing, f"run `make screenshots`: {missing}"


def test_the_guide_starts_with_the_agencies_and_refuses_unknown_roles(client):
    assert "สำนักงานจังหวัดลำปาง" in client.get(reverse("guide_home")).content.decode()
    assert client.get(reverse("guide", args=["nobody"])).status_code == 404


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("role", sorted(GUIDE_ROLES))
def test_the_guide_never_promises_that_typed_work_cannot_be_lost(client, role, language):
    text = article_text(guide_page(client, role, language))
    promises = [match.group(0) for pattern in NEVER_LOST for match in re.finditer(pattern, text, re.I)]
    assert not promises, f"the guide promises what the product does not keep: {promises}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_agency_guide_walks_a_new_project_in_its_pictures(client, language):
    page = guide_page(client, "agency", language)
    shown = set(re.findall(r'src="/static/guide/[a-z]+/([a-z0-9-]+)\.png"', page))
    first_project = {"new-create", "new-project", "new-step1", "new-step3", "new-grid", "new-results"}
    assert first_project <= shown, f"pictures of the first project not shown: {first_project - shown}"
    for anchor in ("create", "stepper", "score", "step-9", "excel", "saving", "returned"):
        assert f'id="{anchor}"' in page


def screenshots_script():
    """``scripts/screenshots.py``, which types the guide's example in."""
    path = Path(settings.BASE_DIR) / "scripts" / "screenshots.py"
    spec = importlib.util.spec_from_file_location("guide_screenshots", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def shown(value) -> str:
    return f"{to_display(value):.2f}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_worked_example_is_what_the_scoring_engine_computes(client, language):
    """The numbers the guide works out by hand are those the scoring engine
    gives for the project ``make screenshots`` types in (and photographs)."""
    script = screenshots_script()
    missions = [
        MissionInput(key=code, points=Decimal(points))
        for code, _name, _category, points, _unit in script.EXAMPLE[language]["missions"]
    ]
    criteria = [CriterionInput(key=code, weight=Decimal(weight)) for code, weight in script.WEIGHTS.items()]
    # The grid's columns: two indicators of outputs, then one per criterion.
    columns = ["outputs", "outputs", "outcomes", "ultimate_outcomes", "prevention"]
    indicators = [IndicatorInput(key=str(i), criterion=code) for i, code in enumerate(columns)]
    levels = {
        (mission.key, str(i)): level
        for mission, row in zip(missions, script.LEVELS, strict=True)
        for i, level in enumerate(row)
    }
    targets = {"outputs": 3, "outcomes": 2, "ultimate_outcomes": 2, "prevention": 2}
    score = score_round(
        missions=missions, criteria=criteria, indicators=indicators, levels=levels, targets=targets
    )
    expected = {shown(score.total), shown(score.target_total)}
    expected |= {shown(level) for level in score.criterion_level.values()}
    expected |= {shown(points) for points in score.criterion_points.values()}
    expected |= {shown(value) for value in score.mission_score.values()}
    expected |= {shown(item.points_lost) for item in score.shortfall("ultimate_outcomes")}
    text = article_text(guide_page(client, "agency", language))
    missing = sorted(number for number in expected if number not in text)
    assert not missing, f"the guide's worked example disagrees with the scoring engine: {missing}"
    assert shown(score.total) == "61.67"
