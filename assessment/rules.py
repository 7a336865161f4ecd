"""The rules of steps 3–5 (docs/domain.md §2), as plain functions that return the
problems in words. Forms refuse input with these messages and the stepper
shows the first of them, so both always agree."""

from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal

from django.utils.translation import gettext as _

from assessment.models import MissionCategory

HUNDRED = Decimal(100)


def points_text(value: Decimal) -> str:
    """2 for 2.00, 4.29 for 4.29: how people write points."""
    value = Decimal(value).quantize(Decimal("0.01"))
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def difference_text(total: Decimal, target: Decimal) -> str:
    """``ขาดอีก 2 คะแนน`` / ``เกินมา 2 คะแนน`` / ``ครบ``."""
    difference = Decimal(target) - Decimal(total)
    if difference > 0:
        return _("%(points)s points short") % {"points": points_text(difference)}
    if difference < 0:
        return _("%(points)s points too many") % {"points": points_text(-difference)}
    return _("exact")


def budget_problems(budgets: Mapping[str, Decimal]) -> list[str]:
    problems = []
    if any(value is None or value < 0 for value in budgets.values()):
        problems.append(_("Category budgets cannot be negative."))
    elif budgets.get(MissionCategory.MAIN, 0) <= 0:
        problems.append(_("The main missions need a budget above 0."))
    total = sum((value or 0 for value in budgets.values()), Decimal(0))
    if total != HUNDRED:
        problems.append(
            _("The category budgets must add up to 100; they add up to %(total)s.")
            % {"total": points_text(total)}
        )
    return problems


def category_totals(rows: Iterable[tuple[str, Decimal]]) -> dict[str, Decimal]:
    totals = {category: Decimal(0) for category in MissionCategory.values}
    for category, points in rows:
        if category in totals and points is not None:
            totals[category] += Decimal(points)
    return totals


def mission_problems(budgets: Mapping[str, Decimal], rows: Sequence[tuple[str, Decimal]]) -> list[str]:
    """Problems with the missions of step 3: (category, points) per mission."""
    problems = []
    if not any(category == MissionCategory.MAIN for category, _points in rows):
        problems.append(_("Add at least one main mission."))
    if any(points is None or points <= 0 for _category, points in rows):
        problems.append(_("Every mission needs more than 0 points."))
    totals = category_totals(rows)
    for category in MissionCategory:
        budget = budgets.get(category.value, Decimal(0))
        if totals[category.value] != budget:
            problems.append(
                _("%(category)s: %(total)s of %(budget)s points — %(difference)s.")
                % {
                    "category": category.label,
                    "total": points_text(totals[category.value]),
                    "budget": points_text(budget),
                    "difference": difference_text(totals[category.value], budget),
                }
            )
    return problems


def weight_problems(weights: Sequence[Decimal | None]) -> list[str]:
    problems = []
    if any(weight is None for weight in weights):
        problems.append(_("Give every criterion a weight."))
    if any(weight is not None and weight <= 0 for weight in weights):
        problems.append(_("Every weight must be more than 0."))
    total = sum((weight for weight in weights if weight is not None), Decimal(0))
    if total != HUNDRED:
        problems.append(
            _("The weights must add up to exactly 100; they add up to %(total)s — %(difference)s.")
            % {"total": points_text(total), "difference": difference_text(total, HUNDRED)}
        )
    return problems


def indicator_problems(criteria_without_indicators: Sequence[str]) -> list[str]:
    if not criteria_without_indicators:
        return []
    return [
        _("These criteria have no indicator yet: %(criteria)s.")
        % {"criteria": ", ".join(criteria_without_indicators)}
    ]
