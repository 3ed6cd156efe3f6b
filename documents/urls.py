from django.urls import path

from . import views

app_name = "documents"

urlpatterns = [
    path("", views.archive, name="index"),
    path("new/<str:code>/", views.upload, name="upload"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/versions/new/", views.version_new, name="version_new"),
    path("<int:pk>/versions/<int:number>/download/", views.download, name="download"),
    path("<int:pk>/versions/<int:number>/restore/", views.restore, name="restore"),
    path("<int:pk>/compare/", views.compare, name="compare"),
    path("<int:pk>/lock/", views.lock, name="lock"),
    path("<int:pk>/unlock/", views.unlock, name="unlock"),
    path("<int:pk>/status/", views.status, name="status"),
    path("<int:pk>/publish/", views.publish, name="publish"),
    path("<int:pk>/unpublish/", views.unpublish, name="unpublish"),
    path("<int:pk>/trash/", views.trash, name="trash"),
    path("<int:pk>/untrash/", views.untrash, name="untrash"),
]
