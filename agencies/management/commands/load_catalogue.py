from pathlib import Path

from django.core.management.base import BaseCommand

from agencies.catalogue import CATALOGUE_FILE, catalogue_load, read_catalogue


class Command(BaseCommand):
    help = "Load the P.S.O. catalogue (standards, criteria, outcomes, steps) from JSON."

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", type=Path, default=CATALOGUE_FILE)
        parser.add_argument(
            "--overwrite",
            action="store_true",
            help="Reset names, order and flags of existing entries from the file.",
        )

    def handle(self, *args, file: Path, overwrite: bool, **options):
        summary = catalogue_load(data=read_catalogue(file), overwrite=overwrite)
        self.stdout.write(f"Catalogue: {summary.created} created, {summary.updated} updated.")
