"""The institute's lists (the committee's queue, the auditors' list) as
Excel workbooks and CSV files: every project the filters match, not only
the page shown."""

from decimal import Decimal

from django.utils.translation import gettext as _

from pso_site.lib.xlsx import DateColumn, csv_response, new_workbook, sheet_title, table, workbook_response


def list_headers() -> list:
    return [
        _("Agency"),
        _("Agency code"),
        _("Province"),
        _("Standard"),
        _("Fiscal year"),
        DateColumn(_("Submitted")),
        _("Self-assessed total"),
        _("Status"),
        _("Certificate"),
        DateColumn(_("Valid until")),
        _("Certificate today"),
    ]


def list_rows(projects):
    for project in projects.iterator(chunk_size=2000):
        certificate = getattr(project, "certificate", None)
        yield [
            project.agency.name,
            project.agency.code,
            project.agency.province,
            project.standard.label,
            project.fiscal_year_be,
            project.submitted_at,
            None if project.submitted_total in (None, "") else Decimal(project.submitted_total),
            project.get_status_display(),
            certificate.number if certificate else "",
            certificate.valid_until if certificate else None,
            certificate.standing() if certificate else "",
        ]


def list_download(projects, *, kind: str, name: str):
    """``kind`` is ``xlsx`` or ``csv``."""
    if kind == "csv":
        return csv_response(list_headers(), list_rows(projects), f"{name}.csv")
    workbook, sheet = new_workbook()
    sheet.title = sheet_title(name)
    table(sheet, list_headers(), list_rows(projects), widths=[40, 16, 16, 12, 10, 14, 12, 18, 20, 14, 16])
    return workbook_response(workbook, f"{name}.xlsx")
