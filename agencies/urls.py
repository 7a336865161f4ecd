from django.urls import path

from agencies import twofactor_views, views

app_name = "agencies"

urlpatterns = [
    path("agencies/new/", views.agency_create, name="agency_create"),
    path("agencies/<slug:code>/members/", views.members, name="members"),
    path("agencies/<slug:code>/members/<int:membership_id>/", views.member_change, name="member_change"),
    path(
        "agencies/<slug:code>/invitations/<int:invitation_id>/withdraw/",
        views.invitation_withdraw,
        name="invitation_withdraw",
    ),
    path(
        "agencies/<slug:code>/invitations/<int:invitation_id>/resend/",
        views.invitation_resend,
        name="invitation_resend",
    ),
    path("agencies/<slug:code>/first-head/", views.first_head, name="first_head"),
    path("invitations/welcome/<str:secret>/", views.invitation_welcome, name="invitation_welcome"),
    path("invitations/join/", views.invitation_join, name="invitation_join"),
    path("invitations/<int:invitation_id>/confirm/", views.invitation_confirm, name="invitation_confirm"),
    path("invitations/<int:invitation_id>/", views.invitation_answer, name="invitation_answer"),
    path("people/history/", views.people_history, name="people_history"),
    path("notifications/", views.notifications, name="notifications"),
    path("notifications/read/", views.notifications_read, name="notifications_read"),
    path("accounts/two-step/", twofactor_views.two_factor, name="two_factor"),
    path("accounts/two-step/set-up/", twofactor_views.two_factor_setup, name="two_factor_setup"),
    path("accounts/two-step/code/", twofactor_views.two_factor_verify, name="two_factor_verify"),
    path("accounts/two-step/recovery-codes/", twofactor_views.recovery_codes, name="recovery_codes"),
    path("accounts/two-step/off/", twofactor_views.two_factor_remove, name="two_factor_remove"),
]
