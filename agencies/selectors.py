"""Querysets that pages need, with their joins, in one place."""

from agencies.models import Membership, Standard


def memberships_for_user(user):
    return (
        Membership.objects.filter(user=user)
        .select_related("agency", "agency__parent")
        .order_by("agency__name_th")
    )


def standards_with_criteria():
    return Standard.objects.prefetch_related("criteria").order_by("code")
