from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from agencies.models import InstituteRole
from agencies.selectors import memberships_for_user, standards_with_criteria
from assessment.models import Project
from assessment.review import REVIEWABLE, VISIBLE_TO_INSTITUTE
from assessment.selectors import projects_by_agency


@login_required
def home(request):
    """One page, a section per role the person holds."""
    roles = set(InstituteRole.objects.filter(user=request.user).values_list("role", flat=True))
    memberships = list(memberships_for_user(request.user))
    projects = projects_by_agency([m.agency_id for m in memberships])
    for membership in memberships:
        membership.projects = projects.get(membership.agency_id, [])
    institute_projects = Project.objects.filter(status__in=VISIBLE_TO_INSTITUTE)
    context = {
        "awaiting_review": institute_projects.filter(status__in=REVIEWABLE)
        .exclude(agency_id__in=[m.agency_id for m in memberships])
        .count()
        if InstituteRole.Role.COMMITTEE in roles
        else 0,
        "audit_count": institute_projects.count() if InstituteRole.Role.AUDITOR in roles else 0,
        "memberships": memberships,
        "is_committee": InstituteRole.Role.COMMITTEE in roles,
        "is_auditor": InstituteRole.Role.AUDITOR in roles,
        "is_standards_admin": InstituteRole.Role.STANDARDS_ADMIN in roles,
    }
    return render(request, "home.html", context)


@login_required
def catalogue(request):
    return render(request, "catalogue.html", {"standards": standards_with_criteria()})
