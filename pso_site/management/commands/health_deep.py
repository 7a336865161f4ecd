from django.core.management.base import BaseCommand, CommandError

from pso_site import health


class Command(BaseCommand):
    help = (
        "Every health check of this node, for the operator: the database, the shared cache (writes and "
        "reads a key), the file storage (saves, reads and deletes a file) and the task queue. Exits 1 "
        "when one fails. The public /health/live/ and /health/ check only the database and the queue."
    )

    def handle(self, *args, **options):
        failed = []
        for result in health.deep_check():
            status = "OK" if result.error is None else str(result.error)
            self.stdout.write(f"{result.check!r}: {status}")
            if result.error is not None:
                failed.append(repr(result.check))
        if failed:
            raise CommandError(f"Failed: {', '.join(failed)}", returncode=1)
