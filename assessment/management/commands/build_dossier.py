from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from assessment import dossier
from assessment.models import Project


class Command(BaseCommand):
    help = "Write the certification dossier of a project as PDF (the same document the site serves)."

    def add_arguments(self, parser):
        parser.add_argument("id", type=int)
        parser.add_argument("--output", type=Path, required=True)

    def handle(self, *args, id: int, output: Path, **options):
        project = Project.objects.select_related("agency", "standard").filter(pk=id).first()
        if project is None:
            raise CommandError(f"No project {id}")
        if dossier.is_draft(project):
            pdf = dossier.dossier_pdf(project, draft=True)
        else:
            issued = project.dossiers.order_by("-issued_at").first()
            pdf = issued.file.read() if issued else dossier.dossier_pdf(project, draft=False)
        output.write_bytes(pdf)
        self.stdout.write(f"Wrote {output} ({len(pdf)} bytes)")
