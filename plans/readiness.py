"""Step 9: the readiness checklist, computed from the data. Each item says
whether it blocks the request and links to where it is fixed."""

from dataclasses import dataclass

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from assessment import results
from assessment.models import Assessment
from assessment.services import latest_round
from assessment.steps import COMPLETE, project_steps
from plans.models import Activity, ProgressUpdate
from plans.selectors import project_activities


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


def project_readiness(project, *, data=None, steps=None, activities=None) -> Readiness:
    from plans.steps import plan_steps

    data = data or results.ProjectData.load(project)
    latest = latest_round(project)
    if steps is None:
        steps = project_steps(
            data, latest, 0, plan_steps(project=project, data=data, latest=latest, include_step9=False)
        )
    activities = list(project_activities(project)) if activities is None else activities
    items = []
    for step in steps[:7]:
        items.append(
            ReadinessItem(
                label=_("Step %(number)s: %(name)s is complete") % {"number": step.number, "name": step.name},
                ok=step.state == COMPLETE,
                blocking=True,
                url=step.url,
                detail=step.missing,
            )
        )
    round_url = reverse("assessment:round_current", args=[project.pk])
    if latest is None:
        items.append(ReadinessItem(_("The latest assessment round is complete"), False, True, round_url))
    else:
        missing = Assessment.objects.filter(round=latest, level__isnull=True).count()
        unjustified = Assessment.objects.filter(round=latest, justification__regex=r"^\s*$").count()
        detail = ""
        if missing or unjustified:
            detail = _("%(missing)s cells without a level, %(unjustified)s without a justification.") % {
                "missing": missing,
                "unjustified": unjustified,
            }
        items.append(
            ReadinessItem(
                _("Round %(number)s is complete with a justification in every cell")
                % {"number": latest.number},
                not missing and not unjustified,
                True,
                reverse("assessment:round", args=[project.pk, latest.number]),
                detail,
            )
        )
        score = data.with_round(latest).score()
        threshold = results.readiness(data, score)
        results_url = reverse("assessment:results", args=[project.pk])
        items.append(
            ReadinessItem(
                _("Total score at least %(minimum)s (configured for this standard)")
                % {"minimum": threshold.min_total},
                threshold.total_ok,
                True,
                results_url,
                _("Total now %(total)s.") % {"total": results.display(score.total)},
            )
        )
        items.append(
            ReadinessItem(
                _("Every criterion at level %(minimum)s or above (configured for this standard)")
                % {"minimum": threshold.min_level},
                not threshold.criteria_below,
                True,
                results_url,
                ", ".join(
                    f"{c.name} {results.display(score.criterion_level[c.code])}"
                    for c in threshold.criteria_below
                ),
            )
        )
    step8_url = reverse("assessment:step", args=[project.pk, 8])
    blocked = [
        a
        for a in activities
        if a.latest_status == ProgressUpdate.Status.BLOCKED and not (a.latest_note or "").strip()
    ]
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
            _("No activity is overdue"),
            not overdue,
            False,
            step8_url,
            ", ".join(a.title for a in overdue),
        )
    )
    return Readiness(items)
