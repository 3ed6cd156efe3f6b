"""projects.importer: all or nothing, every bad row reported with its line and field (JSON and
CSV), idempotent re-imports, a newer report added to the history, accepted reports never
changed, diacritics and the agency's spellings of regions."""

import csv
import io
import json
from datetime import date, timedelta
from pathlib import Path
from unittest import mock

import pytest
from django.conf import settings
from django.db import IntegrityError, connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from clusters.models import Cluster, Region
from projects import importer, selectors
from projects.importer import ImportFailed, RowError, import_data, import_file
from projects.models import Competition, Project, ReviewEntry, StatusReport
from projects.text import parse_blocks

from .conftest import accepted_report

pytestmark = pytest.mark.django_db

EXAMPLES = Path(settings.BASE_DIR) / "projects" / "examples"
COMPETITION = "cluster-inovativ-2018-2019"
HEADER = list(importer.CSV_COLUMNS)


@pytest.fixture(autouse=True)
def _english():
    # The importer speaks the active language; the site's default is Romanian.
    with translation.override("en"):
        yield


@pytest.fixture
def places(nord_vest, sud_muntenia, ro):
    """The regions the agency's spellings point at, besides the conftest's two."""
    for code, slug, name_ro, name_en in (
        ("RO41", "sud-vest-oltenia", "Sud-Vest Oltenia", "South-West Oltenia"),
        ("RO32", "bucuresti-ilfov", "București-Ilfov", "Bucharest-Ilfov"),
        ("RO22", "sud-est", "Sud-Est", "South-East"),
    ):
        Region.objects.get_or_create(slug=slug, defaults={"code": code, "name_ro": name_ro,
                                                          "name_en": name_en, "country": ro})


@pytest.fixture
def clusters(trec, indagro_cluster, places):
    return trec, indagro_cluster


def row(**fields) -> dict:
    """A good CSV row (1 CLS/INOV-TREC with a report as of 31.12.2019), with changes."""
    values = {
        "competition": COMPETITION, "number": "1 CLS", "acronym": "INOV-TREC", "slug": "",
        "title": "Creșterea capacității inovative a companiilor din cadrul clusterului TREC",
        "start": "01.06.2018", "end": "31.05.2020",
        "coordinator": 'ASOCIAȚIA "CLUSTER T.R.E.C. - TRANSYLVANIA ENERGY CLUSTER"',
        "director": "Adrian Bot", "cluster": "trec", "members": "32", "region": "Nord-Vest",
        "domain": "Energie, mediu și schimbări climatice",
        "website": "http://www.transylvaniaenergycluster-trec.ro/company/projects.php",
        # One line per cell, so that each record is one line of the file.
        "objectives": "Asigurarea unui cadru eficient de cooperare.",
        "as_of": "31.12.2019", "report_members": "32",
        "results": "- agenda strategică de cercetare-dezvoltare și inovare;",
        "ongoing_activities": "- Se va realiza o platformă online de colaborare.",
    }
    return {**values, **fields}


def indagro_row(**fields) -> dict:
    """A good row for 2 CLS/INDAGRO, in the agency's spellings ("Sud" is Sud-Muntenia)."""
    return row(**{
        "number": "2 CLS", "acronym": "INDAGRO",
        "title": "Agenda strategică de CDI a clusterului de inovare IND-AGRO-POL",
        "start": "01.07.2017", "end": "30.06.2020",
        "coordinator": "ASOCIATIA IND - AGRO - POL", "director": "Cornelia Muraru-Ionel",
        "cluster": "ind-agro-pol", "members": "100", "region": "Sud", "domain": "Bioeconomie",
        "report_members": "100", **fields})


def csv_file(tmp_path, rows, *, delimiter=",", encoding="utf-8", name="projects.csv",
             header=None) -> Path:
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    header = header or HEADER
    writer.writerow(header)
    for values in rows:
        writer.writerow([values.get(column, "") for column in header])
    path = tmp_path / name
    path.write_bytes(out.getvalue().encode(encoding))
    return path


def json_project(**fields) -> dict:
    values = {
        "number": "1 CLS", "acronym": "INOV-TREC",
        "title": "Creșterea capacității inovative a companiilor din cadrul clusterului TREC",
        "start": "2018-06-01", "end": "2020-05-31",
        "coordinator": 'ASOCIAȚIA "CLUSTER T.R.E.C. - TRANSYLVANIA ENERGY CLUSTER"',
        "director": "Adrian Bot", "cluster": "trec", "members": 32, "region": "nord-vest",
        "domain": "energie-mediu-schimbari-climatice",
        "objectives": ["Asigurarea unui cadru eficient de cooperare.", "- protecția mediului;"],
        "reports": [{"as_of": "2019-12-31", "members": 32,
                     "results": ["În primele două etape derulate s-au elaborat:",
                                 "- agenda strategică;"],
                     "ongoing_activities": ["- Se va realiza o platformă online."]}],
    }
    return {**values, **fields}


def json_doc(projects, **fields) -> dict:
    return {"format": importer.FORMAT,
            "competition": {"slug": COMPETITION,
                            "name": "Organizare și dezvoltare cluster – Cluster Inovativ",
                            "years": "2018-2019"},
            "projects": projects, **fields}


def json_file(tmp_path, doc, name="projects.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(doc, ensure_ascii=False, indent=2), encoding="utf-8")
    return path


def failure(path_or_data, **kwargs) -> list[RowError]:
    run = import_data if isinstance(path_or_data, dict) else import_file
    with pytest.raises(ImportFailed) as caught:
        run(path_or_data, **kwargs)
    return caught.value.errors


def where(errors) -> list[tuple]:
    return [(e.line, e.field) for e in errors]


def counts() -> tuple:
    return (Competition.objects.count(), Project.objects.count(),
            StatusReport.objects.count(), ReviewEntry.objects.count())


# --- The example files -----------------------------------------------------------------------

@pytest.mark.parametrize("name", ["projects-example.csv", "projects-example.json"])
def test_example_files_import_cleanly(clusters, competition, name):
    result = import_file(EXAMPLES / name)

    assert result.projects_created == 2
    assert result.reports_added == 2
    trec = Project.objects.get(competition=competition, number="1 CLS")
    assert trec.acronym == "INOV-TREC"
    assert trec.slug == "inov-trec"
    assert trec.start_date == date(2018, 6, 1)
    assert trec.end_date == date(2020, 5, 31)
    assert trec.region.slug == "nord-vest"
    assert trec.domain.slug == "energie-mediu-schimbari-climatice"
    assert trec.members_count == 32
    assert trec.title.startswith("Creșterea capacității inovative")
    indagro = Project.objects.get(competition=competition, number="2 CLS")
    assert indagro.region.slug == "sud-muntenia"
    assert indagro.cluster.slug == "ind-agro-pol"
    assert indagro.members_count == 100
    assert indagro.start_date == date(2017, 7, 1)
    # The objectives of 2 CLS are three bullets; its results a paragraph then bullets.
    assert [b.kind for b in indagro.objective_blocks] == ["list"]
    assert len(indagro.objective_blocks[0].items) == 3
    [report] = indagro.reports.all()
    assert [b.kind for b in report.result_blocks] == ["paragraph", "list"]
    assert len(report.result_blocks[1].items) == 9
    assert "precum și cele obținute în cadrul auditurilor" in report.results
    assert report.state == StatusReport.State.ACCEPTED
    assert report.source == StatusReport.Source.IMPORT
    assert report.accepted_at is not None
    assert report.as_of == date(2019, 12, 31)
    [entry] = report.review_entries.all()
    assert entry.action == ReviewEntry.Action.IMPORTED
    assert entry.comment == name


def test_the_two_example_files_hold_the_same_facts(clusters, competition):
    import_file(EXAMPLES / "projects-example.csv")
    result = import_file(EXAMPLES / "projects-example.json")
    assert (result.projects_unchanged, result.reports_unchanged) == (2, 2)
    assert (result.projects_updated, result.reports_added) == (0, 0)


def test_the_json_example_creates_its_competition(clusters):
    result = import_file(EXAMPLES / "projects-example.json")
    assert (result.competitions_created, result.projects_created) == (1, 2)
    competition = Competition.objects.get(slug=COMPETITION)
    assert competition.funder == "UEFISCDI"
    assert competition.subprogramme_code == "2.1"
    assert (competition.proposals_submitted, competition.projects_funded) == (16, 12)
    assert competition.total_budget == 4176243


# --- All or nothing --------------------------------------------------------------------------

def test_one_bad_row_among_good_ones_writes_nothing(tmp_path, clusters, competition):
    path = csv_file(tmp_path, [row(), row(number="3 CLS", acronym="BAD", start="31.02.2018"),
                               indagro_row()])
    before = counts()

    errors = failure(path)

    assert where(errors) == [(3, "start")]
    assert errors[0].message == "Enter a valid date."
    assert counts() == before


def test_a_database_error_half_way_rolls_everything_back(tmp_path, clusters, competition):
    path = csv_file(tmp_path, [row(), indagro_row()])
    before = counts()
    real_sync = importer._sync_members_count
    calls = []

    def sync_then_fail(report):
        calls.append(report)
        if len(calls) == 2:
            raise IntegrityError("simulated failure on the second project")
        real_sync(report)

    with (mock.patch.object(importer, "_sync_members_count", sync_then_fail),
          pytest.raises(IntegrityError)):
        import_file(path)

    assert len(calls) == 2  # the first project and its report had been written
    assert counts() == before


def test_dry_run_reports_the_changes_and_writes_nothing(tmp_path, clusters, competition):
    path = csv_file(tmp_path, [row(), indagro_row()])
    before = counts()

    result = import_file(path, dry_run=True)

    assert (result.projects_created, result.reports_added) == (2, 2)
    assert counts() == before
    assert import_file(path) == result  # the real import does what the dry run said


# --- Every bad row, with its line and field --------------------------------------------------

def test_csv_errors_name_the_line_where_the_record_starts(tmp_path, clusters, competition):
    good = row(objectives="Primul paragraf.\n- primul punct;\n- al doilea punct;")
    bad_date = indagro_row(start="2017-13-01")
    bad_region = row(number="3 CLS", acronym="INO-TEX", region="Atlantis",
                     results="Rezultate:\n- unu;\n- doi;", as_of="31.12.2030")
    path = csv_file(tmp_path, [good, bad_date, bad_region])
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines[4].startswith(f"{COMPETITION},2 CLS")  # the first row took lines 2-4

    errors = failure(path)

    assert where(errors) == [(5, "start"), (6, "region"), (6, "as_of")]
    assert errors[1].message == "No region is called “Atlantis”."
    assert errors[2].message == "The as-of date cannot be in the future."
    assert str(errors[0]) == "line 5, field start: Enter a valid date."


def json_lines(text: str, marker: str) -> list[int]:
    return [n for n, line in enumerate(text.splitlines(), start=1) if line == marker]


def test_json_errors_name_the_line_where_the_project_or_report_starts(tmp_path, clusters,
                                                                      competition):
    bad_report = {"as_of": "2019-12-31", "members": -4, "results": "Rezultate."}
    doc = json_doc([
        json_project(),
        json_project(number="2 CLS", acronym="INDAGRO", cluster="nope", end="2017-01-01",
                     website="not a web address"),
        json_project(number="3 CLS", acronym="INO-TEX",
                     reports=[json_project()["reports"][0], bad_report]),
    ])
    path = json_file(tmp_path, doc)
    text = path.read_text(encoding="utf-8")
    projects = json_lines(text, "    {")  # the projects array's elements, indented 4
    reports = json_lines(text, "        {")
    assert len(projects) == 3
    assert len(reports) == 4

    errors = failure(path)

    assert sorted(where(errors)) == sorted([
        (projects[1], "end"), (projects[1], "cluster"), (projects[1], "website"),
        (reports[3], "members"),
    ])
    messages = {e.field: e.message for e in errors}
    assert messages["end"] == "The end date cannot be before the start date."
    assert messages["cluster"] == "No cluster has the slug “nope”."
    assert messages["website"] == "Enter a valid URL."
    assert messages["members"] == "Ensure this value is greater than or equal to 0."
    assert [e.line for e in errors] == sorted(e.line for e in errors)


def test_a_json_syntax_error_reports_its_line_and_column(tmp_path, clusters):
    path = tmp_path / "broken.json"
    path.write_text('{\n  "format": "cluster-policy-projects/1",\n  "projects": [,]\n}\n',
                    encoding="utf-8")
    [error] = failure(path)
    assert error.line == 3
    assert "column 16" in error.message


def test_unknown_keys_and_format_version(tmp_path, clusters):
    doc = json_doc([json_project(strat="2018-06-01")], format="cluster-policy-projects/2",
                   extra=1)
    doc["projects"][0]["reports"][0]["note"] = "?"
    path = json_file(tmp_path, doc)
    text = path.read_text(encoding="utf-8")

    errors = failure(path)

    assert {(e.field, e.message) for e in errors} >= {
        ("format", "Unknown format “cluster-policy-projects/2”: this portal reads "
                   "“cluster-policy-projects/1”."),
        ("extra", "Unknown field."), ("strat", "Unknown field."), ("note", "Unknown field."),
    }
    lines = {e.field: e.line for e in errors}
    assert lines["extra"] == json_lines(text, '  "extra": 1')[0]
    assert lines["strat"] == json_lines(text, "    {")[0]


def test_unknown_and_missing_csv_columns(tmp_path, clusters, competition):
    header = [c for c in HEADER if c != "title"] + ["notes"]
    path = csv_file(tmp_path, [row()], header=header)
    errors = failure(path)
    assert {(e.line, e.field, e.message) for e in errors} == {
        (1, "notes", "Unknown column."), (1, "title", "This column is missing."),
    }


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"title": ""}, "title", "This field is required."),
    ({"start": "2018/06/01"}, "start", "Enter a valid date."),
    ({"end": "01.05.2018"}, "end", "The end date cannot be before the start date."),
    ({"members": "-1"}, "members", "Ensure this value is greater than or equal to 0."),
    ({"members": "many"}, "members", "Enter a whole number."),
    ({"website": "not a web address"}, "website", "Enter a valid URL."),
    ({"cluster": "nope"}, "cluster", "No cluster has the slug “nope”."),
    ({"domain": "Astrologie"}, "domain", "No domain is called “Astrologie”."),
    ({"slug": "inov trec!"}, "slug", "Enter a valid “slug” consisting of letters, numbers, "
                                     "underscores or hyphens."),
    ({"slug": "review"}, "slug", "“review” is reserved for a page of the portal; choose "
                                 "another slug."),
    ({"acronym": "Programme", "slug": ""}, "slug",
     "“programme” is reserved for a page of the portal; choose another slug."),
    ({"as_of": "31.05.2018"}, "as_of",
     "The as-of date cannot be before the project started (01.06.2018)."),
    ({"report_members": "-3"}, "report_members",
     "Ensure this value is greater than or equal to 0."),
    ({"results": ""}, "results", "This field is required."),
    ({"as_of": ""}, "as_of", "This field is required."),
    ({"competition": "cluster-inovativ-2030"}, "competition",
     "No competition has the slug “cluster-inovativ-2030”."),
])
def test_each_check_names_its_field(tmp_path, clusters, competition, changes, field, message):
    path = csv_file(tmp_path, [indagro_row(), row(**changes)])
    errors = failure(path)
    assert [(e.line, e.field, e.message) for e in errors] == [(3, field, message)]


def test_every_error_is_reported_not_only_the_first(tmp_path, clusters, competition):
    path = csv_file(tmp_path, [
        row(title="", start="x"),
        indagro_row(cluster="nope", region="Atlantis", report_members="-1"),
    ])
    errors = failure(path)
    assert sorted(where(errors)) == [(2, "start"), (2, "title"), (3, "cluster"),
                                     (3, "region"), (3, "report_members")]


def test_duplicate_numbers_and_slugs_inside_the_file(tmp_path, clusters, competition):
    path = csv_file(tmp_path, [
        row(), indagro_row(), row(acronym="OTHER"),
        indagro_row(number="3 CLS", slug="inov-trec"),
    ])
    errors = failure(path)
    assert [(e.line, e.field) for e in errors] == [(4, "number"), (5, "slug")]
    assert errors[0].message == "Project 1 CLS appears twice in the file (first on line 2)."
    assert errors[1].message == ("The slug “inov-trec” appears twice in the file (first on "
                                 "line 2).")


def test_a_slug_used_by_another_project_is_refused(tmp_path, clusters, competition,
                                                   other_project):
    path = csv_file(tmp_path, [row(slug=other_project.slug)])
    [error] = failure(path)
    assert (error.line, error.field) == (2, "slug")
    assert error.message == "The slug “indagro” is already used by another project."


def test_duplicate_as_of_in_one_projects_reports(tmp_path, clusters):
    report = json_project()["reports"][0]
    path = json_file(tmp_path, json_doc([json_project(reports=[report, dict(report)])]))
    reports = json_lines(path.read_text(encoding="utf-8"), "        {")
    [error] = failure(path)
    assert (error.line, error.field) == (reports[1], "as_of")
    assert error.message == ("The project has two reports as of 31.12.2019 in the file (first "
                             f"on line {reports[0]}).")


def test_limits_on_size_and_rows(tmp_path, clusters, competition, monkeypatch):
    path = csv_file(tmp_path, [row(), indagro_row(), row(number="3 CLS", acronym="X")])
    monkeypatch.setattr(importer, "MAX_ROWS", 2)
    [error] = failure(path)
    assert error.message == ("The file has 3 projects; at most 2 can be imported at once. "
                             "Split it into smaller files.")

    monkeypatch.setattr(importer, "MAX_ROWS", 5000)
    monkeypatch.setattr(importer, "MAX_FILE_BYTES", path.stat().st_size - 1)
    [error] = failure(path)
    assert error.message.startswith("The file is larger than")
    monkeypatch.setattr(importer, "MAX_FILE_BYTES", path.stat().st_size)
    assert import_file(path).projects_created == 3


def test_the_real_limits():
    assert importer.MAX_FILE_BYTES == 20 * 1024 * 1024
    assert importer.MAX_ROWS == 5000


def test_not_utf8(tmp_path, clusters, competition):
    path = csv_file(tmp_path, [row(), indagro_row(title="Agendă strategică")])
    header, first, second = path.read_bytes().decode().split("\r\n", 2)
    # The second row saved in a Windows code page, as an old spreadsheet would.
    path.write_bytes(f"{header}\r\n{first}\r\n".encode() + second.encode("cp1250", "replace"))
    [error] = failure(path)
    assert error.line == 3
    assert "not UTF-8" in error.message


# --- Idempotency and history -----------------------------------------------------------------

def test_importing_the_same_file_twice_changes_nothing(tmp_path, clusters, competition):
    path = EXAMPLES / "projects-example.json"
    import_file(path)
    stamps = {
        "competition": Competition.objects.values_list("updated_at", flat=True).get(),
        "projects": list(Project.objects.order_by("pk").values_list("updated_at", flat=True)),
        "reports": list(StatusReport.objects.order_by("pk").values_list("updated_at",
                                                                        flat=True)),
    }
    before = counts()

    with CaptureQueriesContext(connection) as queries:
        result = import_file(path)

    assert result == importer.ImportResult(projects_unchanged=2, reports_unchanged=2)
    writes = [q["sql"] for q in queries.captured_queries
              if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))]
    assert writes == []
    assert counts() == before
    assert stamps == {
        "competition": Competition.objects.values_list("updated_at", flat=True).get(),
        "projects": list(Project.objects.order_by("pk").values_list("updated_at", flat=True)),
        "reports": list(StatusReport.objects.order_by("pk").values_list("updated_at",
                                                                        flat=True)),
    }


def test_a_changed_field_updates_only_that_project(tmp_path, clusters, competition):
    import_file(csv_file(tmp_path, [row(), indagro_row()]))
    indagro_stamp = Project.objects.get(number="2 CLS").updated_at

    result = import_file(csv_file(tmp_path, [row(director="Adrian Bot-Pop"), indagro_row()]))

    assert (result.projects_updated, result.projects_unchanged) == (1, 1)
    assert Project.objects.get(number="1 CLS").director == "Adrian Bot-Pop"
    assert Project.objects.get(number="2 CLS").updated_at == indagro_stamp


def test_a_newer_report_is_added_to_the_history(tmp_path, clusters, competition):
    import_file(csv_file(tmp_path, [row()]))
    project = Project.objects.get(number="1 CLS")

    result = import_file(csv_file(tmp_path, [row(as_of="30.04.2020", report_members="35",
                                                 results="Etapa a treia:\n- platforma.")]))

    assert (result.reports_added, result.reports_unchanged) == (1, 0)
    assert result.projects_updated == 1  # the member count follows the newest report
    project.refresh_from_db()
    assert project.members_count == 35
    history = list(selectors.project_reports(project, StatusReport.objects.accepted()))
    assert [r.as_of for r in history] == [date(2020, 4, 30), date(2019, 12, 31)]
    assert all(r.source == StatusReport.Source.IMPORT for r in history)

    # An older report joins the history without taking the member count back.
    import_file(csv_file(tmp_path, [row(as_of="30.06.2019", report_members="28")]))
    project.refresh_from_db()
    assert project.members_count == 35
    assert [r.as_of for r in selectors.project_reports(
        project, StatusReport.objects.accepted())] == [date(2020, 4, 30), date(2019, 12, 31),
                                                       date(2019, 6, 30)]


def test_a_different_report_on_an_accepted_date_is_refused(tmp_path, clusters, competition,
                                                           project):
    accepted = accepted_report(project, results="Rezultatele acceptate.")
    before = counts()

    errors = failure(csv_file(tmp_path, [indagro_row(), row(results="Alte rezultate.")]))

    assert where(errors) == [(3, "as_of")]
    assert "already accepted" in errors[0].message
    assert "results" in errors[0].message
    assert counts() == before
    accepted.refresh_from_db()
    assert accepted.results == "Rezultatele acceptate."


def test_the_same_report_as_accepted_is_unchanged(tmp_path, clusters, competition, project):
    accepted_report(project, members_count=32,
                    results="- agenda strategică de cercetare-dezvoltare și inovare;",
                    ongoing_activities="- Se va realiza o platformă online de colaborare.")
    result = import_file(csv_file(tmp_path, [row(slug="inov-trec")]))
    assert (result.reports_added, result.reports_unchanged) == (0, 1)


def test_existing_project_keeps_slug_and_director_account(tmp_path, clusters, competition,
                                                          project, director):
    project.slug = "trec-inovativ"
    project.save(update_fields=["slug"])

    import_file(csv_file(tmp_path, [row(title="Titlu nou")]))  # no slug in the file

    project.refresh_from_db()
    assert project.slug == "trec-inovativ"
    assert project.title == "Titlu nou"
    assert project.director_account == director


def test_a_key_left_out_keeps_the_value(tmp_path, clusters, competition, project):
    doc = json_doc([json_project(reports=[])])
    del doc["projects"][0]["objectives"]
    import_data(doc)
    project.refresh_from_db()
    assert project.objectives.startswith("Asigurarea unui cadru eficient")
    assert project.website.startswith("http://www.transylvaniaenergycluster-trec.ro")


# --- Text and spellings ----------------------------------------------------------------------

def test_diacritics_survive_csv_with_bom_and_semicolons(tmp_path, clusters, competition):
    path = csv_file(tmp_path, [row(
        title="Științe și tehnologii: ă î â ș ț Ă Î Â Ș Ț",
        director="Şerban Ţîrcă",  # cedilla letters, as old keyboards type them
        results="Rezultate în curs:\n• activități de diseminare;\n\tși încă una",
    )], delimiter=";", encoding="utf-8-sig")
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")

    import_file(path)

    project = Project.objects.get(number="1 CLS")
    assert project.title == "Științe și tehnologii: ă î â ș ț Ă Î Â Ș Ț"
    assert project.director == "Șerban Țîrcă"
    report = project.reports.get()
    assert report.results == "Rezultate în curs:\n- activități de diseminare;\n  și încă una"
    assert [b.kind for b in parse_blocks(report.results)] == ["paragraph", "list",
                                                              "paragraph"]


@pytest.mark.parametrize(("spelling", "slug"), [
    ("Sud", "sud-muntenia"), ("Bucuresti", "bucuresti-ilfov"),
    ("Sud - Vest", "sud-vest-oltenia"), ("Nord - Vest", "nord-vest"),
    ("sud-est", "sud-est"), ("Sud - Est", "sud-est"), ("RO11", "nord-vest"),
    ("North-West", "nord-vest"), ("BUCUREȘTI-ILFOV", "bucuresti-ilfov"),
])
def test_region_spellings(tmp_path, clusters, competition, spelling, slug):
    import_file(csv_file(tmp_path, [row(region=spelling)]))
    assert Project.objects.get(number="1 CLS").region.slug == slug


def test_domain_by_english_name(tmp_path, clusters, competition):
    import_file(csv_file(tmp_path, [row(domain="energy, environment and climate change")]))
    assert Project.objects.get().domain.slug == "energie-mediu-schimbari-climatice"


def test_ambiguous_region_name_is_refused(tmp_path, clusters, competition, ro):
    from clusters.models import Country

    moldova = Country.objects.create(code="MD", name_ro="Moldova", name_en="Moldova")
    Region.objects.create(slug="md-nord-vest", code="MD-NV", name_ro="Nord-Vest",
                          name_en="North-West (MD)", country=moldova)
    [error] = failure(csv_file(tmp_path, [row(region="Nord-Vest")]))
    assert (error.field, error.message) == (
        "region", "“Nord-Vest” matches several regions: give the region's slug.")
    assert import_file(csv_file(tmp_path, [row(region="nord-vest")])).projects_created == 1


def test_iso_and_romanian_dates(tmp_path, clusters, competition):
    import_file(csv_file(tmp_path, [row(start="2018-06-01", end="31.05.2020")]))
    project = Project.objects.get()
    assert (project.start_date, project.end_date) == (date(2018, 6, 1), date(2020, 5, 31))


def test_future_as_of_uses_todays_date(tmp_path, clusters, competition):
    today = timezone.localdate()
    tomorrow = today + timedelta(days=1)
    [error] = failure(csv_file(tmp_path, [row(end="31.12.2099",
                                              as_of=tomorrow.strftime("%d.%m.%Y"))]))
    assert error.field == "as_of"
    assert import_file(csv_file(tmp_path, [row(end="31.12.2099",
                                               as_of=today.isoformat())])).reports_added == 1


def test_cluster_must_exist_even_unpublished(tmp_path, clusters, competition):
    Cluster.objects.filter(slug="trec").update(is_published=False)
    assert import_file(csv_file(tmp_path, [row()])).projects_created == 1


# --- Queries ---------------------------------------------------------------------------------

def test_checking_takes_as_many_queries_for_few_rows_as_for_many(tmp_path, clusters,
                                                                 competition,
                                                                 django_assert_num_queries):
    def rows(count):
        return [row(number=f"{n} CLS", acronym=f"PROIECT-{n}") for n in range(1, count + 1)]

    few = csv_file(tmp_path, rows(2), name="few.csv")
    many = csv_file(tmp_path, rows(40), name="many.csv")
    with CaptureQueriesContext(connection) as queries:
        import_file(few, dry_run=True)
    with django_assert_num_queries(len(queries)):
        import_file(many, dry_run=True)

    # Once imported, re-checking them (all unchanged, with their reports) costs the same too.
    import_file(many)
    with CaptureQueriesContext(connection) as queries:
        assert import_file(few).projects_unchanged == 2
    with django_assert_num_queries(len(queries)):
        assert import_file(many).projects_unchanged == 40
