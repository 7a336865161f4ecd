from django.contrib import admin
from django.urls import include, path

from agencies.views import PasswordChange, PasswordReset, SignIn
from certification.views.certificates import institute_certificate, verify, verify_document, verify_lookup
from pso_site import health, idle, outbox, views

urlpatterns = [
    path("", views.home, name="home"),
    path("catalogue/", views.catalogue, name="catalogue"),
    path("", include("assessment.urls")),
    path("", include("plans.urls")),
    path("", include("certification.urls")),
    path("", include("agencies.urls")),
    path("accounts/login/", SignIn.as_view(), name="login"),
    path("accounts/password_change/", PasswordChange.as_view(), name="password_change"),
    path("accounts/password_reset/", PasswordReset.as_view(), name="password_reset"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("i18n/setlang/", views.set_language, name="set_language"),
    # Before the admin's own pages, which would take these addresses for an app's.
    path("admin/outbox/", outbox.mail_list, name="outbox"),
    path("admin/outbox/<str:name>/", outbox.mail_detail, name="outbox_mail"),
    path("admin/outbox/<str:name>/html/", outbox.mail_html, name="outbox_html"),
    path("admin/", admin.site.urls),
    path("verify/", verify_lookup, name="verify_lookup"),
    path("verify/document/", verify_document, name="verify_document"),
    path("verify/institute.pem", institute_certificate, name="institute_certificate"),
    path("verify/<str:token>/", verify, name="verify"),
    path("session/", idle.session_status, name="session_status"),
    path("health/", health.health, name="health"),
    path("health/live/", health.live, name="health_live"),
    path(".well-known/security.txt", views.security_txt, name="security_txt"),
    path("guide/", views.guide, name="guide_home"),
    path("guide/<slug:role>/", views.guide, name="guide"),
]
