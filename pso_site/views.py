import datetime

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.views.decorators.http import require_safe
from django.views.i18n import set_language as django_set_language

from agencies.access import person_roles
from agencies.catalogue import catalogue_steps
from agencies.models import InstituteRole
from agencies.notify import language_remember
from agencies.selectors import standards_with_criteria
from agencies.services import pending_invitations
from assessment.frame import step_address
from assessment.selectors import projects_by_agency
from certification.access import REVIEWABLE, projects_for_committee_member, projects_for_institute
from certification.models import Certificate
from certification.selectors import open_requests
from plans.selectors import overdue_counts
from pso_site.lib.site import base_url


@login_required
@require_safe
def home(request):
    """One page, a section per role the person holds."""
    person = person_roles(request.user)
    roles = person.institute_roles
    memberships = person.memberships
    projects = projects_by_agency([m.agency_id for m in memberships])
    every = [project for listed in projects.values() for project in listed]
    ids = [project.pk for project in every]
    certificates = Certificate.objects.in_bulk(ids, field_name="project_id")
    # Overdue work concerns projects the agency is working on, not decided ones.
    working = [project.pk for project in every if project.is_editable]
    overdue, requests = overdue_counts(working), open_requests(ids)
    steps = catalogue_steps() if ids else {}
    for project in every:
        project.certificate_today = certificates.get(project.pk)
        project.overdue = overdue.get(project.pk, 0)
        project.open_requests = requests.get(project.pk, 0)
        number = (project.progress or {}).get("next")
        if number:
            project.next_step_name = steps[number].name if number in steps else ""
            project.next_step_url = step_address(project, number)
    for membership in memberships:
        membership.projects = projects.get(membership.agency_id, [])
    context = {
        "awaiting_review": projects_for_committee_member(request.user).filter(status__in=REVIEWABLE).count()
        if InstituteRole.Role.COMMITTEE in roles
        else 0,
        "audit_count": projects_for_institute().count() if InstituteRole.Role.AUDITOR in roles else 0,
        "memberships": memberships,
        "invitations": list(pending_invitations(request.user)),
        "is_committee": InstituteRole.Role.COMMITTEE in roles,
        "is_auditor": InstituteRole.Role.AUDITOR in roles,
        "is_standards_admin": InstituteRole.Role.STANDARDS_ADMIN in roles,
    }
    return render(request, "home.html", context)


@login_required
@require_safe
def catalogue(request):
    return render(request, "catalogue.html", {"standards": standards_with_criteria()})


@require_safe
def security_txt(request):
    """RFC 9116: where to report a vulnerability (docs/security.md)."""
    expires = (timezone.now() + datetime.timedelta(days=180)).replace(microsecond=0)
    lines = [
        f"Contact: {settings.SECURITY_CONTACT}",
        f"Expires: {expires.isoformat().replace('+00:00', 'Z')}",
        "Preferred-Languages: th, en",
        f"Canonical: {base_url()}/.well-known/security.txt",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


def set_language(request):
    """Django's language switch; a signed-in person's choice is also kept
    for the e-mails they receive."""
    response = django_set_language(request)
    if request.method == "POST":
        language_remember(request.user, request.POST.get("language", ""))
    return response


GUIDE_ROLES = {
    "agency": gettext_lazy("Agency heads and editors"),
    "committee": gettext_lazy("The committee"),
    "auditor": gettext_lazy("Auditors"),
    "standards-admin": gettext_lazy("The standards administrator"),
}


@require_safe
def guide(request, role: str = "agency"):
    """The user guide, one page per role, in the page's language, with the
    pictures ``make screenshots`` takes from the demo. Public: people read
    it before they have an account."""
    if role not in GUIDE_ROLES:
        raise Http404("No such guide.")
    language = "en" if (get_language() or "th").startswith("en") else "th"
    context = {
        "role": role,
        "roles": list(GUIDE_ROLES.items()),
        "language": language,
        "template": f"guide/{language}/{role}.html",
    }
    return render(request, "guide/base.html", context)
