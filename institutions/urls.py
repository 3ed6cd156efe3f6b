from django.urls import path

from . import views

app_name = "institutions"

urlpatterns = [
    path("", views.index, name="index"),
    path("export.<str:fmt>", views.export, name="export"),
    path("<slug:slug>/", views.detail, name="detail"),
]
