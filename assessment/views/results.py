"""The results page: per-criterion table, total, radar chart, drill-down."""

from decimal import Decimal

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from agencies import audit
from agencies.models import AccessEvent
from assessment import results, workbooks
from assessment.access import get_project_for_user
from assessment.frame import project_frame, project_state
from pso_site.lib.charts import RadarSeries, radar_svg
from pso_site.lib.xlsx import table_csv_response, workbook_response


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


def _round_asked(request, state):
    """The round of ``?round=`` (default the latest), or 404."""
    number = request.GET.get("round", "")
    if not number:
        return state.latest_round
    if not (number.isascii() and number.isdigit()):
        raise Http404("No such round.")
    assessment_round = next((r for r in state.rounds if r.number == int(number)), None)
    if assessment_round is None:
        raise Http404("No such round.")
    return assessment_round


def _score(state, assessment_round):
    if assessment_round is state.latest_round:
        return state.latest_score
    return state.data.with_round(assessment_round).score()


@login_required
@require_safe
def project_results(request, pk: int):
    project = get_project_for_user(request.user, pk)
    state = project_state(request, project)
    rounds = state.rounds
    assessment_round = _round_asked(request, state)
    data = state.data
    context = project_frame(request, project, current_step=6)
    context.update({"rounds": rounds, "round": assessment_round})
    if assessment_round is not None and data.criteria:
        score = _score(state, assessment_round)
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


def _results_export(request, pk: int):
    """The project, the round asked for and its results, for an export;
    404 when there are none."""
    project = get_project_for_user(request.user, pk)
    state = project_state(request, project)
    assessment_round = _round_asked(request, state)
    if assessment_round is None or not state.data.criteria:
        raise Http404("No results yet.")
    score = _score(state, assessment_round)
    rows = results.criterion_rows(state.data, score)
    exported = {
        "score": score,
        "rows": rows,
        "missions": state.data.missions,
        "comparison": round_comparison(rows, state.rounds),
    }
    name = f"pso-{project.standard.code}-{project.agency.code}-{project.fiscal_year_be}-results-{assessment_round.number}"
    return project, assessment_round, exported, name


@login_required
@require_safe
def results_workbook(request, pk: int):
    """The results page as a workbook: criteria, missions, rounds compared."""
    project, assessment_round, exported, name = _results_export(request, pk)
    audit.record(request, AccessEvent.Action.EXPORT, f"{project} · results.xlsx")
    return workbook_response(
        workbooks.results_workbook(project, assessment_round, **exported), f"{name}.xlsx"
    )


@login_required
@require_safe
def results_csv(request, pk: int):
    """One table of the results workbook as CSV, with the same access:
    ``?table=criteria`` (the default), ``missions``, or ``rounds`` (when
    there is more than one round)."""
    project, _round, exported, name = _results_export(request, pk)
    table_asked = request.GET.get("table") or workbooks.RESULTS_TABLES[0]
    tables = workbooks.results_tables(**exported)
    if table_asked not in tables:
        raise Http404("No such table.")
    audit.record(request, AccessEvent.Action.EXPORT, f"{project} · results-{table_asked}.csv")
    return table_csv_response(tables[table_asked], f"{name}-{table_asked}.csv")
