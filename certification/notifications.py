"""E-mails and in-app notifications of the certification workflow, sent by
the task worker after the deciding transaction commits (templates in
``templates/email/``, each person in their language, ``agencies.notify``).

- Submission → the committee members who may review it (never those who
  belong to the agency), linking to the review; a resubmission says how many
  changes the agency made since the committee asked.
- A decision → the agency's head and editors, linking to the committee's
  comments (changes asked), the certificate (certified) or the project.
- A certificate ending → the head and editors, 180, 90 and 30 days before
  and on the day it ends (``reminders.py``).
"""

from django.contrib.auth import get_user_model
from django.urls import reverse

from agencies.models import InstituteRole, Membership
from agencies.notify import notify
from assessment import history
from assessment.models import Project
from certification.models import Decision
from certification.selectors import agency_changes_since

AGENCY_PEOPLE = (Membership.Role.HEAD, Membership.Role.EDITOR)
CHANGES_LISTED = 10


def agency_people(project: Project):
    """The head and editors of the project's agency: the people doing the work."""
    return get_user_model().objects.filter(
        memberships__agency_id=project.agency_id, memberships__role__in=AGENCY_PEOPLE
    )


def reviewers(project: Project):
    """Committee members who may review the project: not its agency's members."""
    return (
        get_user_model()
        .objects.filter(institute_roles__role=InstituteRole.Role.COMMITTEE)
        .exclude(memberships__agency_id=project.agency_id)
    )


def project_submitted(project: Project, *, base_url: str = "") -> int:
    asked = project.decisions.filter(kind=Decision.Kind.REQUEST_CHANGES).order_by("-decided_at").first()
    changes = []
    if asked is not None:
        changes = list(agency_changes_since(project, asked)[: CHANGES_LISTED + 1])
    context = {
        "project": project,
        "resubmitted": asked is not None,
        "asked": asked,
        "changes": history.shown(changes[:CHANGES_LISTED]),
        "more_changes": len(changes) > CHANGES_LISTED,
    }
    path = reverse("certification:review", args=[project.pk])
    return notify(reviewers(project), "project_submitted", context, path=path, base_url=base_url)


def project_decided(project: Project, decision, *, base_url: str = "") -> int:
    if decision.kind == Decision.Kind.REQUEST_CHANGES:
        path = reverse("certification:committee_view", args=[project.pk])
    elif decision.kind == Decision.Kind.CERTIFY:
        path = reverse("certification:certificate", args=[project.pk])
    else:
        path = reverse("assessment:project", args=[project.pk])
    context = {"project": project, "decision": decision}
    return notify(agency_people(project), "project_decided", context, path=path, base_url=base_url)


def certificate_expiring(certificate, days_left: int, *, base_url: str = "") -> int:
    project = certificate.project
    context = {"project": project, "certificate": certificate, "days_left": days_left, "ended": days_left < 0}
    path = reverse("assessment:project", args=[project.pk])
    return notify(agency_people(project), "certificate_expiring", context, path=path, base_url=base_url)
