"""The REST API, version 1: every app registers its resources here."""

from django.urls import path
from rest_framework.routers import DefaultRouter

from accounts.api import AuthTokenView, SignupViewSet

router = DefaultRouter()
router.register("signups", SignupViewSet, basename="signup")

urlpatterns = [
    path("auth/token/", AuthTokenView.as_view(), name="auth-token"),
    *router.urls,
]
