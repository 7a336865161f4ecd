from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from assessment.models import Project
from certification import dossier
from certification.models import IssuedDossier


class Command(BaseCommand):
    help = (
        "Write the certification dossier of a project as PDF (the same document the site serves); "
        "with --pending, build (render and sign) the issued documents that are still pending or failed "
        "(never those imported with an archive)."
    )

    def add_arguments(self, parser):
        parser.add_argument("id", type=int, nargs="?")
        parser.add_argument("--output", type=Path)
        parser.add_argument(
            "--pending",
            action="store_true",
            help="Build pending and failed issued dossiers (not imported ones).",
        )

    def handle(self, *args, id: int | None, output: Path | None, pending: bool, **options):
        if pending:
            # Never one that came with an imported archive: signing it would put
            # the institute's signature on a record this system does not vouch for.
            waiting = (
                IssuedDossier.objects.exclude(status=IssuedDossier.Status.READY)
                .filter(imported_at__isnull=True)
                .order_by("pk")
            )
            for issued in waiting.values_list("pk", flat=True):
                result = dossier.dossier_build(issued_id=issued)
                self.stdout.write(f"{result.get_kind_display()} {issued}: {result.get_status_display()}")
            return
        if id is None or output is None:
            raise CommandError("Give a project id and --output, or --pending.")
        project = Project.objects.select_related("agency", "standard").filter(pk=id).first()
        if project is None:
            raise CommandError(f"No project {id}")
        if dossier.is_draft(project):
            pdf = dossier.dossier_pdf(project, draft=True)
        else:
            issued = (
                project.dossiers.filter(status=IssuedDossier.Status.READY, kind=IssuedDossier.Kind.DOSSIER)
                .order_by("-issued_at", "-pk")
                .first()
            )
            pdf = issued.file.read() if issued else dossier.dossier_pdf(project, draft=False)
        output.write_bytes(pdf)
        self.stdout.write(f"Wrote {output} ({len(pdf)} bytes)")
