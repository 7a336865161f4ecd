"""Access to certification projects. Every project view starts here."""

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _

from agencies.access import has_institute_role, person_roles
from agencies.models import InstituteRole, Membership
from assessment.models import Project
from pso_site.lib.refusals import Refusal


class ProjectReadOnly(Refusal):
    """A write to a project the agency may no longer change (submitted or
    decided): told on the project's page (``pso_site.middleware.RefusalMiddleware``)."""

    def __init__(self, project: Project):
        super().__init__(_("This project has been submitted and can no longer be changed by the agency."))
        self.project = project
        self.redirect_to = reverse("assessment:project", args=[project.pk])


class ProjectUnderRevision(Exception):
    """An institute reader asked for a live page of a project that is back
    with its agency: the institute reads the version that was submitted
    (``pso_site.middleware`` sends them there)."""

    def __init__(self, project: Project):
        super().__init__(_("The agency is revising this project: you see the version it submitted."))
        self.project = project


def project_role(user, project: Project) -> str | None:
    """The user's membership role in the project's agency, or None."""
    return person_roles(user).role_in(project.agency_id)


def can_read_as_institute(user, project: Project) -> bool:
    """Committee members and auditors read projects once they leave the
    agency's drafts; they never see a draft."""
    if project.status == Project.Status.DRAFT:
        return False
    return has_institute_role(user, InstituteRole.Role.COMMITTEE) or has_institute_role(
        user, InstituteRole.Role.AUDITOR
    )


def get_project_for_user(user, pk: int, *, write: bool = False) -> Project:
    """The project if ``user`` may see it (and change it when ``write``), else 404.

    A write to a project that is no longer editable raises ProjectReadOnly so
    the agency is told why rather than shown a 404.
    """
    if not user.is_authenticated:
        raise Http404("No such project.")
    project = get_object_or_404(Project.objects.select_related("agency", "standard"), pk=pk)
    role = project_role(user, project)
    if write:
        if role not in (Membership.Role.HEAD, Membership.Role.EDITOR):
            raise Http404("No such project.")
        if not project.is_editable:
            raise ProjectReadOnly(project)
    elif role is None:
        if not can_read_as_institute(user, project):
            raise Http404("No such project.")
        if project.status == Project.Status.CHANGES_REQUESTED:
            # Never the agency's live, half-edited figures.
            raise ProjectUnderRevision(project)
    return project
