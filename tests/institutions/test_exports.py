"""The list's CSV and JSON exports: the filtered rows the reader may see, UTF-8 with a BOM,
diacritics intact, spreadsheet formulas neutralised."""

import csv
import io
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from institutions.models import Institution
from tests.factories import UserFactory

from .conftest import PUBLISHED, make_institution

pytestmark = pytest.mark.django_db


def csv_rows(response):
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="institutions.csv"' in response["Content-Disposition"]
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))


def json_rows(response):
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    return json.loads(response.content)["institutions"]


def test_csv_has_the_published_institutions_with_diacritics(client, database):
    rows = csv_rows(client.get("/institutions/export.csv"))
    assert {r["url"].rstrip("/").rsplit("/", 1)[1] for r in rows} == PUBLISHED
    adr = next(r for r in rows if r["acronym"] == "ADR Nord-Est")
    assert adr == {
        "name": "Agenția de Dezvoltare Regională Nord-Est", "acronym": "ADR Nord-Est",
        "kind": "Regional authority or development agency",
        "url": "http://testserver/institutions/adr-nord-est/", "country": "Romania",
        "region": "North-East", "city": "Piatra Neamț", "website": "https://www.adrnordest.ro/",
        "description": "Acțiune pilot privind verigile lipsă din lanțurile valorice.",
        "clusters": "ASTRICO Nord-Est", "projects": "",
    }
    uefiscdi = next(r for r in rows if r["acronym"] == "UEFISCDI")
    assert uefiscdi["projects"] == "1 CLS/INOV-TREC; 8 CLS/ASTRICONE"
    cor = next(r for r in rows if r["acronym"] == "CoR")
    assert cor["country"] == "European Union"


def test_csv_follows_the_filters(client, database):
    rows = csv_rows(client.get("/institutions/export.csv", {"kind": "eu_body"}))
    assert [r["name"] for r in rows] == ["Comitetul European al Regiunilor"]
    rows = csv_rows(client.get("/institutions/export.csv", {"search": "prognoza"}))
    assert [r["acronym"] for r in rows] == ["IPE"]


def test_csv_neutralises_formulas(client, countries):
    make_institution("formula", name="=HYPERLINK(\"http://evil\")", acronym="+1",
                     description="@SUM(A1)", country=countries["RO"])
    row = csv_rows(client.get("/institutions/export.csv"))[0]
    assert row["name"] == "'=HYPERLINK(\"http://evil\")"
    assert row["acronym"] == "'+1"
    assert row["description"] == "'@SUM(A1)"


def test_json_export(client, database):
    response = client.get("/institutions/export.json", {"country": "GR"})
    assert 'filename="institutions.json"' in response["Content-Disposition"]
    assert "Atena" in response.content.decode()  # not escaped: ensure_ascii=False
    rows = json_rows(response)
    assert [r["name"] for r in rows] == ["Corallia Clusters Initiative"]
    assert rows[0]["kind"] == "Cluster association"
    assert rows[0]["country"] == "Greece"


def test_format_parameter_on_the_list(client, database):
    assert len(json_rows(client.get("/institutions/", {"format": "json"}))) == len(PUBLISHED)
    assert len(csv_rows(client.get("/institutions/", {"format": "csv"}))) == len(PUBLISHED)


def test_unknown_format_is_404(client, database):
    assert client.get("/institutions/export.xlsx").status_code == 404


def test_exports_hide_unpublished_from_the_public_only(client, database):
    for fmt in ("csv", "json"):
        response = client.get(f"/institutions/export.{fmt}")
        assert "Instituția nepublicată" not in (
            b"".join(response.streaming_content) if fmt == "csv" else response.content
        ).decode()
    client.force_login(UserFactory(staff=True))
    names = {r["name"] for r in json_rows(client.get("/institutions/export.json"))}
    assert "Instituția nepublicată" in names
    # Nor do they reveal an unpublished cluster to the public.
    client.logout()
    adr = next(r for r in json_rows(client.get("/institutions/export.json"))
               if r["acronym"] == "ADR Nord-Est")
    assert adr["clusters"] == "ASTRICO Nord-Est"


def test_export_query_count_does_not_grow(client, database, countries, clusters, projects,
                                          django_assert_num_queries):
    with CaptureQueriesContext(connection) as few:
        json_rows(client.get("/institutions/export.json"))
    for i in range(15):
        make_institution(f"x-{i}", kind=Institution.Kind.UNIVERSITY, country=countries["RO"],
                         clusters=list(clusters.values()), projects=list(projects.values()))
    with django_assert_num_queries(len(few.captured_queries)):
        assert len(json_rows(client.get("/institutions/export.json"))) == len(PUBLISHED) + 15
