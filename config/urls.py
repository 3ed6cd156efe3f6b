import os

from django.contrib import admin
from django.http import HttpResponse
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from accounts.views import set_language
from core.health import healthz

admin.site.site_header = _("Cluster Policy Platform: administration")
admin.site.site_title = _("Cluster Policy Platform")

# A database outage inside any middleware (session, user) answers 503, not 500.
handler500 = "core.errors.server_error"
# Unknown URLs under /api/ answer in JSON, like the API's own 404s.
handler404 = "core.api.not_found"

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("", include("core.urls")),
    path("i18n/setlang/", set_language, name="set_language"),
    path("accounts/", include("accounts.urls")),
    path("accounts/", include("allauth.urls")),
    path("clusters/", include("clusters.urls")),
    path("groups/", include("workinggroups.urls")),
    path("documents/", include("documents.urls")),
    path("events/", include("events.urls")),
    path("projects/", include("projects.urls")),
    path("institutions/", include("institutions.urls")),
    path("good-practices/", include("goodpractices.urls")),
    path("search/", include("search.urls")),
    path("api/v1/", include(("config.api_urls", "api"), namespace="api")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"),
         name="api-docs"),
    path("admin/", admin.site.urls),
]

if os.environ.get("BENCH_BARE_VIEW") == "1":  # bench/production.py only: the framework's ceiling
    urlpatterns.append(path("bench/bare/", lambda request: HttpResponse("ok"), name="bench-bare"))
