from django.urls import path

from . import views

app_name = "clusters"

urlpatterns = [
    path("", views.directory, name="index"),
    path("export.<str:fmt>", views.export, name="export"),
    path("<slug:slug>/", views.detail, name="detail"),
    path("<slug:slug>/logo/", views.logo, name="logo"),
    path("<slug:slug>/labels/<int:pk>/certificate/", views.certificate, name="certificate"),
    path("<slug:slug>/edit/", views.edit, name="edit"),
    path("<slug:slug>/members/", views.members, name="members"),
    path("<slug:slug>/offers-and-gaps/", views.value_chain, name="value_chain"),
    path("<slug:slug>/labels/new/", views.label_add, name="label_add"),
    path("<slug:slug>/history/", views.history, name="history"),
    path("<slug:slug>/partners/", views.partners, name="partners"),
]
