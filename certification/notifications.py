"""E-mails of the certification workflow, sent after the deciding
transaction commits."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.urls import reverse

from agencies.models import InstituteRole, Membership
from assessment.models import Project

DECISION_SUBJECTS = {
    "request_changes": "คณะกรรมการขอให้แก้ไขเพิ่มเติม / Changes requested",
    "certify": "ได้รับการรับรอง / Certified",
    "not_certify": "ไม่ได้รับการรับรอง / Not certified",
}


def _emails(users) -> list[str]:
    return sorted({user.email for user in users.filter(is_active=True).exclude(email="")})


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
    heads = get_user_model().objects.filter(
        memberships__agency_id=project.agency_id, memberships__role=Membership.Role.HEAD
    )
    recipients = _emails(heads)
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
