"""The public cluster directory: filters with counts, text search, sort, pages, charts, exports."""

import csv
import io
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from .conftest import make_cluster

pytestmark = pytest.mark.django_db

URL = reverse("clusters:index")


def names(response):
    return [c.name for c in response.context["page_obj"]]


def test_anonymous_sees_published_clusters_with_their_facts(client, directory):
    response = client.get(URL)
    assert response.status_code == 200
    assert names(response) == ["Agro Transilvania Cluster", "Astrico Nord-Est", "Green Energy",
                               "ROSENC"]
    body = response.content.decode()
    assert "Draft Cluster" not in body
    assert "label-gold" in body
    assert "label-silver" in body
    assert "label-bronze" in body
    assert ">60<" in body  # member count


def test_staff_also_see_unpublished_clusters(staff_client, directory):
    assert "Draft Cluster" in names(staff_client.get(URL))


@pytest.mark.parametrize(("params", "expected"), [
    ({"region": "centru"}, ["Agro Transilvania Cluster", "Green Energy"]),
    ({"sector": "energie"}, ["Astrico Nord-Est", "Green Energy", "ROSENC"]),
    ({"country": "RO", "sector": "tic"}, ["Astrico Nord-Est"]),
    ({"label": "gold"}, ["Agro Transilvania Cluster"]),
    ({"label": "any"}, ["Agro Transilvania Cluster", "Green Energy", "ROSENC"]),
    ({"label": "any", "region": "centru", "sector": "energie"}, ["Green Energy"]),
])
def test_filters(client, directory, params, expected):
    assert names(client.get(URL, params)) == expected


@pytest.mark.parametrize("text", ["brasov", "BRAȘOV", "Brașov", "braşov", "sfantu gheorghe",
                                  "asociatia green", "ASTRICO ne"])
def test_text_search_ignores_accents_and_case(client, directory, text):
    assert names(client.get(URL, {"search": text})) in (["Green Energy"], ["Astrico Nord-Est"])


def test_search_with_several_words_needs_all_of_them(client, directory):
    assert names(client.get(URL, {"search": "energie brasov"})) == ["Green Energy"]
    assert names(client.get(URL, {"search": "energie iasi"})) == []


def test_an_expired_label_is_not_current(client, directory):
    from datetime import timedelta

    from django.utils import timezone

    from clusters.models import ClusterLabel

    today = timezone.localdate()
    ClusterLabel.objects.filter(cluster=directory["rosenc"]).update(
        awarded_on=today - timedelta(days=900), valid_until=today - timedelta(days=10))
    assert "ROSENC" not in names(client.get(URL, {"label": "any"}))


@pytest.mark.parametrize(("ordering", "first"), [
    ("-members", "Agro Transilvania Cluster"),
    ("-label", "Agro Transilvania Cluster"),
    ("-name", "ROSENC"),
])
def test_sorting(client, directory, ordering, first):
    assert names(client.get(URL, {"ordering": ordering}))[0] == first


def test_each_filter_option_says_how_many_clusters_it_leaves(client, directory):
    facets = client.get(URL, {"region": "centru"}).context["facets"]
    regions = {o.value: o.count for o in facets["region"]}
    assert regions == {"centru": 2, "nord-est": 1, "vest": 1}  # other filters only
    sectors = {o.value: o.count for o in facets["sector"]}
    assert sectors == {"energie": 1, "bioeconomie": 1}  # within the chosen region
    labels = {o.value: o.count for o in facets["label"]}
    assert labels == {"any": 2, "gold": 1, "silver": 1}


def test_invalid_filter_values_are_reported_not_ignored_silently(client, directory):
    response = client.get(URL, {"region": "atlantida"})
    assert response.status_code == 200
    assert names(response) == []
    assert "Some filters were not valid" in response.content.decode()


def test_empty_state(client, directory):
    response = client.get(URL, {"search": "nimic-asemanator"})
    assert "No cluster matches these filters." in response.content.decode()


def test_pages(client, regions):
    for n in range(30):
        make_cluster(f"cluster-{n:02d}", regions["vest"])
    first = client.get(URL)
    assert len(first.context["page_obj"]) == 25
    assert len(client.get(URL, {"page": 2}).context["page_obj"]) == 5


def test_charts_are_inline_svg_with_a_text_alternative(client, directory):
    body = client.get(URL).content.decode()
    assert body.count('<svg class="bar-chart" role="img"') == 3
    assert "Clusters per region" in body
    assert "<title id=\"chart-region-title\">Clusters per region: Centre 2" in body


def test_chart_bars_have_valid_svg_widths_in_romanian(directory):
    import re

    from django.test import Client

    body = Client(HTTP_ACCEPT_LANGUAGE="ro").get(URL).content.decode()
    widths = re.findall(r'<rect class="bar[^"]*" x="0" y="\d+" width="([^"]+)"', body)
    assert widths
    assert all(re.fullmatch(r"\d+(\.\d+)?%", w) for w in widths), widths
    assert "50%" in widths or "50.0%" in widths  # Centru 2 of 2, Nord-Est 1, Vest 1


def test_directory_query_count_does_not_grow_with_rows(client, regions, sectors,
                                                       django_assert_max_num_queries):
    for n in range(5):
        make_cluster(f"few-{n}", regions["vest"], sectors=[sectors["tic"]], label="silver")
    with CaptureQueriesContext(connection) as few:
        client.get(URL)
    for n in range(45):
        make_cluster(f"many-{n}", regions["centru"], sectors=list(sectors.values()),
                     label="gold")
    with django_assert_max_num_queries(len(few)):
        response = client.get(URL)
    assert len(response.context["page_obj"]) == 25


def test_csv_export_keeps_the_filters_and_the_diacritics(client, directory):
    response = client.get(reverse("clusters:export", args=["csv"]), {"region": "centru"})
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    assert [r["name"] for r in rows] == ["Agro Transilvania Cluster", "Green Energy"]
    assert rows[1]["management_entity"] == "Asociația Green Energy"
    assert rows[1]["label"] == "Silver"


def test_csv_export_neutralises_formulas(client, regions):
    make_cluster("evil", regions["vest"], name="=HYPERLINK(\"http://x\")")
    text = b"".join(client.get(reverse("clusters:export", args=["csv"]))
                    .streaming_content).decode()
    assert "'=HYPERLINK" in text


def test_json_export(client, directory):
    response = client.get(reverse("clusters:export", args=["json"]), {"label": "any"})
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert "Asociația" in response.content.decode("utf-8")  # not \u escaped
    data = json.loads(response.content)
    assert {c["name"] for c in data["clusters"]} == {"Agro Transilvania Cluster",
                                                     "Green Energy", "ROSENC"}


def test_unknown_export_format_is_404(client):
    assert client.get("/clusters/export.xml").status_code == 404


def test_text_search_is_backed_by_a_trigram_index_on_postgresql(require_postgresql):
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = %s",
                       ["clusters_cluster_search_trgm"])
        [(definition,)] = cursor.fetchall()
    assert "gin (search_text gin_trgm_ops)" in definition
