"""Pieces the project views share: the project frame (stepper) and the
conflict check of multi-user saves."""

from django.contrib.auth import get_user_model
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from assessment import concurrency
from assessment.access import can_edit, project_role
from assessment.models import (
    Assessment,
    Certificate,
    Decision,
    Indicator,
    Mission,
    Project,
    ProjectCriterion,
    ReviewCriterion,
)
from assessment.results import ProjectData
from assessment.services import latest_round
from assessment.steps import project_steps

HISTORY_MODELS = {
    1: [Project],
    2: [Project],
    3: [Project, Mission],
    4: [ProjectCriterion],
    5: [Indicator],
}


def later_steps(project: Project, data: ProjectData, latest):
    """Steps 7–9 are computed by the plans app, when it is installed."""
    from plans.steps import plan_steps

    return plan_steps(project=project, data=data, latest=latest)


def project_frame(
    request, project: Project, *, data: ProjectData | None = None, current_step: int | None = None
):
    """Context every project page shares: the stepper and what the user may do."""
    data = data or ProjectData.load(project)
    latest = latest_round(project)
    missing_cells = 0
    if latest is not None and not latest.is_complete:
        missing_cells = (
            latest.cells.filter(level__isnull=True).count()
            + latest.cells.filter(level__isnull=False, justification__regex=r"^\s*$").count()
        )
    steps = project_steps(data, latest, missing_cells, later_steps(project, data, latest))
    return {
        "review_comments": review_comments(project, current_step),
        "certificate": Certificate.objects.filter(project=project).first(),
        "project": project,
        "steps": steps,
        "current_step": current_step,
        "can_edit": can_edit(request.user, project),
        "role": project_role(request.user, project),
        "latest_round": latest,
    }


def review_comments(project: Project, step: int | None) -> dict | None:
    """While the committee has asked for changes, its comments on this step
    (and its overall comment on the project page)."""
    if project.status != Project.Status.CHANGES_REQUESTED:
        return None
    decision = (
        Decision.objects.filter(project=project, kind=Decision.Kind.REQUEST_CHANGES)
        .select_related("review")
        .order_by("-decided_at")
        .first()
    )
    if decision is None:
        return None
    rows = (
        ReviewCriterion.objects.filter(review=decision.review).exclude(comment="").select_related("criterion")
    )
    if step is not None:
        rows = rows.filter(step=step)
    return {"decision": decision, "overall": decision.review.overall_comment, "rows": list(rows)}


def conflict_changes(request, current: dict) -> list | None:
    """None when the step is unchanged since the form was loaded; otherwise
    the list of changes (possibly empty when the token is unusable)."""
    token = request.POST.get("snapshot", "")
    changes = concurrency.changes_since(token, current)
    if changes is None:
        return []
    return changes or None


def last_editor_since(project: Project, number: int, token: str, round_id=None) -> str:
    at = concurrency.token_time(token)
    since = parse_datetime(at) if at else None
    if since is None:
        return ""
    candidates = []
    if number == 6:
        record = (
            Assessment.history.filter(round_id=round_id, history_date__gt=since)
            .order_by("-history_date")
            .values_list("history_user_id", flat=True)
            .first()
        )
        candidates.append(record)
    for model in HISTORY_MODELS.get(number, []):
        lookup = {"id": project.pk} if model is Project else {"project_id": project.pk}
        candidates.append(
            model.history.filter(history_date__gt=since, **lookup)
            .order_by("-history_date")
            .values_list("history_user_id", flat=True)
            .first()
        )
    user_ids = [candidate for candidate in candidates if candidate]
    if not user_ids:
        return ""
    user = get_user_model().objects.filter(pk=user_ids[0]).first()
    return (user.get_full_name() or user.username) if user else ""


def conflict_message(editor: str) -> str:
    if editor:
        return _(
            "%(name)s saved this step while you were editing it, so your save was refused. "
            "What you typed is still in the form: compare it with the changes below, then save again."
        ) % {"name": editor}
    return _(
        "Someone else saved this step while you were editing it, so your save was refused. "
        "What you typed is still in the form: compare it with the changes below, then save again."
    )
