"""The projects' REST API: the public, read-only open-data view of the programme. Projects with
the programme page's filters, a project with its accepted status reports only (never a draft,
a submitted report or one sent back, whoever asks), competitions, and fixed query counts."""

import hashlib
from datetime import UTC, date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from clusters.models import Cluster, Region
from projects import services
from projects.models import StatusReport, StatusReportAttachment
from tests.factories import UserFactory

from .conftest import accepted_report, make_project

pytestmark = pytest.mark.django_db

State = StatusReport.State
LIST_URL = "/api/v1/projects/"
COMPETITIONS_URL = "/api/v1/competitions/"
LIST_FIELDS = {"id", "number", "acronym", "label", "slug", "title", "start", "end", "status",
               "coordinator", "director", "members", "region", "domain", "cluster", "website",
               "competition", "url", "latest_report_as_of"}
DETAIL_FIELDS = LIST_FIELDS | {"objectives", "objective_blocks", "reports"}
REPORT_FIELDS = {"id", "as_of", "members", "results", "result_blocks", "ongoing_activities",
                 "activity_blocks", "accepted_at", "url", "attachments"}
PDF = b"%PDF-1.4\n% Raport de activitate\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"


def detail_url(pk):
    return f"{LIST_URL}{pk}/"


def anonymous():
    return APIClient(HTTP_ACCEPT_LANGUAGE="en")


def authed(user):
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=user)[0]}")
    return client


def numbers(response):
    assert response.status_code == 200, response.content
    return [p["number"] for p in response.json()["results"]]


def report_in_state(project, user, officer, state, *, as_of, **fields):
    """A report left in `state`, made through the services as on the portal."""
    values = {"as_of": as_of, "results": f"- rezultate nepublicate {state}",
              "ongoing_activities": "- activități în lucru", **fields}
    report = services.report_create(project=project, user=user, **values)
    if state != State.DRAFT:
        report = services.report_submit(report=report, user=user)
    if state == State.CHANGES_REQUESTED:
        report = services.report_request_changes(report=report, user=officer,
                                                 comment="Completați etapa a doua.")
    assert report.state == state
    return report


def attach(report, name="Prezentare ședință.pdf", content=PDF):
    """An attachment row on a report of any state (the services only add them to editable
    reports; accepted reports here are made directly)."""
    return StatusReportAttachment.objects.create(
        report=report, file=f"projects/reports/{hashlib.sha256(content).hexdigest()}.pdf",
        original_filename=name, size=len(content), content_type="application/pdf",
        sha256=hashlib.sha256(content).hexdigest())


def test_urls_are_where_the_docs_say(project):
    assert reverse("api:project-list") == LIST_URL
    assert reverse("api:project-detail", args=[project.pk]) == detail_url(project.pk)
    assert reverse("api:competition-list") == COMPETITIONS_URL
    assert reverse("api:competition-detail", args=["cluster-inovativ-2018-2019"]) == (
        COMPETITIONS_URL + "cluster-inovativ-2018-2019/")


# --- The list -------------------------------------------------------------------------------

def test_list_gives_each_project_as_the_table_shows_it(project, other_project):
    accepted_report(project, as_of=date(2019, 6, 30))
    accepted_report(project, as_of=date(2019, 12, 31))
    response = anonymous().get(LIST_URL)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    data = response.json()
    assert data["count"] == 2
    assert numbers(response) == ["1 CLS", "2 CLS"]  # the funder's order
    item = data["results"][0]
    assert set(item) == LIST_FIELDS
    assert item == {
        "id": project.pk,
        "number": "1 CLS",
        "acronym": "INOV-TREC",
        "label": "1 CLS/INOV-TREC",
        "slug": "inov-trec",
        "title": "Creșterea capacității inovative a companiilor din cadrul clusterului TREC",
        "start": "2018-06-01",
        "end": "2020-05-31",
        "status": "completed",
        "coordinator": "ASOCIAȚIA „CLUSTER T.R.E.C. - TRANSYLVANIA ENERGY CLUSTER”",
        "director": "Adrian Bot",
        "members": 32,
        "region": {"slug": "nord-vest", "name_ro": "Nord-Vest", "name_en": "North-West"},
        "domain": {"slug": "energie-mediu-schimbari-climatice",
                   "name_ro": "Energie, mediu și schimbări climatice",
                   "name_en": "Energy, environment and climate change"},
        "cluster": {"slug": "trec", "name": "Transylvania Energy Cluster",
                    "url": "http://testserver/clusters/trec/"},
        "website": "http://www.transylvaniaenergycluster-trec.ro/company/projects.php",
        "competition": "cluster-inovativ-2018-2019",
        "url": "http://testserver" + project.get_absolute_url(),
        "latest_report_as_of": "2019-12-31",
    }
    assert data["results"][1]["latest_report_as_of"] is None


def test_diacritics_travel_as_utf8_not_escapes(project):
    response = anonymous().get(LIST_URL)
    assert "Creșterea capacității inovative".encode() in response.content
    assert "ASOCIAȚIA „CLUSTER T.R.E.C.".encode() in response.content
    assert b"\\u0219" not in response.content
    detail = anonymous().get(detail_url(project.pk))
    assert "creșterea eficienței energetice".encode() in detail.content


def test_latest_report_date_counts_accepted_reports_only(project, manager, officer):
    accepted_report(project, as_of=date(2019, 6, 30))
    report_in_state(project, manager, officer, State.SUBMITTED, as_of=date(2019, 12, 31))
    [item] = anonymous().get(LIST_URL).json()["results"]
    assert item["latest_report_as_of"] == "2019-06-30"


def test_unpublished_cluster_is_named_without_a_link(project, trec):
    Cluster.objects.filter(pk=trec.pk).update(is_published=False)
    [item] = anonymous().get(LIST_URL).json()["results"]
    assert item["cluster"] == {"slug": "trec", "name": "Transylvania Energy Cluster",
                               "url": None}
    # Its slug is public through the project, so it filters.
    assert numbers(anonymous().get(LIST_URL, {"cluster": "trec"})) == ["1 CLS"]


@pytest.fixture
def by_status(competition, trec, indagro_cluster):
    """A planned and an ongoing project next to the completed 1 CLS and 2 CLS."""
    today = timezone.localdate()
    make_project(competition, trec, number="3 CLS", acronym="VIITOR",
                 start_date=today + timedelta(days=30), end_date=today + timedelta(days=700))
    make_project(competition, indagro_cluster, number="4 CLS", acronym="ACUM",
                 start_date=today - timedelta(days=30), end_date=today + timedelta(days=300))


@pytest.mark.parametrize(("params", "expected"), [
    pytest.param({}, ["1 CLS", "2 CLS", "3 CLS", "4 CLS"], id="none"),
    pytest.param({"region": "nord-vest"}, ["1 CLS", "3 CLS"], id="region"),
    pytest.param({"domain": "bioeconomie"}, ["2 CLS", "4 CLS"], id="domain"),
    pytest.param({"cluster": "ind-agro-pol"}, ["2 CLS", "4 CLS"], id="cluster"),
    pytest.param({"competition": "cluster-inovativ-2018-2019"},
                 ["1 CLS", "2 CLS", "3 CLS", "4 CLS"], id="competition"),
    pytest.param({"status": "planned"}, ["3 CLS"], id="planned"),
    pytest.param({"status": "ongoing"}, ["4 CLS"], id="ongoing"),
    pytest.param({"status": "completed"}, ["1 CLS", "2 CLS"], id="completed"),
    pytest.param({"region": "nord-vest", "status": "completed"}, ["1 CLS"], id="combined"),
    pytest.param({"region": "sud-muntenia", "domain": "energie-mediu-schimbari-climatice"},
                 [], id="combined-empty"),
    pytest.param({"cluster": "trec", "status": "ongoing"}, [], id="cluster-status-empty"),
])
def test_filters(project, other_project, by_status, params, expected):
    assert numbers(anonymous().get(LIST_URL, params)) == expected


def test_status_field_matches_the_status_filter(project, by_status):
    items = anonymous().get(LIST_URL).json()["results"]
    assert {i["number"]: i["status"] for i in items} == {
        "1 CLS": "completed", "3 CLS": "planned", "4 CLS": "ongoing"}


def test_a_known_region_without_projects_gives_an_empty_list(project, ro):
    Region.objects.create(slug="vest", code="RO42", name_ro="Vest", name_en="West", country=ro)
    response = anonymous().get(LIST_URL, {"region": "vest"})
    assert response.status_code == 200
    assert response.json() == {"count": 0, "next": None, "previous": None, "results": []}


@pytest.mark.parametrize(("params", "field"), [
    ({"region": "atlantida"}, "region"),
    ({"domain": "alchimie"}, "domain"),
    ({"cluster": "nu-exista"}, "cluster"),
    ({"competition": "horizon-2030"}, "competition"),
    ({"status": "suspended"}, "status"),
])
def test_unknown_filter_values_are_400_like_the_other_endpoints(project, params, field):
    response = anonymous().get(LIST_URL, params)
    assert response.status_code == 400
    assert list(response.json()) == [field]


def test_an_unpublished_cluster_without_projects_is_unknown(project, nord_vest):
    Cluster.objects.create(slug="ascuns", name="Cluster ascuns", region=nord_vest,
                           is_published=False)
    assert anonymous().get(LIST_URL, {"cluster": "ascuns"}).status_code == 400


# --- The detail ------------------------------------------------------------------------------

@pytest.fixture
def history(project, director, manager, officer):
    """Two accepted reports (the newer with an attachment) and, newer than both, a draft, a
    submitted report and one sent back for changes."""
    older = accepted_report(project, as_of=date(2019, 6, 30), members_count=28,
                            results="Etapa I:\n- analiza membrilor clusterului")
    newer = accepted_report(project, as_of=date(2019, 12, 31), members_count=32)
    attach(newer)
    report_in_state(project, director, officer, State.DRAFT, as_of=date(2020, 3, 31))
    report_in_state(project, manager, officer, State.SUBMITTED, as_of=date(2020, 2, 29))
    report_in_state(project, manager, officer, State.CHANGES_REQUESTED,
                    as_of=date(2020, 1, 31))
    return older, newer


@pytest.mark.parametrize("who", ["anonymous", "director", "manager", "officer", "superuser"])
def test_detail_shows_accepted_reports_only_newest_first_for_everyone(project, history, who,
                                                                     request):
    older, newer = history
    if who == "anonymous":
        client = anonymous()
    elif who == "superuser":
        client = authed(UserFactory(staff=True, is_superuser=True))
    else:
        client = authed(request.getfixturevalue(who))
    response = client.get(detail_url(project.pk))
    assert response.status_code == 200
    data = response.json()
    assert [r["id"] for r in data["reports"]] == [newer.pk, older.pk]
    assert [r["as_of"] for r in data["reports"]] == ["2019-12-31", "2019-06-30"]
    assert data["latest_report_as_of"] == "2019-12-31"
    assert b"nepublicate" not in response.content
    assert b"Completa" not in response.content  # nor the officer's comment


def test_detail_gives_the_full_record_and_structured_text(project, history):
    _older, newer = history
    data = anonymous().get(detail_url(project.pk)).json()
    assert set(data) == DETAIL_FIELDS
    assert data["objectives"] == project.objectives
    assert data["objective_blocks"] == [
        {"type": "paragraph",
         "text": "Asigurarea unui cadru eficient de cooperare între membrii clusterului."},
        {"type": "list", "items": [
            {"text": "creșterea eficienței energetice;", "children": []},
            {"text": "protecția mediului înconjurător.", "children": []},
        ]},
    ]
    first, second = data["reports"]
    assert set(first) == REPORT_FIELDS
    assert first["members"] == 32
    assert second["members"] == 28
    assert first["results"] == newer.results
    assert first["result_blocks"] == [
        {"type": "paragraph", "text": "În primele două etape derulate s-au elaborat:"},
        {"type": "list", "items": [
            {"text": "agenda strategică de cercetare-dezvoltare și inovare;", "children": []}]},
    ]
    assert first["activity_blocks"] == [{"type": "list", "items": [
        {"text": "Se va realiza o platformă online de colaborare.", "children": []}]}]
    assert first["ongoing_activities"] == newer.ongoing_activities
    assert first["accepted_at"] == newer.accepted_at.astimezone(UTC).isoformat().replace(
        "+00:00", "Z")
    assert first["url"] == "http://testserver" + newer.get_absolute_url()
    assert second["result_blocks"][1]["items"][0]["text"] == "analiza membrilor clusterului"
    assert second["attachments"] == []


def test_nested_bullets_keep_their_structure(project):
    accepted_report(project, results="- etapa I\n  - agenda strategică\n    - anexa 1\n- etapa II")
    [report] = anonymous().get(detail_url(project.pk)).json()["reports"]
    assert report["result_blocks"] == [{"type": "list", "items": [
        {"text": "etapa I", "children": [
            {"text": "agenda strategică", "children": [
                {"text": "anexa 1", "children": []}]}]},
        {"text": "etapa II", "children": []},
    ]}]


def test_attachments_of_accepted_reports_link_to_their_download(project, manager, officer):
    report = services.report_create(project=project, user=manager, as_of=date(2019, 12, 31),
                                    results="- agenda strategică")
    from django.core.files.uploadedfile import SimpleUploadedFile

    services.attachment_add(report=report, user=manager, upload=SimpleUploadedFile(
        "Raport științific ședință.pdf", PDF, "application/pdf"))
    services.report_submit(report=report, user=manager)
    # Not public yet: neither the report nor its file.
    assert anonymous().get(detail_url(project.pk)).json()["reports"] == []
    services.report_accept(report=StatusReport.objects.get(pk=report.pk), user=officer)
    [data] = anonymous().get(detail_url(project.pk)).json()["reports"]
    [attachment] = data["attachments"]
    stored = report.attachments.get()
    assert attachment == {
        "filename": "Raport științific ședință.pdf",
        "size": len(PDF),
        "content_type": "application/pdf",
        "sha256": hashlib.sha256(PDF).hexdigest(),
        "url": "http://testserver" + reverse("projects:attachment_download",
                                             args=[project.slug, report.pk, stored.pk]),
    }
    download = anonymous().get(attachment["url"])
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF


def test_unknown_project_is_404(project):
    assert anonymous().get(detail_url(project.pk + 1000)).status_code == 404
    assert anonymous().get(LIST_URL + "inov-trec/").status_code == 404  # ids, not slugs


# --- Read-only ------------------------------------------------------------------------------

@pytest.mark.parametrize("who", ["anonymous", "officer", "superuser"])
def test_write_methods_are_refused(project, who, request):
    if who == "anonymous":
        client = anonymous()
    elif who == "superuser":
        client = authed(UserFactory(staff=True, is_superuser=True))
    else:
        client = authed(request.getfixturevalue(who))
    body = {"number": "9 CLS", "acronym": "NOU", "title": "Alt titlu"}
    assert client.post(LIST_URL, body, format="json").status_code == 405
    assert client.put(detail_url(project.pk), body, format="json").status_code == 405
    assert client.patch(detail_url(project.pk), body, format="json").status_code == 405
    assert client.delete(detail_url(project.pk)).status_code == 405
    assert client.post(COMPETITIONS_URL, {"slug": "x"}, format="json").status_code == 405
    project.refresh_from_db()
    assert (project.number, project.acronym) == ("1 CLS", "INOV-TREC")


# --- Competitions ----------------------------------------------------------------------------

def test_competitions(project, other_project, competition):
    response = anonymous().get(COMPETITIONS_URL)
    assert response.status_code == 200
    [item] = response.json()["results"]
    assert item["slug"] == "cluster-inovativ-2018-2019"
    assert item["name"] == "Organizare și dezvoltare cluster – Cluster Inovativ"
    assert item["subprogramme"] == "Competitivitate prin cercetare, dezvoltare și inovare"
    assert (item["proposals_submitted"], item["projects_funded"]) == (16, 12)
    assert item["total_budget"] == "4176243.00"
    assert item["currency"] == "RON"
    assert item["projects_count"] == 2
    assert item["url"] == "http://testserver" + competition.get_absolute_url()
    detail = anonymous().get(COMPETITIONS_URL + "cluster-inovativ-2018-2019/")
    assert detail.json() == item
    assert anonymous().get(COMPETITIONS_URL + "nu-exista/").status_code == 404


# --- Query counts ----------------------------------------------------------------------------

def _count(client, url) -> tuple[int, list]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, response.content
    return len(captured), [q["sql"] for q in captured.captured_queries]


def test_list_runs_a_fixed_number_of_queries(competition, trec, indagro_cluster):
    def add(first, last):
        for n in range(first, last):
            project = make_project(competition, trec if n % 2 else indagro_cluster,
                                   number=f"{n} CLS", acronym=f"P{n}")
            accepted_report(project)

    client = anonymous()
    filtered = LIST_URL + "?region=nord-vest&domain=energie-mediu-schimbari-climatice" \
                          "&cluster=trec&competition=cluster-inovativ-2018-2019&status=completed"
    add(1, 4)
    few, _sql = _count(client, LIST_URL)
    few_filtered, _sql = _count(client, filtered)
    add(4, 31)
    many, sql = _count(client, LIST_URL)
    assert many == few == 2, "\n".join(sql)  # the count and the page
    many_filtered, sql = _count(client, filtered)
    assert many_filtered == few_filtered, "\n".join(sql)
    assert client.get(LIST_URL).json()["count"] == 30


def test_detail_runs_a_fixed_number_of_queries(project):
    client = anonymous()
    attach(accepted_report(project, as_of=date(2018, 7, 1)))
    few, _sql = _count(client, detail_url(project.pk))
    for month in range(2, 11):
        report = accepted_report(project, as_of=date(2018, 6, 1) + timedelta(days=31 * month))
        attach(report, name=f"Anexa {month}.pdf", content=PDF + bytes([month]))
        attach(report, name=f"Prezentare {month}.pdf", content=PDF + bytes([month, 1]))
    many, sql = _count(client, detail_url(project.pk))
    assert many == few == 3, "\n".join(sql)  # the project, its reports, their files
    data = client.get(detail_url(project.pk)).json()
    assert len(data["reports"]) == 10
    assert sum(len(r["attachments"]) for r in data["reports"]) == 19


def test_the_schema_documents_the_endpoints(db):
    schema = anonymous().get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    assert set(paths[LIST_URL]) == {"get"}
    assert set(paths[LIST_URL + "{id}/"]) == {"get"}
    assert set(paths[COMPETITIONS_URL]) == {"get"}
    parameters = {p["name"] for p in paths[LIST_URL]["get"]["parameters"]}
    assert {"region", "domain", "cluster", "competition", "status", "page"} <= parameters
    components = schema.json()["components"]["schemas"]
    assert components["ProjectStatusEnum"]["enum"] == ["planned", "ongoing", "completed"]
    assert "reports" in components["ProjectDetail"]["properties"]
