from django.urls import path

from assessment.views import certificates, dossiers, projects, results, review, rounds, steps

app_name = "assessment"

urlpatterns = [
    path("agencies/<slug:code>/projects/new/", projects.project_create, name="project_create"),
    path("projects/<int:pk>/", projects.project_detail, name="project"),
    path("projects/<int:pk>/history/", projects.project_history, name="history"),
    path("projects/<int:pk>/export.json", projects.project_export_json, name="export"),
    path("projects/<int:pk>/step/<int:number>/", steps.step, name="step"),
    path("projects/<int:pk>/rounds/", rounds.round_current, name="round_current"),
    path("projects/<int:pk>/rounds/start/", rounds.round_start, name="round_start"),
    path("projects/<int:pk>/rounds/<int:number>/", rounds.round_grid, name="round"),
    path("projects/<int:pk>/rounds/<int:number>/cells/<int:cell_id>/", rounds.cell_detail, name="cell"),
    path("projects/<int:pk>/evidence/<int:evidence_id>/", rounds.evidence_download, name="evidence"),
    path("projects/<int:pk>/results/", results.project_results, name="results"),
    path("projects/<int:pk>/certificate/", certificates.certificate_page, name="certificate"),
    path("projects/<int:pk>/dossier.pdf", dossiers.dossier_latest, name="dossier"),
    path("projects/<int:pk>/dossiers/<int:dossier_id>.pdf", dossiers.dossier_issued, name="dossier_issued"),
    path("committee/", review.committee_queue, name="committee_queue"),
    path("committee/projects/<int:pk>/", review.review_page, name="review"),
    path("committee/projects/<int:pk>/decide/", review.decide, name="decide"),
    path("committee/certificates/<str:number>/revoke/", review.certificate_revoke, name="revoke"),
    path("audit/", review.audit_list, name="audit"),
]
