"""E-mails of the certification workflow, sent after the deciding
transaction commits."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.urls import reverse

from agencies.models import InstituteRole, Membership
from assessment.models import Project
from pso_site.lib.dates import format_date

DECISION_SUBJECTS = {
    "request_changes": "คณะกรรมการขอให้แก้ไขเพิ่มเติม / Changes requested",
    "certify": "ได้รับการรับรอง / Certified",
    "not_certify": "ไม่ได้รับการรับรอง / Not certified",
}


def _emails(users) -> list[str]:
    return sorted({user.email for user in users.filter(is_active=True).exclude(email="")})


def _head_emails(project: Project) -> list[str]:
    """The addresses of the project's agency heads."""
    return _emails(
        get_user_model().objects.filter(
            memberships__agency_id=project.agency_id, memberships__role=Membership.Role.HEAD
        )
    )


def project_submitted(project: Project) -> None:
    committee = get_user_model().objects.filter(institute_roles__role=InstituteRole.Role.COMMITTEE)
    recipients = _emails(committee)
    if not recipients:
        return
    link = settings.SITE_URL + reverse("certification:review", args=[project.pk])
    send_mail(
        subject=f"[P.S.O.] {project.standard.label} {project.agency.name_th} ยื่นขอการรับรอง",
        message=(
            f"{project.agency.name_th} ยื่นขอการรับรอง {project.standard.label} {project.standard.name_th} "
            f"ปีงบประมาณ {project.fiscal_year_be}\n"
            f"{project.agency.name_en or project.agency.name_th} submitted {project.standard.label} for certification.\n\n"
            f"{link}\n"
        ),
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=recipients,
    )


def project_decided(project: Project, decision) -> None:
    recipients = _head_emails(project)
    if not recipients:
        return
    link = settings.SITE_URL + reverse("assessment:project", args=[project.pk])
    subject = DECISION_SUBJECTS[decision.kind]
    body = [f"{project.agency.name_th} · {project.standard.label} · {project.fiscal_year_be}", subject]
    if decision.reason:
        body.append(decision.reason)
    body.append(link)
    send_mail(
        subject=f"[P.S.O.] {project.standard.label} {subject}",
        message="\n\n".join(body) + "\n",
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=recipients,
    )


def certificate_expiring(certificate, days_left: int) -> None:
    """To the agency's heads: the certificate ends soon; start the renewal."""
    project = certificate.project
    recipients = _head_emails(project)
    if not recipients:
        return
    link = settings.SITE_URL + reverse("assessment:project", args=[project.pk])
    until_th = format_date(certificate.valid_until, language="th")
    until_en = format_date(certificate.valid_until, language="en")
    send_mail(
        subject=f"[P.S.O.] {project.standard.label} ใบรับรอง {certificate.number} จะสิ้นอายุในอีก {days_left} วัน",
        message=(
            f"{project.agency.name_th}: ใบรับรอง {certificate.number} ({project.standard.label} "
            f"{project.standard.name_th}) ใช้ได้ถึง {until_th} อีก {days_left} วัน "
            "โปรดเริ่มรอบการรับรองใหม่ (ต่ออายุ) จากหน้าโครงการ\n"
            f"{project.agency.name_en or project.agency.name_th}: certificate {certificate.number} "
            f"is valid until {until_en}, {days_left} days from today. Start the renewal from the project page.\n\n"
            f"{link}\n"
        ),
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=recipients,
    )
