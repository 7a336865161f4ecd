import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from assessment.exchange import project_export
from assessment.models import Project
from pso_site.lib.dates import gregorian_year


class Command(BaseCommand):
    help = "Write a project (everything it holds and its computed results) as JSON."

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
        text = json.dumps(project_export(project), ensure_ascii=False, indent=1) + "\n"
        if output:
            output.write_text(text, encoding="utf-8")
        else:
            sys.stdout.write(text)
