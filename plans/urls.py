from django.urls import path, re_path

from plans import views

app_name = "plans"

urlpatterns = [
    re_path(r"^projects/(?P<pk>[0-9]+)/step/(?P<number>[78])/$", views.step, name="step"),
    path("projects/<int:pk>/plans/new/", views.plan_create, name="plan_create"),
    path("projects/<int:pk>/plans/<int:plan_id>/", views.plan_edit, name="plan_edit"),
    path("projects/<int:pk>/plans/<int:plan_id>/delete/", views.plan_delete, name="plan_delete"),
    path("projects/<int:pk>/activities/new/", views.activity_create, name="activity_create"),
    path("projects/<int:pk>/activities/<int:activity_id>/", views.activity_detail, name="activity"),
    path("projects/<int:pk>/activities/<int:activity_id>/edit/", views.activity_edit, name="activity_edit"),
    path(
        "projects/<int:pk>/activities/<int:activity_id>/delete/",
        views.activity_delete,
        name="activity_delete",
    ),
    path(
        "projects/<int:pk>/activity-evidence/<int:evidence_id>/",
        views.activity_evidence,
        name="activity_evidence",
    ),
    path("projects/<int:pk>/timeline/", views.timeline, name="timeline"),
    path("projects/<int:pk>/planner/", views.planner, name="planner"),
    path("projects/<int:pk>/planner.json", views.planner_json, name="planner_json"),
    path("projects/<int:pk>/plans.xlsx", views.plans_workbook, name="workbook"),
    path("projects/<int:pk>/plans.csv", views.plans_csv, name="csv"),
]
