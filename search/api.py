"""REST API of the search: GET /api/v1/search/?q=&kind=&working_group=&year=&language= with
the same results and visibility rules as the page (search.selectors), for anonymous callers,
token holders and session users alike."""

from django.urls import path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from . import selectors
from .forms import SearchForm
from .models import Kind


def register(router) -> None:
    pass


class SearchHitSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=Kind.choices)
    title = serializers.CharField()
    url = serializers.CharField(help_text="The page of the result (a path on this site).")
    snippet = serializers.CharField(
        help_text="An excerpt of the text, HTML-escaped, matches inside <mark> tags.")
    year = serializers.IntegerField(allow_null=True)
    language = serializers.CharField(help_text='"ro", "en" or "" (unknown or mixed).')
    rank = serializers.FloatField()


class SearchPagination(PageNumberPagination):
    page_size = 25
    page_size_query_param = "page_size"
    max_page_size = 100

    def get_paginated_response(self, data):
        return Response({"count": self.page.paginator.count, "next": self.get_next_link(),
                         "previous": self.get_previous_link(), "counts": self.counts,
                         "results": data})


class SearchView(APIView):
    """Search everything this caller may see (drafts only for their working groups' members)."""

    permission_classes = [AllowAny]

    @extend_schema(
        summary="Search clusters, documents, events, projects, reports, institutions and "
                "good practices",
        parameters=[
            OpenApiParameter("q", OpenApiTypes.STR, description="The words to find (any text; "
                             "only its letters and digits are used, at most 1,000 characters)."),
            OpenApiParameter("kind", OpenApiTypes.STR, enum=Kind.values),
            OpenApiParameter("working_group", OpenApiTypes.STR,
                             description="A working group's code, e.g. WG1."),
            OpenApiParameter("year", OpenApiTypes.INT),
            OpenApiParameter("language", OpenApiTypes.STR, enum=["ro", "en"]),
            OpenApiParameter("page", OpenApiTypes.INT),
            OpenApiParameter("page_size", OpenApiTypes.INT),
        ],
        responses=inline_serializer("SearchResults", {
            "count": serializers.IntegerField(),
            "next": serializers.URLField(allow_null=True),
            "previous": serializers.URLField(allow_null=True),
            "counts": serializers.DictField(child=serializers.IntegerField(),
                                            help_text="Results per kind (all kinds)."),
            "results": SearchHitSerializer(many=True),
        }),
    )
    def get(self, request):
        data = request.query_params.copy()
        if "working_group" in data:
            data["group"] = data["working_group"]
        form = SearchForm(data)
        if not form.is_valid() and set(form.errors) - {"q"}:
            return Response({"errors": form.errors}, status=400)
        search = selectors.search_for(request.user, **form.filters())
        paginator = SearchPagination()
        paginator.counts = search.counts if search.searched else {}
        hits = paginator.paginate_queryset(search.page(), request, view=self)
        return paginator.get_paginated_response(SearchHitSerializer(hits, many=True).data)


urlpatterns = [
    path("search/", SearchView.as_view(), name="search"),
]
