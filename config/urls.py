from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from accounts.views import set_language

admin.site.site_header = _("Cluster Policy Platform: administration")
admin.site.site_title = _("Cluster Policy Platform")

urlpatterns = [
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
