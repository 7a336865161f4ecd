"""Loading the P.S.O. catalogue (standards, criteria, outcomes, categories,
steps) from the JSON file shipped in ``agencies/data/standards.json``."""

import json
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from django.core.cache import cache
from django.db import transaction

from agencies.models import Criterion, MissionCategory, Standard, Step, UltimateOutcome

CATALOGUE_FILE = Path(__file__).resolve().parent / "data" / "standards.json"
STEPS_CACHE_KEY = "pso:catalogue:steps"
STEPS_CACHE_SECONDS = 300
STANDARDS_CACHE_KEY = "pso:catalogue:standards"


def catalogue_steps() -> dict[int, Step]:
    """The nine steps by number. Every project page shows them, so they are
    cached; a change in the admin clears the cache (``AgenciesConfig.ready``),
    other server processes see it within five minutes."""
    return cache.get_or_set(
        STEPS_CACHE_KEY, lambda: {step.number: step for step in Step.objects.all()}, STEPS_CACHE_SECONDS
    )


def forget_catalogue_steps(**kwargs) -> None:
    cache.delete(STEPS_CACHE_KEY)


def catalogue_standards() -> list[Standard]:
    """The standards in code order. Every list page offers them as a filter:
    kept as the steps are, and forgotten when one is saved or deleted."""
    return cache.get_or_set(
        STANDARDS_CACHE_KEY, lambda: list(Standard.objects.order_by("code")), STEPS_CACHE_SECONDS
    )


def forget_catalogue_standards(**kwargs) -> None:
    cache.delete(STANDARDS_CACHE_KEY)


@dataclass
class LoadSummary:
    created: int = 0
    updated: int = 0


def read_catalogue(path: Path = CATALOGUE_FILE) -> dict:
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


@transaction.atomic
def catalogue_load(*, data: dict, overwrite: bool = False) -> LoadSummary:
    """Create what the catalogue lacks; with ``overwrite``, also reset names,
    order and flags from the file.

    Without ``overwrite`` the standards administrator's edits (names,
    thresholds) survive a reload, which ``make run`` does every time.
    """
    summary = LoadSummary()

    def put(model, lookup: dict, values: dict):
        if overwrite:
            obj, created = model.objects.update_or_create(**lookup, defaults=values)
        else:
            obj, created = model.objects.get_or_create(**lookup, defaults=values)
        if created:
            summary.created += 1
        elif overwrite:
            summary.updated += 1
        return obj

    for order, item in enumerate(data["ultimate_outcomes"], start=1):
        put(
            UltimateOutcome,
            {"code": item["code"]},
            {"name_th": item["name_th"], "name_en": item["name_en"], "order": order},
        )
    for order, item in enumerate(data["mission_categories"], start=1):
        put(
            MissionCategory,
            {"code": item["code"]},
            {
                "name_th": item["name_th"],
                "name_en": item["name_en"],
                "default_budget": Decimal(str(item["default_budget"])),
                "order": order,
            },
        )
    for item in data["steps"]:
        put(
            Step,
            {"number": item["number"]},
            {
                "name_th": item["name_th"],
                "name_en": item["name_en"],
                "guidance_th": item.get("guidance_th", ""),
                "guidance_en": item.get("guidance_en", ""),
            },
        )
    for item in data["standards"]:
        standard = put(
            Standard,
            {"code": item["code"]},
            {"part": item["part"], "name_th": item["name_th"], "name_en": item["name_en"]},
        )
        for order, criterion in enumerate(item["criteria"], start=1):
            put(
                Criterion,
                {"standard": standard, "code": criterion["code"]},
                {
                    "name_th": criterion["name_th"],
                    "name_en": criterion["name_en"],
                    "order": order,
                    "provisional": criterion["provisional"],
                },
            )
    return summary
