from django.urls import path, re_path

from assessment.views import projects, results, rounds, steps, workbook

app_name = "assessment"

urlpatterns = [
    path("agencies/<slug:code>/projects/new/", projects.project_create, name="project_create"),
    path("projects/<int:pk>/", projects.project_detail, name="project"),
    path("projects/<int:pk>/history/", projects.project_history, name="history"),
    # Steps 1–6 are this app's; 7–8 are in plans, 9 in certification.
    re_path(r"^projects/(?P<pk>[0-9]+)/step/(?P<number>[1-6])/$", steps.step, name="step"),
    path("projects/<int:pk>/results.xlsx", results.results_workbook, name="results_workbook"),
    path("projects/<int:pk>/results.csv", results.results_csv, name="results_csv"),
    path("projects/<int:pk>/rounds/", rounds.round_current, name="round_current"),
    path("projects/<int:pk>/rounds/start/", rounds.round_start, name="round_start"),
    path("projects/<int:pk>/rounds/<int:number>/", rounds.round_grid, name="round"),
    path("projects/<int:pk>/rounds/<int:number>/discard/", rounds.round_discard, name="round_discard"),
    path(
        "projects/<int:pk>/rounds/<int:number>/confirm-carried/",
        rounds.carried_confirm,
        name="carried_confirm",
    ),
    path("projects/<int:pk>/rounds/<int:number>/workbook.xlsx", workbook.workbook_download, name="workbook"),
    path("projects/<int:pk>/rounds/<int:number>/workbook/", workbook.workbook_upload, name="workbook_upload"),
    path(
        "projects/<int:pk>/rounds/<int:number>/workbook/apply/",
        workbook.workbook_apply,
        name="workbook_apply",
    ),
    path("projects/<int:pk>/rounds/<int:number>/cells/<int:cell_id>/", rounds.cell_detail, name="cell"),
    path("projects/<int:pk>/evidence/<int:evidence_id>/", rounds.evidence_download, name="evidence"),
    path("projects/<int:pk>/results/", results.project_results, name="results"),
]
