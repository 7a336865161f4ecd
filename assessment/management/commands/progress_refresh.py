from django.core.management.base import BaseCommand

from assessment.models import Project
from assessment.progress import progress_refresh


class Command(BaseCommand):
    help = (
        "Recompute where each project stands in the nine steps (shown on the home page and the "
        "institute's lists); saves do it on their own, this is for data loaded by other means."
    )

    def add_arguments(self, parser):
        parser.add_argument("--missing", action="store_true", help="Only projects without a stored progress.")

    def handle(self, *args, missing: bool, **options):
        projects = Project.objects.filter(progress={}) if missing else Project.objects.all()
        self.stdout.write(f"Progress of {progress_refresh(projects)} projects recomputed.")
