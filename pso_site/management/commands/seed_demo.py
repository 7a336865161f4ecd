import os
import sys

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.test.utils import override_settings
from tqdm import tqdm

from certification import dossier, tasks
from pso_site.demo import demo_seed
from pso_site.demo_cohort import OFFICES, demo_cohort_seed
from pso_site.lib import signing

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
        parser.add_argument(
            "--without-cohort",
            action="store_true",
            help="Leave out the 33 other offices of the Lampang cohort (faster).",
        )

    def handle(self, *args, password: str, without_cohort: bool = False, **options):
        if not password:
            if not settings.DEBUG:
                raise CommandError(
                    "Refusing to create demo users with the public demo password "
                    "while DEBUG is off: set DEMO_PASSWORD or pass --password."
                )
            password = DEFAULT_DEMO_PASSWORD
        self._signing_identity()
        # The demo's back-dated submission and decision need no e-mails (the
        # in-app notices are made at once). Its issued documents are rendered
        # and signed by the task worker (`make run` starts one): queued once
        # the demo is written, so that this command takes seconds, and the
        # pages say "being prepared" until each is ready.
        with override_settings(
            EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend",
            TASKS={
                "default": {
                    **settings.TASKS["default"],
                    "BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
                }
            },
        ):
            # All or nothing: a failure leaves no half demo that a second
            # run would trip over.
            with dossier.builds_collected() as builds, transaction.atomic():
                demo = demo_seed(password=password)
                cohort = [] if without_cohort else self._cohort(password)
        for issued_id in builds:
            tasks.build_issued_dossier.enqueue(issued_id)
        self.stdout.write(self.style.SUCCESS("Demo data ready. Log in at /accounts/login/ as:"))
        for user in demo["users"]:
            self.stdout.write(f"  {user.username:<16} {user.describe}")
        historic, renewal = demo["historic"], demo["renewal"]
        certificate = getattr(historic, "certificate", None)
        self.stdout.write(
            f"Projects: {historic} — {historic.get_status_display()}"
            + (f", certificate {certificate.number}" if certificate else "")
        )
        self.stdout.write(f"          {renewal} — {renewal.get_status_display()}")
        if cohort:
            self.stdout.write(
                f"The cohort ลำปาง 2543: {len(cohort) + 2} agencies; the other offices' heads are "
                "lampang-demo-01-head … lampang-demo-33-head."
            )
        self.stdout.write(
            f"Issued documents are signed with {settings.SIGNING_KEY_FILE} ({signing.identity().name})."
        )
        shown = password if password == DEFAULT_DEMO_PASSWORD or settings.DEBUG else "(from DEMO_PASSWORD)"
        self.stdout.write(f"Password for all of them: {shown}")
        if builds:
            self.stdout.write(
                f"{len(builds)} issued documents are queued: the task worker renders and signs them "
                "(the pages say they are being prepared until then)."
            )

    def _cohort(self, password: str) -> list:
        """The cohort's 33 offices, with a progress bar on a terminal."""
        with tqdm(total=len(OFFICES), desc="ลำปาง 2543", unit="office", disable=None, file=sys.stderr) as bar:
            return demo_cohort_seed(password=password, progress=bar.update)

    def _signing_identity(self) -> None:
        """The demo's issued documents are signed too: with a self-signed
        identity named as a demo, made here when none is configured."""
        path = settings.SIGNING_KEY_FILE
        if path.exists():
            found = signing.identity()  # refuse a file that cannot be used before any decision is recorded
            if not (found.is_demo and found.archival_problem):
                return
            # An earlier demo made ECDSA identities: a new (RSA) one replaces
            # it; documents it signed verify as signed by another key.
            self.stdout.write(f"Replacing the demo signing identity at {path}: {found.archival_problem}")
        elif not settings.DEBUG:
            raise CommandError(
                f"No signing key file at {path}: set DJANGO_SIGNING_KEY_FILE and "
                "DJANGO_SIGNING_KEY_PASSPHRASE to the institute's PKCS#12 file (docs/dossier.md)."
            )
        signing.demo_identity_create(path, settings.SIGNING_KEY_PASSPHRASE)
        self.stdout.write(f"Created a self-signed DEMO signing identity at {path}.")
