"""The outbox pages (``/admin/outbox/``): the e-mails this development
installation sent, for its superuser to read (``pso_site.lib.outbox``).
With any other ``EMAIL_URL`` they do not exist (404), whoever asks."""

import re

from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_safe

from pso_site.lib import outbox

SHOWN = 200
# The HTML of a message is shown alone, in a frame of the message's page: no
# script, nothing fetched, and its links open in a tab of their own.
HTML_POLICY = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; "
    "form-action 'none'; frame-ancestors 'self'; sandbox allow-popups allow-popups-to-escape-sandbox"
)
BASE_TARGET = '<base target="_blank">'
HEAD = re.compile(r"<(?:html|head)\b[^>]*>", re.IGNORECASE)  # the base goes in after it


def _refused(request):
    """None for the superuser of an installation that keeps its e-mails;
    otherwise the answer: sign in first, or 404."""
    if not outbox.enabled():
        raise Http404("No outbox: EMAIL_URL does not keep the e-mails.")
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path(), reverse("admin:login"))
    if not request.user.is_superuser:
        raise Http404("The outbox is the site administrator's.")
    return None


def _mail(name: str) -> outbox.Kept:
    mail = outbox.read(name)
    if mail is None:
        raise Http404("No such message.")
    return mail


@require_safe
def mail_list(request):
    if refused := _refused(request):
        return refused
    context = {
        **admin.site.each_context(request),
        "title": _("Outbox: e-mails sent in development"),
        "mails": outbox.kept(limit=SHOWN),
        "shown": SHOWN,
        "folder": outbox.folder(),
    }
    return render(request, "outbox/list.html", context)


@require_safe
def mail_detail(request, name: str):
    if refused := _refused(request):
        return refused
    mail = _mail(name)
    context = {**admin.site.each_context(request), "title": mail.subject or name, "mail": mail}
    return render(request, "outbox/mail.html", context)


@require_safe
@xframe_options_sameorigin
def mail_html(request, name: str):
    if refused := _refused(request):
        return refused
    html = _mail(name).html
    if not html:
        raise Http404("This message has no HTML part.")
    head = HEAD.search(html)
    html = html[: head.end()] + BASE_TARGET + html[head.end() :] if head else BASE_TARGET + html
    response = HttpResponse(html, content_type="text/html; charset=utf-8")
    response["Content-Security-Policy"] = HTML_POLICY
    return response
