"""Validate again the signatures of documents imported with an archive that
were not confirmed as the institute's on import: after the certificate that
signed them is configured (``SIGNING_RETIRED_CERTIFICATES``), they verify."""

from django.core.management.base import BaseCommand

from certification.archive import imported_signatures_confirm


class Command(BaseCommand):
    help = (
        "Validate again the signatures of imported documents that were not confirmed, against the "
        "institute's certificates as configured now (current and retired)."
    )

    def handle(self, *args, **options):
        confirmed, total = imported_signatures_confirm()
        self.stdout.write(f"{confirmed} of {total} unconfirmed imported documents are now confirmed.")
