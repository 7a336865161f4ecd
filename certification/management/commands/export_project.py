import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from assessment.models import Project
from certification.archive import archive_export
from pso_site.lib.dates import gregorian_year


class Command(BaseCommand):
    help = (
        "Write a project's archive: everything it holds (steps 1–9, rounds, plans, progress, the "
        "committee's reviews (undecided ones too: the operator's copy of everything) and decisions, the "
        "certificate, issued dossiers, evidence files). A ZIP "
        "when files travel with it, else JSON (docs/archive-and-excel.md)."
    )

    def add_arguments(self, parser):
        parser.add_argument("id", nargs="?", type=int, help="Project id")
        parser.add_argument("--agency", help="Agency code (instead of an id)")
        parser.add_argument("--standard", help="Standard code, e.g. 1101")
        parser.add_argument(
            "--cycle", type=int, help="Fiscal year, B.E. (2544) or Gregorian (2001); default the latest"
        )
        parser.add_argument("--output", type=Path, help="File to write (default: standard output)")

    def handle(self, *args, id, agency, standard, cycle, output, **options):
        if id is not None:
            project = Project.objects.filter(pk=id).first()
        elif agency and standard:
            projects = Project.objects.filter(agency__code=agency, standard__code=standard)
            if cycle is not None:
                projects = projects.filter(fiscal_year=gregorian_year(cycle))
            project = projects.order_by("-fiscal_year").first()
        else:
            raise CommandError("Give a project id, or --agency and --standard.")
        if project is None:
            raise CommandError("No such project.")
        archive = archive_export(project, deliberation=True)
        write(self, archive.content(), output, is_zip=archive.is_zip)


def write(command: BaseCommand, content: bytes, output: Path | None, *, is_zip: bool) -> None:
    if output:
        output.write_bytes(content)
        command.stderr.write(f"Wrote {output} ({'ZIP' if is_zip else 'JSON'}, {len(content):,} bytes).")
    elif is_zip and sys.stdout.isatty():
        raise CommandError("The archive is a ZIP: give --output FILE.zip.")
    else:
        sys.stdout.buffer.write(content)
