from django.contrib.sitemaps.views import sitemap
from django.urls import path
from django.views.decorators.cache import cache_page

from . import feeds, views
from .sitemaps import sitemaps

app_name = "core"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("open-data/", views.OpenDataView.as_view(), name="open-data"),
    path("sitemap.xml", cache_page(60 * 10)(sitemap), {"sitemaps": sitemaps()},
         name="sitemap"),
    path("feeds/latest.xml", feeds.LatestPublicationsFeed(), name="feed_latest"),
]
