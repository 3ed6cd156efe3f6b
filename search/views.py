"""The search page (/search/): one box over everything, results grouped by kind with their
counts, highlighted snippets and filters. Reads in search.selectors (visibility included)."""

from django.core.paginator import Paginator
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_safe

from . import selectors
from .forms import SearchForm
from .models import Kind

PAGE_SIZE = 20


@require_safe
def index(request):
    form = SearchForm(request.GET or None)
    filters = form.filters() if request.GET else {"q": ""}
    search = selectors.search_for(request.user, **filters)
    page_obj = None
    tabs = []
    if search.searched:
        page_obj = Paginator(search.page(), PAGE_SIZE).get_page(request.GET.get("page"))
        query = request.GET.copy()
        query.pop("page", None)
        query.pop("kind", None)
        base = reverse("search:index") + "?" + query.urlencode()
        tabs = [{"key": "", "label": "", "count": sum(search.counts.values()),
                 "url": base, "active": not search.kind}]
        tabs += [{"key": kind, "label": Kind(kind).label, "count": count,
                  "url": f"{base}&kind={kind}", "active": search.kind == kind}
                 for kind, count in search.counts.items()]
        if search.kind and search.kind not in search.counts:  # a kind with no results
            tabs.append({"key": search.kind, "label": Kind(search.kind).label, "count": 0,
                         "url": f"{base}&kind={search.kind}", "active": True})
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "search/index.html", {
        "form": form if request.GET else SearchForm(),
        "search": search,
        "page_obj": page_obj,
        "tabs": tabs,
        "query": query.urlencode(),
        "filtered": any(filters.get(k) for k in ("kind", "working_group", "year", "language")),
    })
