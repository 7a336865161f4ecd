from agencies.access import person_roles
from agencies.models import InstituteRole, Notification


def navigation(request):
    """What the navigation bar needs: the user's agencies and institute roles
    (read once per request, shared with the access checks)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    roles = person_roles(user)
    return {
        "nav_unread": Notification.objects.filter(user=user, read_at__isnull=True).count(),
        "nav_memberships": roles.memberships,
        "nav_is_committee": InstituteRole.Role.COMMITTEE in roles.institute_roles,
        "nav_is_auditor": InstituteRole.Role.AUDITOR in roles.institute_roles,
        "nav_is_standards_admin": InstituteRole.Role.STANDARDS_ADMIN in roles.institute_roles,
    }
