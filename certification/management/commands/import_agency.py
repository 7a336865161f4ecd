from certification.management.commands.import_project import Command as ImportProject


class Command(ImportProject):
    help = "Create an agency and all its projects from an archive written by export_agency (all or nothing)."
