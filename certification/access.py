"""Who at the institute may see and decide which project. Anyone without the
right gets a 404, never the content."""

from django.http import Http404
from django.shortcuts import get_object_or_404

from agencies.access import has_institute_role, person_roles
from agencies.models import InstituteRole, Membership
from assessment.models import Project

REVIEWABLE = (Project.Status.SUBMITTED, Project.Status.UNDER_REVIEW)
VISIBLE_TO_INSTITUTE = (
    Project.Status.SUBMITTED,
    Project.Status.UNDER_REVIEW,
    Project.Status.CHANGES_REQUESTED,
    Project.Status.CERTIFIED,
    Project.Status.NOT_CERTIFIED,
)


def is_member(user, project: Project) -> bool:
    """Whether the person belongs to the project's agency (then they never
    review it: conflict of interest)."""
    return person_roles(user).role_in(project.agency_id) is not None


def is_committee_for(user, project: Project) -> bool:
    return has_institute_role(user, InstituteRole.Role.COMMITTEE) and not is_member(user, project)


def get_project_for_committee(user, pk: int, *, decide: bool = False) -> Project:
    """A project the committee member may review: submitted or decided, and
    never one of an agency the member belongs to (conflict of interest)."""
    if not has_institute_role(user, InstituteRole.Role.COMMITTEE):
        raise Http404("No such project.")
    project = get_object_or_404(
        Project.objects.select_related("agency", "standard"), pk=pk, status__in=VISIBLE_TO_INSTITUTE
    )
    if is_member(user, project):
        raise Http404("No such project.")
    if decide and project.status not in REVIEWABLE:
        raise Http404("No such project.")
    return project


def get_project_for_institute(user, pk: int) -> Project:
    """A submitted or decided project, for a committee member outside its
    agency or an auditor; else 404."""
    project = get_object_or_404(
        Project.objects.select_related("agency", "standard"), pk=pk, status__in=VISIBLE_TO_INSTITUTE
    )
    committee = has_institute_role(user, InstituteRole.Role.COMMITTEE) and not is_member(user, project)
    if not (committee or has_institute_role(user, InstituteRole.Role.AUDITOR)):
        raise Http404("No such project.")
    return project


def projects_for_institute():
    """Submitted and decided projects: what committee and auditors may see."""
    return Project.objects.filter(status__in=VISIBLE_TO_INSTITUTE)


def projects_for_committee_member(user):
    """Projects the member may review: never those of an agency they belong
    to (conflict of interest). The queue and the home page both use this."""
    return projects_for_institute().exclude(
        agency_id__in=Membership.objects.filter(user=user).values("agency_id")
    )
