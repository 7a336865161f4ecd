import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from agencies.models import Agency
from assessment.exchange import ProjectFormatError, project_import
from assessment.models import AssessmentRound
from pso_site.lib.dates import gregorian_year


class Command(BaseCommand):
    help = "Create a project from a JSON document written by export_project (all or nothing)."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--agency", help="Import into this agency (code) instead of the document's")
        parser.add_argument("--fiscal-year", type=int, help="Override the fiscal year (B.E. or Gregorian)")

    def handle(self, *args, file: Path, agency, fiscal_year, **options):
        try:
            document = json.loads(file.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise CommandError(f"{file}: no such file") from None
        except json.JSONDecodeError as error:
            raise CommandError(f"{file}: not valid JSON ({error})") from None
        target = None
        if agency:
            target = Agency.objects.filter(code=agency).first()
            if target is None:
                raise CommandError(f"No agency with code {agency}")
        if fiscal_year:
            fiscal_year = gregorian_year(fiscal_year)
        try:
            project = project_import(document, agency=target, fiscal_year=fiscal_year)
        except ProjectFormatError as error:
            raise CommandError("The document was not imported:\n- " + "\n- ".join(error.messages)) from None
        latest = AssessmentRound.objects.filter(project=project).order_by("-number").first()
        total = latest.total_score if latest else "—"
        self.stdout.write(f"Imported project {project.pk}: {project} · total {total}")
