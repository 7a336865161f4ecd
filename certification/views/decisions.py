"""The committee's view, as the agency reads it: every decision with its
reason, and the committee's level and comment per criterion beside the
agency's own level as submitted, each comment linked to the step it
concerns."""

from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.shortcuts import render
from django.views.decorators.http import require_safe

from assessment.access import get_project_for_user
from assessment.frame import project_frame
from certification.models import Decision, IssuedDossier, ReviewCriterion


@login_required
@require_safe
def committee_view(request, pk: int):
    project = get_project_for_user(request.user, pk)
    decisions = list(
        Decision.objects.filter(project=project)
        .select_related("decided_by", "review")
        .prefetch_related(
            Prefetch(
                "review__criteria",
                queryset=ReviewCriterion.objects.select_related("criterion").order_by("criterion__order"),
            )
        )
        .order_by("-decided_at", "-pk")
    )
    # The agency's levels as the committee saw them: the figures of the
    # submission each review answered.
    submissions = list(
        IssuedDossier.objects.filter(project=project, occasion=IssuedDossier.Occasion.SUBMISSION)
        .only("issued_at", "figures")
        .order_by("issued_at")
    )
    frame = project_frame(request, project)
    steps = {step.number: step for step in frame["steps"]}
    for decision in decisions:
        answered = [s for s in submissions if s.issued_at <= decision.decided_at]
        figures = answered[-1].figures if answered else {}
        agency_levels = {item["code"]: item.get("level") for item in (figures or {}).get("criteria", [])}
        decision.rows = [
            {
                "criterion": row.criterion,
                "agency": agency_levels.get(row.criterion.code),
                "committee": row.level,
                "comment": row.comment,
                "step": row.step,
                "step_name": steps[row.step].name if row.step in steps else "",
                "step_url": steps[row.step].url if row.step in steps else None,
            }
            for row in decision.review.criteria.all()
        ]
        decision.total = (figures or {}).get("total")
    frame.update({"decisions": decisions})
    return render(request, "certification/committee_view.html", frame)
