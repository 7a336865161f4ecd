from agencies.models import InstituteRole
from agencies.selectors import memberships_for_user


def navigation(request):
    """What the navigation bar needs: the user's agencies and institute roles."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    roles = set(InstituteRole.objects.filter(user=user).values_list("role", flat=True))
    user._institute_roles_cache = roles
    return {
        "nav_memberships": list(memberships_for_user(user)),
        "nav_is_committee": InstituteRole.Role.COMMITTEE in roles,
        "nav_is_auditor": InstituteRole.Role.AUDITOR in roles,
        "nav_is_standards_admin": InstituteRole.Role.STANDARDS_ADMIN in roles,
    }
