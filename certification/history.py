"""The committee's records in the project's history (``assessment.history``)."""

from django.utils.translation import gettext as _

from assessment.history import HistorySource, register_history_source
from certification.models import Certificate, Decision, IssuedDossier, Review, ReviewCriterion


def register() -> None:
    for source in (
        HistorySource(
            Review,
            lambda pk: Review.history.filter(project_id=pk),
            lambda r: _("Committee review %(number)s") % {"number": r.number},
        ),
        HistorySource(
            ReviewCriterion,
            lambda pk: ReviewCriterion.history.filter(review__project_id=pk),
            lambda r: _("Committee level"),
        ),
        HistorySource(Decision, lambda pk: Decision.history.filter(project_id=pk), lambda r: _("Decision")),
        HistorySource(
            Certificate,
            lambda pk: Certificate.history.filter(project_id=pk),
            lambda r: _("Certificate %(number)s") % {"number": r.number},
        ),
        HistorySource(
            IssuedDossier,
            lambda pk: IssuedDossier.history.filter(project_id=pk),
            lambda r: _("Issued dossier"),
        ),
    ):
        register_history_source(source)
