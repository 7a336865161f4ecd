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


def _rendered(name: str, data: dict) -> tuple[str, str, str]:
    """The e-mail ``name`` in the active language: subject (one line), text, HTML."""
    return (
        " ".join(render_to_string(f"email/{name}_subject.txt", data).split()),
        render_to_string(f"email/{name}.txt", data),
        render_to_string(f"email/{name}.html", data),
    )


def _message(rendered: tuple[str, str, str], address: str) -> EmailMultiAlternatives:
    subject, text, html = rendered
    message = EmailMultiAlternatives(subject, text, settings.DEFAULT_FROM_EMAIL, [address])
    message.attach_alternative(html, "text/html")
    return message


def _link(path: str, base_url: str) -> str:
    return (base_url or settings.SITE_URL).rstrip("/") + path


def notify(users, name: str, context: dict, *, path: str, base_url: str = "") -> int:
    """Send ``name`` to the active ``users``; returns how many were told."""
    people = list(users.filter(is_active=True).distinct().order_by("pk"))
    if not people:
        return 0
    languages = dict(Person.objects.filter(user__in=people).values_list("user_id", "language"))
    data = {**context, "link": _link(path, base_url)}
    rendered = {}
    notes, messages = [], []
    for person in people:
        language = languages.get(person.pk, Person.Language.THAI)
        if language not in rendered:
            with translation.override(language):
                rendered[language] = _rendered(name, data)
        notes.append(Notification(user=person, title=rendered[language][0][:300], url=path[:300]))
        if person.email:
            messages.append(_message(rendered[language], person.email))
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
    _message(_rendered(name, {**context, "link": _link(path, base_url)}), address).send()
