import sys
import time

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from bench.generator import loadgen


class Command(BaseCommand):
    help = (
        "Fill the database with generated agencies, people and projects for measuring "
        "(marked as generated; refuses a database holding real projects unless --allow-real-data)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--agencies", type=int, default=100)
        parser.add_argument("--projects-per-agency", type=int, default=2)
        parser.add_argument("--missions", type=int, default=25)
        parser.add_argument("--indicators", type=int, default=15)
        parser.add_argument("--rounds", type=int, default=3)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--password", default="load-test", help="The password of every generated person.")
        parser.add_argument(
            "--allow-real-data",
            action="store_true",
            help="Add generated data even though the database holds real projects.",
        )

    def handle(self, *args, **options):
        if loadgen.real_projects_exist() and not options["allow_real_data"]:
            raise CommandError(
                "This database holds projects that were not generated; "
                "use --allow-real-data to add generated data beside them."
            )
        try:
            size = loadgen.Size(
                agencies=options["agencies"],
                projects_per_agency=options["projects_per_agency"],
                missions=options["missions"],
                indicators=options["indicators"],
                rounds=options["rounds"],
            )
        except ValueError as problem:
            raise CommandError(str(problem)) from problem
        started = time.monotonic()
        with tqdm(
            total=size.agencies, unit="agency", file=sys.stderr, disable=options["verbosity"] == 0
        ) as bar:
            summary = loadgen.generate(
                size, seed=options["seed"], password=options["password"], progress=bar.update
            )
        self.stdout.write(
            f"Generated {summary.agencies} agencies, {summary.projects} projects, {summary.rounds} rounds, "
            f"{summary.cells} cells, {summary.certificates} certificates in {time.monotonic() - started:.1f} s."
        )
