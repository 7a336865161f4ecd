"""The results page: per-criterion table, total, radar chart, drill-down."""

from decimal import Decimal

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from assessment import results
from assessment.access import get_project_for_user
from assessment.models import AssessmentRound
from assessment.services import latest_round
from assessment.views.common import project_frame
from pso_site.charts import RadarSeries, radar_svg


def round_comparison(rows, rounds):
    """Baseline → … → latest → target per criterion, from the levels each
    round stored when it was saved."""
    if len(rounds) < 2:
        return None
    return {
        "rounds": rounds,
        "rows": [
            {
                "criterion": row.criterion,
                "levels": [r.criterion_levels.get(row.criterion.code) for r in rounds],
                "target": row.target,
            }
            for row in rows
        ],
    }


@login_required
@require_safe
def project_results(request, pk: int):
    project = get_project_for_user(request.user, pk)
    rounds = list(AssessmentRound.objects.filter(project=project).order_by("number"))
    number = request.GET.get("round")
    if number and number.isdigit():
        assessment_round = get_object_or_404(AssessmentRound, project=project, number=int(number))
    else:
        assessment_round = latest_round(project)
    data = results.ProjectData.load(project)
    context = project_frame(request, project, data=data, current_step=6)
    context.update({"rounds": rounds, "round": assessment_round})
    if assessment_round is not None and data.criteria:
        data.with_round(assessment_round)
        score = data.score()
        rows = results.criterion_rows(data, score)
        series = [
            RadarSeries(_("Round %(number)s") % {"number": assessment_round.number}, [r.level for r in rows])
        ]
        baseline = rounds[0]
        if baseline.pk != assessment_round.pk:
            # Earlier rounds are read from their stored levels, not recomputed.
            levels = [Decimal(baseline.criterion_levels.get(r.criterion.code, "0")) for r in rows]
            series.insert(0, RadarSeries(_("Round %(number)s") % {"number": baseline.number}, levels))
        if score.target_total is not None:
            series.append(RadarSeries(_("Target"), [r.target for r in rows], dashed=True))
        context.update(
            {
                "score": score,
                "rows": rows,
                "readiness": results.readiness(data, score),
                "weight_total": results.weight_total(data.criteria),
                "radar": radar_svg(labels=[r.criterion.name for r in rows], series=series),
                "mission_scores": [(m, score.mission_score[str(m.pk)]) for m in data.missions],
                "comparison": round_comparison(rows, rounds),
            }
        )
    return render(request, "assessment/results.html", context)
