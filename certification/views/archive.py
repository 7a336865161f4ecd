"""The project archive as a download (docs/archive-and-excel.md)."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.views.decorators.http import require_safe

from agencies import audit
from agencies.models import AccessEvent
from assessment.access import get_project_for_user
from certification.archive import archive_export


@login_required
@require_safe
def project_archive(request, pk: int):
    """Everything the project is: a ZIP when files travel with it, else JSON."""
    project = get_project_for_user(request.user, pk)
    archive = archive_export(project)
    audit.record(request, AccessEvent.Action.EXPORT, f"{project} · archive")
    extension, content_type = ("zip", "application/zip") if archive.is_zip else ("json", "application/json")
    response = HttpResponse(archive.content(), content_type=content_type)
    filename = f"pso-{project.standard.code}-{project.agency.code}-{project.fiscal_year_be}.{extension}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
