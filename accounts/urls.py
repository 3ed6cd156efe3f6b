from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("profile/", views.profile_edit, name="profile"),
    path("moderation/", views.moderation_queue, name="moderation"),
    path("moderation/<int:pk>/decide/", views.moderation_decide, name="moderation_decide"),
]
