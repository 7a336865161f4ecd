"""Querysets that pages need, with their joins, in one place."""

from agencies.models import Standard


def standards_with_criteria():
    return Standard.objects.prefetch_related("criteria").order_by("code")
