"""Workflows on people and roles."""

from django.contrib.auth.models import Group, Permission
from django.db import transaction

from agencies.models import InstituteRole

STANDARDS_ADMIN_GROUP = "standards_admin"
# What a standards administrator manages in the Django admin (domain.md §5).
STANDARDS_ADMIN_MODELS = [
    "agency",
    "cohort",
    "membership",
    "standard",
    "criterion",
    "ultimateoutcome",
    "missioncategory",
    "step",
]


def standards_admin_group() -> Group:
    group, _ = Group.objects.get_or_create(name=STANDARDS_ADMIN_GROUP)
    permissions = Permission.objects.filter(
        content_type__app_label="agencies", content_type__model__in=STANDARDS_ADMIN_MODELS
    )
    group.permissions.set(permissions)
    return group


@transaction.atomic
def institute_role_grant(*, user, role: str) -> InstituteRole:
    """Give ``user`` an institute role; a standards administrator also gets
    the Django admin for the catalogue and agencies."""
    grant, _ = InstituteRole.objects.get_or_create(user=user, role=role)
    if role == InstituteRole.Role.STANDARDS_ADMIN:
        user.is_staff = True
        user.save(update_fields=["is_staff"])
        user.groups.add(standards_admin_group())
    return grant
