"""Steps 7–8 in the project archive: plans with their criteria, activities,
progress updates and their evidence files. The shape is ``PlanPart``; the
archive (``certification.archive``) puts it beside steps 1–6."""

import datetime
from decimal import Decimal
from typing import Annotated, Literal

from django.db.models import Prefetch
from django.utils.translation import gettext as _
from pydantic import Field, StringConstraints

from assessment.document import Code, FilePart, Order, Person, iso
from assessment.exchange import Imported, file_entry, store_file
from assessment.people import People
from plans.models import Activity, ActivityEvidence, Plan, ProgressUpdate
from plans.services import agency_members, responsible_kept
from pso_site.lib.schema import LongText, Moment, Name, ShortText, Strict, Text

Baht = Annotated[Decimal, Field(ge=0, max_digits=14, decimal_places=2)]


class UpdatePart(Strict):
    status: Literal["not_started", "in_progress", "done", "blocked"]
    percent: Annotated[int, Field(ge=0, le=100)]
    date: datetime.date
    note: Text = ""
    created_by: Person | None = None
    created_at: Moment | None = None
    evidence: Annotated[list[FilePart], Field(max_length=100)] = []


class ActivityPart(Strict):
    title: Name
    description: Text = ""
    responsible: Person | None = None
    responsible_name: Annotated[ShortText, StringConstraints(max_length=200)] = ""
    responsible_position: Annotated[ShortText, StringConstraints(max_length=200)] = ""
    phase: Literal["short", "medium", "long"]
    start_date: datetime.date
    end_date: datetime.date | None = None
    budget: Baht | None = None
    expected_result: Text = ""
    order: Order = 0
    updates: Annotated[list[UpdatePart], Field(max_length=1000)] = []


class PlanPart(Strict):
    name: Name
    approach: LongText = ""
    order: Order = 0
    criteria: Annotated[list[Code], Field(max_length=100)] = []
    activities: Annotated[list[ActivityPart], Field(max_length=500)] = []


def plans_export(project, people: People, files: dict) -> list[dict]:
    evidence = Prefetch(
        "evidence",
        queryset=ActivityEvidence.objects.select_related("uploaded_by").order_by("uploaded_at", "pk"),
    )
    updates = Prefetch(
        "updates",
        queryset=ProgressUpdate.objects.select_related("created_by")
        .order_by("date", "created_at", "pk")
        .prefetch_related(evidence),
    )
    activities = Prefetch(
        "activities",
        queryset=Activity.objects.select_related("responsible_user")
        .order_by("start_date", "order", "pk")
        .prefetch_related(updates),
    )
    plans = (
        Plan.objects.filter(project=project).order_by("order", "pk").prefetch_related("criteria", activities)
    )

    def update_entry(update) -> dict:
        entry = {
            "status": update.status,
            "percent": update.percent,
            "date": iso(update.date),
            "note": update.note,
            "created_by": people.ref(update, "created_by"),
            "created_at": iso(update.created_at),
        }
        stored = list(update.evidence.all())
        if stored:
            entry["evidence"] = [file_entry(item, people, files) for item in stored]
        return entry

    return [
        {
            "name": plan.name,
            "approach": plan.approach,
            "order": plan.order,
            "criteria": sorted(criterion.code for criterion in plan.criteria.all()),
            "activities": [
                {
                    "title": activity.title,
                    "description": activity.description,
                    "responsible": people.ref(activity, "responsible_user"),
                    "responsible_name": activity.responsible_name,
                    "responsible_position": activity.responsible_position,
                    "phase": activity.phase,
                    "start_date": iso(activity.start_date),
                    "end_date": iso(activity.end_date),
                    "budget": None if activity.budget is None else f"{activity.budget:.2f}",
                    "expected_result": activity.expected_result,
                    "order": activity.order,
                    "updates": [update_entry(update) for update in activity.updates.all()],
                }
                for activity in plan.activities.all()
            ],
        }
        for plan in plans
    ]


def plans_problems(plans: list[PlanPart], criterion_codes: set[str], files: dict) -> list[str]:
    problems = []
    for p_index, plan in enumerate(plans):
        for code in set(plan.criteria) - criterion_codes:
            problems.append(
                _("plans[%(index)s].criteria: %(code)s is not a criterion of this standard.")
                % {"index": p_index, "code": code}
            )
        for a_index, activity in enumerate(plan.activities):
            where = f"plans[{p_index}].activities[{a_index}]"
            if activity.end_date is not None and activity.end_date < activity.start_date:
                problems.append(_("%(where)s: the end date is before the start date.") % {"where": where})
            if activity.end_date is None and activity.phase != "long":
                problems.append(
                    _("%(where)s: only a long-term activity may have no end date.") % {"where": where}
                )
            for u_index, update in enumerate(activity.updates):
                for f_index, part in enumerate(update.evidence):
                    if part.sha256 not in files and not part.missing:
                        problems.append(
                            _("%(where)s: the file %(sha)s is not in the archive.")
                            % {"where": f"{where}.updates[{u_index}].evidence[{f_index}]", "sha": part.sha256}
                        )
    return problems


def plans_import(plans: list[PlanPart], imported: Imported, files: dict) -> None:
    """Create the plans of an archive (callers hold the transaction)."""
    people = imported.people
    members = agency_members(imported.project)
    for item in plans:
        plan = Plan.objects.create(
            project=imported.project, name=item.name, approach=item.approach, order=item.order
        )
        plan.criteria.set([imported.criteria[code] for code in item.criteria])
        for activity_item in item.activities:
            responsible, name = responsible_kept(
                people.user(activity_item.responsible), activity_item.responsible_name, members
            )
            activity = Activity.objects.create(
                plan=plan,
                title=activity_item.title,
                description=activity_item.description,
                responsible_user=responsible,
                responsible_name=name,
                responsible_position=activity_item.responsible_position,
                phase=activity_item.phase,
                start_date=activity_item.start_date,
                end_date=activity_item.end_date,
                budget=activity_item.budget,
                expected_result=activity_item.expected_result,
                order=activity_item.order,
            )
            people.note(activity, "responsible_user", activity_item.responsible)
            for update_item in activity_item.updates:
                update = ProgressUpdate.objects.create(
                    activity=activity,
                    status=update_item.status,
                    percent=update_item.percent,
                    date=update_item.date,
                    note=update_item.note,
                    created_by=people.user(update_item.created_by),
                )
                if update_item.created_at is not None:
                    ProgressUpdate.objects.filter(pk=update.pk).update(created_at=update_item.created_at)
                people.note(update, "created_by", update_item.created_by)
                for part in update_item.evidence:
                    store_file(ActivityEvidence, files=files, part=part, people=people, update=update)
