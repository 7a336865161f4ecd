"""The certification workflow's long work, run by the task worker: building
dossiers and sending its e-mails. Each task takes ids, reads the committed
record, and is safe to run twice."""

from pso_site.lib.tasks import task


@task()
def build_issued_dossier(issued_id: int) -> str:
    from certification.dossier import dossier_build

    return dossier_build(issued_id=issued_id).status


@task()
def build_draft_dossier(draft_id: int) -> str:
    from certification.dossier import draft_build

    return draft_build(draft_id=draft_id).status


@task(queue_name="mail")
def mail_project_submitted(project_id: int, base_url: str = "") -> None:
    from assessment.models import Project
    from certification import notifications

    project = Project.objects.select_related("agency", "standard").filter(pk=project_id).first()
    if project is not None:
        notifications.project_submitted(project, base_url=base_url)


@task(queue_name="mail")
def mail_project_decided(decision_id: int, base_url: str = "") -> None:
    from certification import notifications
    from certification.models import Decision

    decision = (
        Decision.objects.select_related("project__agency", "project__standard").filter(pk=decision_id).first()
    )
    if decision is not None:
        notifications.project_decided(decision.project, decision, base_url=base_url)


@task(queue_name="mail")
def remind_expiring_certificates() -> int:
    from certification.reminders import send_expiry_reminders

    return send_expiry_reminders()
