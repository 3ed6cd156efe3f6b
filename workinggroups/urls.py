from django.urls import path

from . import views

app_name = "workinggroups"

urlpatterns = [
    path("", views.index, name="index"),
    path("<str:code>/", views.detail, name="detail"),
    path("<str:code>/join/", views.join, name="join"),
    path("<str:code>/leave/", views.leave, name="leave"),
    path("<str:code>/notifications/", views.notifications, name="notifications"),
    path("<str:code>/members/", views.members, name="members"),
    path("<str:code>/members/<int:pk>/role/", views.set_role, name="set_role"),
    path("<str:code>/members/<int:pk>/remove/", views.remove, name="remove"),
    path("<str:code>/requests/<int:pk>/decide/", views.decide, name="decide"),
    path("<str:code>/trash/", views.trash, name="trash"),
    path("<str:code>/audit/", views.audit, name="audit"),
]
