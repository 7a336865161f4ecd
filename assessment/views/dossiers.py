"""Dossier downloads: a watermarked draft while the agency is still
editing, the stored bytes of an issued dossier afterwards."""

from functools import wraps

from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_safe

from assessment import dossier
from assessment.access import get_project_for_user
from assessment.models import IssuedDossier


def login_or_404(view):
    """Dossiers are for people with access: anonymous requests get the same
    404 as outsiders rather than a login page that confirms the project exists."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            raise Http404("No such dossier.")
        return view(request, *args, **kwargs)

    return wrapper


def _filename(project, suffix: str) -> str:
    return f"pso-{project.standard.code}-{project.agency.code}-{project.fiscal_year + 543}{suffix}.pdf"


@login_or_404
@require_safe
def dossier_latest(request, pk: int):
    project = get_project_for_user(request.user, pk)
    if dossier.is_draft(project):
        pdf = dossier.dossier_pdf(project, draft=True)
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="{_filename(project, "-draft")}"'
        return response
    issued = project.dossiers.order_by("-issued_at").first()
    if issued is None:
        # Issued dossiers exist from submission on; older data gets one now.
        issued = dossier.dossier_issue(project=project, occasion=IssuedDossier.Occasion.SUBMISSION)
    return _stored(project, issued)


@login_or_404
@require_safe
def dossier_issued(request, pk: int, dossier_id: int):
    project = get_project_for_user(request.user, pk)
    issued = get_object_or_404(IssuedDossier, pk=dossier_id, project=project)
    return _stored(project, issued)


def _stored(project, issued: IssuedDossier):
    try:
        handle = issued.file.open("rb")
    except FileNotFoundError:
        raise Http404("The stored dossier file is missing.") from None
    response = FileResponse(
        handle,
        as_attachment=True,
        content_type="application/pdf",
        filename=_filename(project, f"-{issued.sha256[:8]}"),
    )
    response["X-Content-SHA256"] = issued.sha256
    return response
