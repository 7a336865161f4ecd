from django.urls import path

from agencies import views

app_name = "agencies"

urlpatterns = [
    path("agencies/<slug:code>/members/", views.members, name="members"),
    path("agencies/<slug:code>/members/<int:membership_id>/", views.member_change, name="member_change"),
]
