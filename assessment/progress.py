"""Where a project stands in the nine steps (and its target total), stored with the project so that
lists of many projects show it without computing every step of each.

``progress_store`` runs inside every write of project data (the one write
path, ``assessment.writes.project_for_write``) and after submissions and
decisions, from the same step states the project's pages show
(``assessment.frame``). ``manage.py progress_refresh`` recomputes it for
projects written before it existed or loaded by other means."""

from django.contrib.auth.models import AnonymousUser
from django.utils import timezone, translation

from assessment.frame import ProjectState, step_missing
from assessment.models import Project


def progress_of(project: Project) -> dict:
    """The number of complete steps, the first step that is not, and what it
    still misses (in Thai and English), from the project's stored data."""
    state = ProjectState(project, AnonymousUser())
    with translation.override("th"):
        steps = state.steps
        pending = next((step for step in steps if not step.is_complete), None)
        missing_th = str(pending.missing) if pending else ""
    missing_en = ""
    if pending is not None:
        with translation.override("en"):
            missing_en = str(step_missing(state, pending.number))
    score = state.latest_score
    target = score.target_total if score is not None else None
    return {
        # The scoring module's exact target total, as "numerator/denominator".
        "target": None if target is None else str(target),
        "done": sum(step.is_complete for step in steps),
        "total": len(steps),
        "next": pending.number if pending else None,
        "next_state": pending.state if pending else None,
        "missing": {"th": missing_th, "en": missing_en},
    }


def progress_store(project: Project) -> None:
    """Store the project's progress (an update: the change history keeps the
    data that was changed, not this summary of it), and mark the project
    as changed now (``updated_at``), which ends the frame's cached step
    states (``assessment.frame``) on every machine."""
    project.progress = progress_of(project)
    # The project's version: the frame's cached step states are kept under it.
    project.updated_at = timezone.now()
    Project.objects.filter(pk=project.pk).update(progress=project.progress, updated_at=project.updated_at)


def progress_refresh(projects) -> int:
    """Recompute the progress of ``projects`` (a queryset); returns how many."""
    count = 0
    for project in projects.select_related("agency", "standard").iterator(chunk_size=200):
        progress_store(project)
        count += 1
    return count
