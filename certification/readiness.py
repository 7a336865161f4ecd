"""Step 9: the readiness checklist, computed from the project's state. Each
item says whether it blocks the request and links to where it is fixed."""

from dataclasses import dataclass
from decimal import Decimal

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from assessment import results
from assessment.frame import COMPLETE, IN_PROGRESS, NOT_STARTED, PROBLEM, StepDefinition
from assessment.models import Project
from plans.models import Activity, ProgressUpdate
from plans.steps import blocked_without_note, plan_data


@dataclass
class ReadinessItem:
    label: str
    ok: bool
    blocking: bool
    url: str
    detail: str = ""

    @property
    def is_warning(self) -> bool:
        return not self.ok and not self.blocking


@dataclass
class Readiness:
    items: list[ReadinessItem]

    @property
    def blocking(self) -> list[ReadinessItem]:
        return [item for item in self.items if item.blocking and not item.ok]

    @property
    def warnings(self) -> list[ReadinessItem]:
        return [item for item in self.items if item.is_warning]

    @property
    def ready(self) -> bool:
        return not self.blocking


def project_readiness(state) -> Readiness:
    return state.memo("readiness", lambda: _readiness(state))


def _readiness(state) -> Readiness:
    """The checklist: steps 1–7, the latest round and its threshold, then
    the plan's activities (some items only inform, they do not block)."""
    return Readiness([*_step_items(state), *_round_items(state), *_plan_items(state)])


def _step_items(state) -> list[ReadinessItem]:
    return [
        ReadinessItem(
            label=_("Step %(number)s: %(name)s is complete") % {"number": step.number, "name": step.name},
            ok=step.state == COMPLETE,
            blocking=True,
            url=step.url,
            detail=step.missing,
        )
        for step in (state.step(number) for number in range(1, 8))
        if step is not None
    ]


def _round_items(state) -> list[ReadinessItem]:
    """The latest round complete and justified, its total and every
    criterion at the standard's thresholds."""
    project = state.project
    latest = state.latest_round
    if latest is None:
        return [
            ReadinessItem(
                _("The latest assessment round is complete"),
                False,
                True,
                reverse("assessment:round_current", args=[project.pk]),
            )
        ]
    items = []
    missing, unjustified, carried = state.open_cells
    detail = ""
    if missing or unjustified:
        detail = _("%(missing)s cells without a level, %(unjustified)s without a justification.") % {
            "missing": missing,
            "unjustified": unjustified,
        }
    if carried:
        detail = (detail + " " if detail else "") + _(
            "%(count)s justifications carried over from the last cycle still to confirm or rewrite."
        ) % {"count": carried}
    items.append(
        ReadinessItem(
            _("Round %(number)s is complete with a justification in every cell") % {"number": latest.number},
            not missing and not unjustified and not carried,
            True,
            reverse("assessment:round", args=[project.pk, latest.number]),
            detail,
        )
    )
    # The levels the round stored when it was saved (computed by the
    # scoring engine then): no recomputing on every page.
    levels = {code: Decimal(value) for code, value in latest.criterion_levels.items()}
    threshold = results.readiness_of_levels(state.data, total=latest.total_score, levels=levels)
    results_url = reverse("assessment:results", args=[project.pk])
    items.append(
        ReadinessItem(
            _("Total score at least %(minimum)s (configured for this standard)")
            % {"minimum": threshold.min_total},
            threshold.total_ok,
            True,
            results_url,
            _("Total now %(total)s.") % {"total": results.display(latest.total_score)},
        )
    )
    items.append(
        ReadinessItem(
            _("Every criterion at level %(minimum)s or above (configured for this standard)")
            % {"minimum": threshold.min_level},
            not threshold.criteria_below,
            True,
            results_url,
            ", ".join(f"{c.name} {levels.get(c.code, Decimal(0)):.2f}" for c in threshold.criteria_below),
        )
    )
    return items


def _plan_items(state) -> list[ReadinessItem]:
    """Step 8 and the activities: only a blocked activity without a note
    blocks the request."""
    items = []
    activities = plan_data(state).activities
    step8_url = reverse("plans:step", args=[state.project.pk, 8])
    step8 = state.step(8)
    if step8 is not None:
        # Step 8's own state, said here too (it does not block the request):
        # the checklist and the step never disagree.
        items.append(
            ReadinessItem(
                _("Step %(number)s: %(name)s is complete") % {"number": step8.number, "name": step8.name},
                step8.state == COMPLETE,
                False,
                step8.url,
                step8.missing,
            )
        )
    blocked = blocked_without_note(activities)
    items.append(
        ReadinessItem(
            _("No activity is blocked without a note"),
            not blocked,
            True,
            step8_url,
            ", ".join(a.title for a in blocked),
        )
    )
    open_later = [
        a
        for a in activities
        if a.phase in (Activity.Phase.MEDIUM, Activity.Phase.LONG)
        and a.latest_status != ProgressUpdate.Status.DONE
    ]
    items.append(
        ReadinessItem(
            _("Medium- and long-term activities still running (they do not block the request)"),
            not open_later,
            False,
            step8_url,
            _("%(count)s activities open.") % {"count": len(open_later)} if open_later else "",
        )
    )
    today = timezone.localdate()
    overdue = [a for a in activities if a.is_overdue(today, a.latest_status)]
    items.append(
        ReadinessItem(
            _("No activity is overdue"), not overdue, False, step8_url, ", ".join(a.title for a in overdue)
        )
    )
    return items


def step9(state) -> tuple[str, str]:
    if state.project.status not in Project.EDITABLE_STATUSES:
        return COMPLETE, ""
    readiness = project_readiness(state)
    if readiness.ready:
        return IN_PROGRESS, _("Ready: the agency head can submit the request.")
    step7 = state.step(7)
    started = step7 is None or step7.state != NOT_STARTED
    return (
        PROBLEM if started else NOT_STARTED,
        _("%(count)s items block the request.") % {"count": len(readiness.blocking)},
    )


STEP = StepDefinition(9, lambda project: reverse("certification:step9", args=[project.pk]), step9)
