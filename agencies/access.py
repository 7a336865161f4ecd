"""Who may see and change what. Every view fetches agency objects through
these helpers; anyone without the right gets a 404, never the content.

A person's memberships and institute roles are read once per request
(``person_roles``) and shared by the navigation bar and every access check
of that request. Services that change data read the role again inside their
transaction (``assessment.writes.role_in_project``, ``institute_role_now``).
"""

from dataclasses import dataclass

from django.http import Http404

from agencies.models import Agency, InstituteRole, Membership


@dataclass
class PersonRoles:
    memberships: list[Membership]
    institute_roles: set[str]

    def role_in(self, agency_id: int) -> str | None:
        return next((m.role for m in self.memberships if m.agency_id == agency_id), None)


def person_roles(user) -> PersonRoles:
    """The person's memberships (with their agencies, for the navigation bar)
    and institute roles: two queries, once per request."""
    if not user.is_authenticated:
        return PersonRoles([], set())
    cached = user.__dict__.get("_person_roles")
    if cached is None:
        cached = PersonRoles(
            memberships=list(
                Membership.objects.filter(user=user)
                .select_related("agency", "agency__parent")
                .order_by("agency__name_th")
            ),
            institute_roles=set(InstituteRole.objects.filter(user=user).values_list("role", flat=True)),
        )
        user.__dict__["_person_roles"] = cached
    return cached


def has_institute_role(user, role: str) -> bool:
    return role in person_roles(user).institute_roles


def institute_role_now(user, role: str) -> bool:
    """The role as stored now (for services deciding inside their transaction)."""
    return user.is_authenticated and InstituteRole.objects.filter(user=user, role=role).exists()


def require_institute_role(user, role: str) -> None:
    if not has_institute_role(user, role):
        raise Http404("No such page.")


def membership_for(user, agency: Agency) -> Membership | None:
    return next((m for m in person_roles(user).memberships if m.agency_id == agency.pk), None)


def get_agency_for_user(user, code: str, *, write: bool = False, head: bool = False) -> Agency:
    """The agency with ``code`` if ``user`` belongs to it (as editor or head
    when ``write``, as head when ``head``), else 404."""
    allowed = (
        {Membership.Role.HEAD} if head else {Membership.Role.HEAD, Membership.Role.EDITOR} if write else None
    )
    for membership in person_roles(user).memberships:
        if membership.agency.code == code and (allowed is None or membership.role in allowed):
            return membership.agency
    raise Http404("No such agency.")
