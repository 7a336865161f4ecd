import json

from django.core.management.base import BaseCommand

from certification.archive import json_schema


class Command(BaseCommand):
    help = "Print the JSON Schema of the project archive (docs/project-archive.schema.json is this output)."

    def handle(self, *args, **options):
        self.stdout.write(json.dumps(json_schema(), ensure_ascii=False, indent=1))
