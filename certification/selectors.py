"""Querysets of the institute's lists, with their joins, in one place."""

from django.db.models import OuterRef, Subquery
from django.db.models.fields.json import KT

from certification.models import IssuedDossier


def projects_with_submitted_total(queryset):
    """Projects with the total of their latest submission, as issued: the
    institute's lists never show an agency's live figures."""
    submission = IssuedDossier.objects.filter(
        project=OuterRef("pk"), occasion=IssuedDossier.Occasion.SUBMISSION
    ).order_by("-issued_at", "-pk")
    return queryset.select_related("agency", "standard").annotate(
        submitted_total=Subquery(submission.annotate(total=KT("figures__total")).values("total")[:1])
    )
