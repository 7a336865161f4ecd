from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from agencies import twofactor


class Command(BaseCommand):
    help = (
        "Remove a person's authenticator and recovery codes (a lost phone) and sign them out everywhere; "
        "they are told by e-mail. They set up a new authenticator at their next sign-in if their role "
        "requires one."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username: str, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No person with the username {username!r}.")
        ended = twofactor.reset(user)
        self.stdout.write(f"Two-step sign-in of {username} reset; {ended} session(s) ended.")
