"""The institute's dashboard: where the agencies stand, cohort by cohort."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from agencies.access import person_roles
from agencies.models import InstituteRole
from assessment.models import Project
from certification import dashboard
from certification.forms import DashboardFilterForm
from certification.selectors import projects_with_submitted_total
from certification.views.review import project_list
from pso_site.lib.charts import RadarSeries, radar_svg

READERS = {InstituteRole.Role.COMMITTEE, InstituteRole.Role.STANDARDS_ADMIN}


@login_required
@require_safe
def institute_dashboard(request):
    """Committee members and standards administrators: every agency's step,
    status, submitted total and certificate; counts, certificates running
    out, the committee's workload, the years. Drafts show their step and
    status only, never their content."""
    if not READERS & person_roles(request.user).institute_roles:
        raise Http404("No such page.")
    form = DashboardFilterForm(request.GET or None)
    projects = form.filter(Project.objects.all())
    counts = dashboard.status_counts(projects)
    figures = {
        "counts": counts,
        "total": sum(counts.values()),
        "statuses": Project.Status.choices,
        "expiring": list(dashboard.expiring(projects)[:10]),
        "ending": dashboard.expiring_counts(projects),
        "workload": dashboard.workload(projects, counts),
        "years": dashboard.by_year(projects),
    }
    chart = dashboard.criterion_levels(projects)
    if chart is not None:
        figures["chart"] = radar_svg(
            labels=chart.labels,
            series=[
                RadarSeries(_("Average of %(count)s submissions") % {"count": chart.projects}, chart.average),
                RadarSeries(_("Lowest"), chart.lowest, dashed=True),
            ],
        )
    return project_list(
        request,
        form=form,
        projects=projects_with_submitted_total(projects).select_related("certificate"),
        template="certification/dashboard.html",
        extra=figures,
        download_name="pso-institute",
        default_sort="agency",
    )
