from django.core.management.base import BaseCommand

from certification import reminders, tasks


class Command(BaseCommand):
    help = (
        "Queue today's reminders before certificates expire (180, 90 and 30 days); run daily "
        "from cron or a systemd timer. With --now, send them in this process."
    )

    def add_arguments(self, parser):
        parser.add_argument("--now", action="store_true", help="Send now instead of queueing a task.")

    def handle(self, *args, now: bool, **options):
        if now:
            self.stdout.write(f"Sent {reminders.send_expiry_reminders()} reminders.")
            return
        result = tasks.remind_expiring_certificates.enqueue()
        self.stdout.write(f"Queued the reminders (task {result.id}).")
