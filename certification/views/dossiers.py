"""Dossier downloads: a watermarked draft while the agency is still
editing, the stored bytes of an issued dossier afterwards."""

from functools import wraps

from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from agencies import audit
from agencies.models import AccessEvent, Membership
from assessment.access import ProjectUnderRevision, get_project_for_user, project_role
from assessment.frame import project_frame
from assessment.writes import role_in_project
from certification import dossier
from certification.access import is_committee_for
from certification.models import IssuedDossier


def login_or_404(view):
    """Dossiers are for people with access: anonymous requests get the same
    404 as outsiders rather than a login page that confirms the project exists."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            raise Http404("No such dossier.")
        return view(request, *args, **kwargs)

    return wrapper


def _project_or_submitted(user, pk: int):
    """The project for its agency; for the institute, also while the agency
    revises it (its issued dossiers are the submitted version)."""
    try:
        return get_project_for_user(user, pk)
    except ProjectUnderRevision as revising:
        return revising.project


def _filename(project, suffix: str) -> str:
    return f"pso-{project.standard.code}-{project.agency.code}-{project.fiscal_year_be}{suffix}.pdf"


@login_or_404
@require_safe
def dossier_latest(request, pk: int):
    """The draft while the agency edits; afterwards the latest issued dossier
    (or a note that it is being prepared). Nothing is issued by a GET."""
    project = _project_or_submitted(request.user, pk)
    if dossier.is_draft(project) and project_role(request.user, project) is not None:
        draft, _html, _digest = dossier.draft_for(project)
        if draft is not None and draft.is_ready:
            audit.record(request, AccessEvent.Action.DOSSIER, f"{project} · draft")
            return _draft_file(project, draft)
        context = project_frame(request, project)
        context["draft"] = draft
        return render(request, "certification/draft_status.html", context)
    issued = dossier.latest_issued(project, IssuedDossier.Kind.DOSSIER)
    if issued is None or not issued.is_ready:
        messages.info(request, _("The dossier is being prepared; it appears on this page when it is ready."))
        return redirect("assessment:project", pk=pk)
    return _stored(request, project, issued)


@login_or_404
@require_safe
def dossier_issued(request, pk: int, dossier_id: int):
    project = _project_or_submitted(request.user, pk)
    issued = get_object_or_404(IssuedDossier, pk=dossier_id, project=project)
    if not issued.is_ready:
        raise Http404("The dossier is not ready.")
    return _stored(request, project, issued)


@require_POST
@login_or_404
def draft_prepare(request, pk: int):
    """Start (or reuse) the build of the draft dossier for the project as it
    stands; the page then shows its progress until the PDF is ready."""
    project = get_project_for_user(request.user, pk)
    if not dossier.is_draft(project) or project_role(request.user, project) is None:
        raise Http404("No draft dossier.")
    dossier.draft_request(project=project)
    return redirect("certification:dossier", pk=pk)


def _draft_file(project, draft):
    try:
        handle = draft.file.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404("The draft dossier file is missing.") from None
    return FileResponse(
        handle, content_type="application/pdf", filename=_filename(project, "-draft"), as_attachment=False
    )


@require_POST
@login_or_404
def dossier_retry(request, pk: int, dossier_id: int):
    """Build again a dossier whose rendering failed (the head of the agency
    or a committee member)."""
    project = get_project_for_user(request.user, pk)
    issued = get_object_or_404(
        IssuedDossier, pk=dossier_id, project=project, status=IssuedDossier.Status.FAILED
    )
    if role_in_project(request.user, project) != Membership.Role.HEAD and not is_committee_for(
        request.user, project
    ):
        raise Http404("No such dossier.")
    issued = dossier.dossier_retry(issued_id=issued.pk)
    if issued.is_ready:
        messages.success(request, _("The dossier was built."))
    else:
        messages.error(
            request, _("The dossier could not be built again; the site administrator has been told.")
        )
    return redirect("assessment:project", pk=pk)


def stored_response(request, project, issued: IssuedDossier, *, filename: str, action: str):
    """The stored bytes of an issued document, exactly as signed."""
    try:
        handle = issued.file.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404("The stored document file is missing.") from None
    audit.record(request, action, f"{project} · {issued.sha256[:12]}")
    response = FileResponse(handle, as_attachment=True, content_type="application/pdf", filename=filename)
    response["X-Content-SHA256"] = issued.sha256
    return response


def _stored(request, project, issued: IssuedDossier):
    return stored_response(
        request,
        project,
        issued,
        filename=_filename(project, f"-{issued.sha256[:8]}"),
        action=AccessEvent.Action.DOSSIER,
    )
