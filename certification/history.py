"""The committee's records in the project's history (``assessment.history``)."""

from django.utils.translation import gettext as _

from assessment.history import HistorySource, register_history_source
from certification.models import Certificate, Decision, IssuedDossier, Review, ReviewCriterion


def decision_seal(review_id: int) -> str:
    """The seal of one review's changes in the project's history."""
    return f"review:{review_id}"


def register() -> None:
    for source in (
        # The committee's deliberation stays with it until it decides
        # (``decision_seal``, released by ``services.project_decide``).
        HistorySource(
            Review,
            lambda r: r.project_id,
            lambda r: _("Committee review %(number)s") % {"number": r.number},
            sealed=lambda r: decision_seal(r.pk),
        ),
        HistorySource(
            ReviewCriterion,
            lambda r: r.review.project_id,
            lambda r: _("Committee level: %(criterion)s") % {"criterion": r.criterion.name_th},
            frozenset({"carried_over"}),
            sealed=lambda r: decision_seal(r.review_id),
        ),
        HistorySource(
            Decision,
            lambda d: d.project_id,
            lambda d: _("Decision: %(kind)s") % {"kind": d.get_kind_display()},
        ),
        HistorySource(
            Certificate,
            lambda c: c.project_id,
            lambda c: _("Certificate %(number)s") % {"number": c.number},
            frozenset({"token"}),
        ),
        HistorySource(
            IssuedDossier,
            lambda d: d.project_id,
            lambda d: (
                _("%(document)s issued at %(occasion)s")
                % {"document": d.get_kind_display(), "occasion": d.get_occasion_display()}
            ),
            frozenset({"file", "size", "figures", "issued_at", "occasion", "kind", "replaces", "signer"}),
        ),
    ):
        register_history_source(source)
