from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from agencies.models import Agency
from certification.archive import project_archive_import
from pso_site.lib.dates import gregorian_year
from pso_site.lib.schema import DocumentProblem


class Command(BaseCommand):
    help = (
        "Create a project (or an agency's projects) from an archive written by export_project or "
        "export_agency: ZIP or JSON, version 1 or 2; all or nothing. The agency is created from the "
        "archive when this installation lacks it."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--agency", help="Import into this agency (code) instead of the archive's")
        parser.add_argument(
            "--fiscal-year", type=int, help="Another fiscal year (B.E. or Gregorian); drafts only"
        )

    def handle(self, *args, file: Path, agency, fiscal_year, **options):
        try:
            data = file.read_bytes()
        except OSError as error:
            raise CommandError(f"{file}: {error.strerror}") from None
        target = None
        if agency:
            target = Agency.objects.filter(code=agency).first()
            if target is None:
                raise CommandError(f"No agency with code {agency}")
        try:
            projects = project_archive_import(
                data, agency=target, fiscal_year=gregorian_year(fiscal_year) if fiscal_year else None
            )
        except DocumentProblem as error:
            raise CommandError("The archive was not imported:\n- " + "\n- ".join(error.messages)) from None
        for project in projects:
            latest = project.rounds.order_by("-number").first()
            certificate = getattr(project, "certificate", None)
            self.stdout.write(
                f"Imported project {project.pk}: {project} · {project.get_status_display()} · total "
                f"{latest.total_score if latest else '—'}"
                + (f" · {certificate.number}" if certificate else "")
            )
