"""Who may see and change what. Every view fetches agency objects through
these helpers; anyone without the right gets a 404, never the content."""

from django.http import Http404
from django.shortcuts import get_object_or_404

from agencies.models import Agency, InstituteRole, Membership


def has_institute_role(user, role: str) -> bool:
    if not user.is_authenticated:
        return False
    roles = getattr(user, "_institute_roles_cache", None)
    if roles is None:
        roles = set(InstituteRole.objects.filter(user=user).values_list("role", flat=True))
        user._institute_roles_cache = roles
    return role in roles


def require_institute_role(user, role: str) -> None:
    if not has_institute_role(user, role):
        raise Http404("No such page.")


def membership_for(user, agency: Agency) -> Membership | None:
    if not user.is_authenticated:
        return None
    return Membership.objects.filter(user=user, agency=agency).first()


def get_agency_for_user(user, code: str, *, write: bool = False, head: bool = False) -> Agency:
    """The agency with ``code`` if ``user`` belongs to it (as editor or head
    when ``write``, as head when ``head``), else 404."""
    memberships = Membership.objects.filter(user=user) if user.is_authenticated else Membership.objects.none()
    if head:
        memberships = memberships.filter(role=Membership.Role.HEAD)
    elif write:
        memberships = memberships.filter(role__in=[Membership.Role.HEAD, Membership.Role.EDITOR])
    return get_object_or_404(Agency, code=code, memberships__in=memberships)
