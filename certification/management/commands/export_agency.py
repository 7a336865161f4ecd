from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from agencies.models import Agency
from certification.archive import AGENCY_MEMBER, agency_export
from certification.management.commands.export_project import write


class Command(BaseCommand):
    help = "Write all projects of an agency as one archive, to move the agency to another installation."

    def add_arguments(self, parser):
        parser.add_argument("code", help="Agency code")
        parser.add_argument("--output", type=Path, help="File to write (default: standard output)")

    def handle(self, *args, code, output, **options):
        agency = Agency.objects.filter(code=code).first()
        if agency is None:
            raise CommandError(f"No agency with code {code}.")
        archive = agency_export(agency, deliberation=True)
        write(self, archive.content(AGENCY_MEMBER), output, is_zip=archive.is_zip)
