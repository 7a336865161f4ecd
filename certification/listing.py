"""The rows of the institute's project lists, written in Python.

A list page shows 20 projects; written through the template engine each row
cost about 0.6 ms of lookups, tags and an include (13 of a page's 62 ms at
10,000 agencies, docs/performance.md). The markup is the same as the
templates wrote, and the certificate's badge is written once here for every
page that shows it (``certification/includes/certificate_state.html``).
"""

from html import escape

from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from assessment.models import Project
from assessment.scoring import to_display
from pso_site.lib.dates import format_date, format_year


def certificate_badge(certificate, *, language: str | None = None) -> SafeString:
    """The certificate as of today: valid (days left), expiring soon, expired or revoked."""
    state = certificate.status
    if state == certificate.Status.REVOKED:
        return format_html('<span class="badge text-bg-danger">{}</span>', _("Certificate revoked"))
    date = format_date(certificate.valid_until, short=True, language=language)
    if state == certificate.Status.EXPIRED:
        return format_html(
            '<span class="badge text-bg-secondary">{}</span>',
            _("Certificate expired on %(date)s") % {"date": date},
        )
    days = certificate.days_left
    text = ngettext(
        "Certified until %(date)s (%(days)s day left)", "Certified until %(date)s (%(days)s days left)", days
    ) % {"date": date, "days": days}
    tone = "text-bg-warning" if certificate.expiring_soon else "text-bg-success"
    return format_html('<span class="badge {}">{}</span>', tone, text)


def project_rows(projects, *, link_review: bool = False) -> list[SafeString]:
    """One ``<tr>`` per project of a list page (agency, province, standard,
    year, submitted, total, status, certificate). ``projects`` carry
    ``submitted_total`` and their agency, standard and certificate."""
    labels = {
        key: _escaped(label)
        for key, label in {
            "province": _("Province"),
            "standard": _("Standard"),
            "year": _("Fiscal year"),
            "submitted": _("Submitted"),
            "total": _("Self-assessed total"),
            "status": _("Status"),
            "certificate": _("Certificate"),
        }.items()
    }
    # Each looked up once a page: a translation lookup costs more than a row's markup.
    statuses = {value: _escaped(label) for value, label in Project.Status.choices}
    language = get_language()
    links = {
        "review": _link_of("certification:review" if link_review else "assessment:project"),
        "submitted": _link_of("certification:submitted"),
        "certificate": _link_of("certification:certificate"),
    }
    return [_row(project, labels, links, statuses, language) for project in projects]


def _escaped(value) -> str:
    """Django's ``escape`` without its lazy-string checks: 20 rows of a page
    escape some 400 values, and the checks were half the rows' time."""
    return escape(str(value), quote=True)


# A project's pages differ only in its number: reversed once per page.
_PLACEHOLDER = 987654321


def _link_of(name: str):
    pattern = reverse(name, args=[_PLACEHOLDER])
    return lambda pk: pattern.replace(str(_PLACEHOLDER), str(int(pk)))


def _row(project, labels: dict, links: dict, statuses: dict, language: str) -> SafeString:
    link = links["submitted" if project.status == Project.Status.CHANGES_REQUESTED else "review"](project.pk)
    certificate = project.certificate if _has_certificate(project) else None
    total = project.submitted_total
    shown_total = "—" if total is None or total == "" else f"{to_display(total):f}"
    badge = f" {certificate_badge(certificate, language=language)}" if certificate else ""
    number = (
        f'<a href="{_escaped(links["certificate"](project.pk))}">{_escaped(certificate.number)}</a>'
        if certificate
        else "—"
    )
    # Every value is escaped here; the badge is already safe markup.
    return mark_safe(  # noqa: S308
        f'<tr><td><a href="{_escaped(link)}">{_escaped(project.agency.name)}</a></td>'
        f'<td data-label="{labels["province"]}">{_escaped(project.agency.province)}</td>'
        f'<td data-label="{labels["standard"]}"><span class="code">{_escaped(project.standard.label)}</span></td>'
        f'<td data-label="{labels["year"]}">{_escaped(format_year(project.fiscal_year, language=language))}</td>'
        f'<td class="nowrap" data-label="{labels["submitted"]}">'
        f"{_escaped(format_date(project.submitted_at, short=True, language=language) or '—')}</td>"
        f'<td class="num" data-label="{labels["total"]}">{shown_total}</td>'
        f'<td class="stack-full" data-label="{labels["status"]}"><span class="badge status-{_escaped(project.status)}">'
        f"{statuses.get(project.status, _escaped(project.status))}</span>{badge}</td>"
        f'<td class="nowrap code" data-label="{labels["certificate"]}">{number}</td></tr>'
    )


def _has_certificate(project) -> bool:
    try:
        return project.certificate is not None
    except Project.certificate.RelatedObjectDoesNotExist:
        return False
