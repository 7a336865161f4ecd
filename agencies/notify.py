"""Tell people what happened: an e-mail (subject, text and HTML from
``templates/email/<name>_subject.txt``, ``<name>.txt``, ``<name>.html``) and
an in-app notification, each in the person's language (``Person.language``,
Thai unless they chose English). Links are absolute: the address the
request came in on when there is one (``pso_site.lib.site``), else
``SITE_URL``."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.template.loader import render_to_string
from django.utils import translation

from agencies.models import Notification, Person


def notify(users, name: str, context: dict, *, path: str, base_url: str = "") -> int:
    """Send ``name`` to the active ``users``; returns how many were told."""
    people = list(users.filter(is_active=True).distinct().order_by("pk"))
    if not people:
        return 0
    languages = dict(Person.objects.filter(user__in=people).values_list("user_id", "language"))
    link = (base_url or settings.SITE_URL).rstrip("/") + path
    rendered = {}
    notes, messages = [], []
    for person in people:
        language = languages.get(person.pk, Person.Language.THAI)
        if language not in rendered:
            with translation.override(language):
                data = {**context, "link": link}
                rendered[language] = (
                    " ".join(render_to_string(f"email/{name}_subject.txt", data).split()),
                    render_to_string(f"email/{name}.txt", data),
                    render_to_string(f"email/{name}.html", data),
                )
        subject, text, html = rendered[language]
        notes.append(Notification(user=person, title=subject[:300], url=path[:300]))
        if person.email:
            message = EmailMultiAlternatives(subject, text, settings.DEFAULT_FROM_EMAIL, [person.email])
            message.attach_alternative(html, "text/html")
            messages.append(message)
    Notification.objects.bulk_create(notes)
    if messages:
        get_connection().send_messages(messages)
    return len(people)


def language_remember(user, language: str) -> None:
    """The language a person chose in the app, for their e-mails."""
    if user.is_authenticated and language in Person.Language.values:
        Person.objects.update_or_create(user=user, defaults={"language": language})


def mail_address(address: str, name: str, context: dict, *, path: str, base_url: str = "") -> None:
    """Send ``name`` to an address with no account behind it yet, in the
    language of the page that sent it."""
    data = {**context, "link": (base_url or settings.SITE_URL).rstrip("/") + path}
    subject = " ".join(render_to_string(f"email/{name}_subject.txt", data).split())
    message = EmailMultiAlternatives(
        subject, render_to_string(f"email/{name}.txt", data), settings.DEFAULT_FROM_EMAIL, [address]
    )
    message.attach_alternative(render_to_string(f"email/{name}.html", data), "text/html")
    message.send()
