"""The REST API, version 1: every app registers its resources here."""

from django.urls import path
from rest_framework.routers import DefaultRouter

from accounts.api import AuthTokenView, SignupViewSet
from clusters.api import ClusterViewSet, RegionViewSet, SectorViewSet
from documents.api import DocumentViewSet
from events.api import EventViewSet
from goodpractices import api as goodpractices_api
from institutions import api as institutions_api
from projects.api import CompetitionViewSet, ProjectViewSet
from search import api as search_api
from workinggroups.api import WorkingGroupViewSet

router = DefaultRouter()
router.register("signups", SignupViewSet, basename="signup")
router.register("clusters", ClusterViewSet, basename="cluster")
router.register("regions", RegionViewSet, basename="region")
router.register("sectors", SectorViewSet, basename="sector")
router.register("working-groups", WorkingGroupViewSet, basename="working-group")
router.register("documents", DocumentViewSet, basename="document")
router.register("events", EventViewSet, basename="event")
router.register("competitions", CompetitionViewSet, basename="competition")
router.register("projects", ProjectViewSet, basename="project")

# Apps that register their own viewsets.
institutions_api.register(router)
goodpractices_api.register(router)
search_api.register(router)

urlpatterns = [
    path("auth/token/", AuthTokenView.as_view(), name="auth-token"),
    *institutions_api.urlpatterns,
    *goodpractices_api.urlpatterns,
    *search_api.urlpatterns,
    *router.urls,
]
