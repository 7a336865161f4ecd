import os

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from agencies.catalogue import catalogue_load, read_catalogue
from agencies.demo import demo_agencies_seed, demo_users_seed

DEFAULT_DEMO_PASSWORD = "pso-demo-2543"


class Command(BaseCommand):
    help = "Load the catalogue and the demo agencies, people and projects (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--password",
            default=os.environ.get("DEMO_PASSWORD", ""),
            help="Password for every demo user (default: $DEMO_PASSWORD, or a "
            "fixed demo password when DEBUG is on).",
        )

    def handle(self, *args, password: str, **options):
        if not password:
            if not settings.DEBUG:
                raise CommandError(
                    "Refusing to create demo users with the public demo password "
                    "while DEBUG is off: set DEMO_PASSWORD or pass --password."
                )
            password = DEFAULT_DEMO_PASSWORD
        catalogue_load(data=read_catalogue())
        agencies = demo_agencies_seed()
        users = demo_users_seed(password=password, agencies=agencies)
        self.stdout.write(self.style.SUCCESS("Demo data ready. Log in at /accounts/login/ as:"))
        for demo in users:
            self.stdout.write(f"  {demo.username:<16} {demo.describe}")
        shown = password if password == DEFAULT_DEMO_PASSWORD or settings.DEBUG else "(from DEMO_PASSWORD)"
        self.stdout.write(f"Password for all of them: {shown}")
