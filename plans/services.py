"""Workflows of steps 7–9."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from agencies.models import InstituteRole
from assessment.dossier import dossier_issue
from assessment.models import IssuedDossier, Project, ProjectCriterion
from plans.models import ActivityEvidence, ProgressUpdate
from plans.readiness import project_readiness


class NotReady(Exception):
    def __init__(self, blocking):
        super().__init__(_("The project is not ready to be submitted."))
        self.blocking = blocking


@transaction.atomic
def targets_save(*, project: Project, targets: dict[str, int]) -> None:
    for criterion in ProjectCriterion.objects.filter(project=project):
        if criterion.target_level != targets[criterion.code]:
            criterion.target_level = targets[criterion.code]
            criterion.save(update_fields=["target_level"])


@transaction.atomic
def progress_record(
    *, activity, status: str, percent: int, date, note: str, user, evidence=None
) -> ProgressUpdate:
    """Add a progress update, with an optional checked evidence upload
    (``evidence`` is a bound, valid ``ProgressEvidenceForm``)."""
    update = ProgressUpdate.objects.create(
        activity=activity, status=status, percent=percent, date=date, note=note, created_by=user
    )
    if evidence is not None and evidence.cleaned_data.get("file"):
        ActivityEvidence(update=update).fill_from_upload(
            upload=evidence.cleaned_data["file"],
            sha256=evidence.sha256,
            content_type=evidence.content_type,
            user=user,
        )
    return update


@transaction.atomic
def project_submit(*, project: Project, user, submitted_at=None) -> Project:
    """Submit the request for certification: only when nothing blocks it.
    From then on the project is read-only for the agency. ``submitted_at``
    is for recording an earlier submission (the demo)."""
    project = Project.objects.select_for_update().get(pk=project.pk)
    if not project.is_editable:
        raise NotReady([])
    readiness = project_readiness(project)
    if not readiness.ready:
        raise NotReady(readiness.blocking)
    project.status = Project.Status.SUBMITTED
    project.submitted_at = submitted_at or timezone.now()
    project.submitted_by = user
    project.save(update_fields=["status", "submitted_at", "submitted_by", "updated_at"])
    dossier_issue(project=project, occasion=IssuedDossier.Occasion.SUBMISSION, issued_at=project.submitted_at)
    transaction.on_commit(lambda: notify_committee(project))
    return project


def notify_committee(project: Project) -> None:
    committee = (
        get_user_model()
        .objects.filter(institute_roles__role=InstituteRole.Role.COMMITTEE, is_active=True)
        .exclude(email="")
    )
    recipients = sorted({user.email for user in committee})
    if not recipients:
        return
    link = settings.SITE_URL + reverse("assessment:project", args=[project.pk])
    send_mail(
        subject=f"[P.S.O.] {project.standard.label} {project.agency.name_th} ยื่นขอการรับรอง",
        message=(
            f"{project.agency.name_th} ยื่นขอการรับรอง {project.standard.label} {project.standard.name_th} "
            f"ปีงบประมาณ {project.fiscal_year + 543}\n"
            f"{project.agency.name_en or project.agency.name_th} submitted {project.standard.label} for certification.\n\n"
            f"{link}\n"
        ),
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=recipients,
    )


@transaction.atomic
def plans_copy(*, source: Project, target: Project, shift_years: int) -> None:
    """Copy the upgrade plan into a renewal project, dates moved by whole years."""
    from assessment.review import add_years
    from plans.models import Activity, Plan

    criteria = {c.code: c for c in target.criteria.all()}
    for plan in Plan.objects.filter(project=source).prefetch_related("criteria", "activities"):
        copy = Plan.objects.create(project=target, name=plan.name, approach=plan.approach, order=plan.order)
        copy.criteria.set([criteria[c.code] for c in plan.criteria.all() if c.code in criteria])
        for activity in plan.activities.all():
            Activity.objects.create(
                plan=copy,
                title=activity.title,
                description=activity.description,
                responsible_user=activity.responsible_user,
                responsible_name=activity.responsible_name,
                responsible_position=activity.responsible_position,
                phase=activity.phase,
                start_date=add_years(activity.start_date, shift_years),
                end_date=add_years(activity.end_date, shift_years) if activity.end_date else None,
                budget=activity.budget,
                expected_result=activity.expected_result,
                order=activity.order,
            )
