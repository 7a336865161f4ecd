from django.urls import path

from certification.views import archive, certificates, dashboard, decisions, dossiers, request, review

app_name = "certification"

urlpatterns = [
    path("projects/<int:pk>/step/9/", request.step9, name="step9"),
    path("projects/<int:pk>/submit/", request.submit, name="submit"),
    path("projects/<int:pk>/renew/", request.renew, name="renew"),
    path("projects/<int:pk>/as-submitted/", request.submitted_version, name="submitted"),
    path("projects/<int:pk>/archive/", archive.project_archive, name="archive"),
    path("projects/<int:pk>/committee/", decisions.committee_view, name="committee_view"),
    path("projects/<int:pk>/certificate/", certificates.certificate_page, name="certificate"),
    path("projects/<int:pk>/certificate.pdf", certificates.certificate_download, name="certificate_pdf"),
    path("projects/<int:pk>/dossier.pdf", dossiers.dossier_latest, name="dossier"),
    path("projects/<int:pk>/dossier/prepare/", dossiers.draft_prepare, name="draft_prepare"),
    path("projects/<int:pk>/dossiers/<int:dossier_id>.pdf", dossiers.dossier_issued, name="dossier_issued"),
    path("projects/<int:pk>/dossiers/<int:dossier_id>/retry/", dossiers.dossier_retry, name="dossier_retry"),
    path("committee/", review.committee_queue, name="committee_queue"),
    path("committee/projects/<int:pk>/", review.review_page, name="review"),
    path("committee/certificates/<str:number>/revoke/", review.certificate_revoke, name="revoke"),
    path("institute/", dashboard.institute_dashboard, name="dashboard"),
    path("audit/", review.audit_list, name="audit"),
]
