"""The programme report as of a date, in every format: the printable page, the PDF and the DOCX
(parsed back with pypdf and python-docx), the table as CSV and XLSX. Twelve projects with
Romanian texts and accepted reports at two dates: each date shows the latest accepted report up
to it, drafts and submitted reports never appear, diacritics survive everywhere, a bad date is
a 400, and the queries do not grow with the projects."""

import csv
import html
import io
import re
from datetime import date, datetime

import docx
import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django.utils.text import slugify
from pypdf import PdfReader

from clusters.models import Cluster, Region, Sector
from projects import report
from projects.models import Competition, StatusReport

from .conftest import accepted_report, client_for, make_project

pytestmark = pytest.mark.django_db

State = StatusReport.State
OLD, NEW = date(2019, 6, 30), date(2019, 12, 31)
DIACRITICS = "ș ț ă î â Ș Ț"
ACRONYMS = ["INOV-TREC", "INDAGRO", "Ino Tex", "CATINN", "CM", "INNO WOOD", "MECHATRANS",
            "ASTRICONE", "CRONOS", "SMARTI", "SANINFO", "CEX-IMAG"]
FORMULA = '=HYPERLINK("http://example.com","Asociația")'


def title(n: int) -> str:
    return f"Creșterea competitivității clusterului numărul {n} în domeniul Sănătate"


def old_results(n: int) -> str:
    return (f"Rezultate la 30.06.2019 pentru proiectul nr. {n}.\n"
            f"- etapa întâi: {DIACRITICS};")


def new_results(n: int) -> str:
    return (f"Rezultate la 31.12.2019 pentru proiectul nr. {n}.\n"
            "- agenda strategică de cercetare;\n"
            "  - planul de implementare asociat;\n"
            f"    - bancă de date cu oferta membrilor {n};")


def activities(n: int, when: date) -> str:
    return f"- Activități în curs la {when:%d.%m.%Y} pentru proiectul nr. {n}."


# --- the programme: 12 projects, reports at two dates ---------------------------------------

@pytest.fixture
def sanatate(db):
    return Sector.objects.get_or_create(
        slug="sanatate", defaults={"name_ro": "Sănătate (inclusiv știința medicamentului)",
                                   "name_en": "Health (including medicines science)"})[0]


@pytest.fixture
def sud_est(ro):
    return Region.objects.get_or_create(
        slug="sud-est", defaults={"code": "RO22", "name_ro": "Sud-Est", "name_en": "South-East",
                                  "country": ro})[0]


@pytest.fixture
def clusters(trec, indagro_cluster, sud_est, sanatate):
    health = Cluster.objects.create(slug="saninfo", name="Clusterul „Sănătate” Galați",
                                    region=sud_est, is_published=True)
    health.sectors.set([sanatate])
    return [trec, indagro_cluster, health]


def add_projects(competition, clusters, numbers) -> list:
    """Projects numbered as given (created in reverse, so that order comes from the numbers),
    each with an accepted report as of 30.06.2019 (not project 12) and one as of 31.12.2019."""
    projects = []
    for n in sorted(numbers, reverse=True):
        project = make_project(
            competition, clusters[(n - 1) % 3], number=f"{n} CLS", acronym=ACRONYMS[n - 1],
            slug=slugify(ACRONYMS[n - 1]), title=title(n), director=f"Ștefan Țăranu {n}",
            coordinator=FORMULA if n == 7 else f"ASOCIAȚIA „CLUSTER ÎNVĂȚĂMÂNT {n}”",
            objectives=(f"Obiectivul proiectului nr. {n}: cercetare & dezvoltare <CDI>.\n"
                        "- consolidarea clusterului;\n"
                        "  - întreprinderi mici și mijlocii;"),
        )
        if n != 12:
            accepted_report(project, as_of=OLD, results=old_results(n),
                            ongoing_activities=activities(n, OLD))
        accepted_report(project, as_of=NEW, results=new_results(n),
                        ongoing_activities=activities(n, NEW), members_count=30 + n)
        projects.append(project)
    return projects[::-1]


@pytest.fixture
def programme(competition, clusters):
    projects = add_projects(competition, clusters, range(1, 13))
    # Reports that are not accepted never show, whatever the date asked for.
    for state, as_of in ((State.DRAFT, date(2020, 3, 31)), (State.SUBMITTED, date(2020, 2, 29)),
                         (State.CHANGES_REQUESTED, date(2020, 1, 31))):
        StatusReport.objects.create(project=projects[0], as_of=as_of, state=state,
                                    results=f"NEPUBLICAT {state}", ongoing_activities="- ascuns")
    StatusReport.objects.create(project=projects[11], as_of=OLD, state=State.SUBMITTED,
                                results="NEPUBLICAT trimis la 30.06.2019")
    return projects


def url(competition, name="report", query="") -> str:
    return reverse(f"projects:{name}", args=[competition.slug]) + (f"?{query}" if query else "")


def text_of(content: str) -> str:
    """Markup removed (inline tags without a trace), entities decoded, whitespace collapsed."""
    content = re.sub(r"</?(strong|a)\b[^>]*>", "", content)
    return html.unescape(" ".join(re.sub(r"<[^>]+>", " ", content).split()))


def flat(value: str) -> str:
    return " ".join(value.split())


def section_ids(content: str) -> list[str]:
    return re.findall(r'<section class="report-section" id="project-([^"]+)"', content)


def sections(content: str) -> dict[str, str]:
    """The text of each project's section, by project slug."""
    parts = re.split(r'<section class="report-section" id="project-', content)[1:]
    return {part.split('"', 1)[0]: text_of(part.split(">", 1)[1].split("</section>", 1)[0])
            for part in parts}


# --- the printable page -----------------------------------------------------------------------

def test_the_report_page_follows_the_agencys_structure(competition, programme):
    response = client_for(None).get(url(competition))
    assert response.status_code == 200
    content = response.content.decode()
    page = text_of(content)
    assert "Status of the “Cluster Inovativ” projects as of 31.12.2019" in page
    # The preamble, from the competition's fields.
    assert ("The competition for the funding instrument “Organizare și dezvoltare cluster – "
            "Cluster Inovativ” is part of subprogramme 2.1. Competitivitate prin cercetare, "
            "dezvoltare și inovare, within the programme Planul Național de Cercetare "
            "Dezvoltare și Inovare (PNCDI).") in page
    assert "<strong>Organizare și dezvoltare cluster – Cluster Inovativ</strong>" in content
    assert ("brought together 16 submitted proposals, of which 12 projects were funded."
            in page)
    assert ("the state of implementation of the projects as of 31 December 2019." in page)
    # One section per project, in the funder's order (10 after 9, not after 1).
    assert section_ids(content) == [p.slug for p in programme]
    by_slug = sections(content)
    for n, project in enumerate(programme, start=1):
        part = by_slug[project.slug]
        assert part.startswith(f"Project no./acronym {n} CLS/{ACRONYMS[n - 1]}")
        assert ("Title Implementation period Coordinator Project director "
                "No. of cluster members Region Domain") in part
        assert title(n) in part
        assert "01.06.2018 - 31.05.2020" in part
        assert f"Rezultate la 31.12.2019 pentru proiectul nr. {n}." in part
        assert f"Rezultate la 30.06.2019 pentru proiectul nr. {n}." not in part
        assert f"Activități în curs la 31.12.2019 pentru proiectul nr. {n}." in part
        assert f"{30 + n}" in part  # the members, from the newest report
        assert "Project objective: Obiectivul proiectului" in part
        assert "cercetare & dezvoltare <CDI>" in part  # escaped, not markup
    assert "NEPUBLICAT" not in content
    # Bullets keep their nesting.
    compact = re.sub(r">\s+<", "><", content)
    assert ("<li>planul de implementare asociat;<ul><li>bancă de date cu oferta membrilor 1;"
            "</li></ul></li>") in compact
    # The print stylesheet, the date picker and the downloads of this date.
    assert 'href="/static/css/print-report.css" media="print"' in content
    assert 'type="date"' in content
    assert 'value="2019-12-31"' in content
    for name in ("report_pdf", "report_docx", "table_csv", "table_xlsx"):
        assert f'href="{url(competition, name, "as_of=2019-12-31")}"' in content


def test_an_earlier_date_uses_the_earlier_reports(competition, programme):
    response = client_for(None).get(url(competition, query="as_of=2019-09-30"))
    assert response.status_code == 200
    content = response.content.decode()
    assert "as of 30.09.2019" in text_of(content)
    by_slug = sections(content)
    for n, project in enumerate(programme[:11], start=1):
        assert f"Rezultate la 30.06.2019 pentru proiectul nr. {n}." in by_slug[project.slug]
        assert "Rezultate la 31.12.2019" not in by_slug[project.slug]
        assert "Status as of 30.06.2019" in by_slug[project.slug]
    # Project 12 had no accepted report yet (its submitted one does not count): the section is
    # there, with its table and objectives, and says so.
    last = by_slug[programme[11].slug]
    assert title(12) in last
    assert "Obiectivul proiectului nr. 12" in last
    assert "No status report accepted as of this date." in last
    assert "Main results:" not in last
    assert "NEPUBLICAT" not in content


def test_a_later_date_never_shows_drafts_or_submitted_reports(competition, programme):
    content = client_for(None).get(url(competition, query="as_of=2020-06-30")).content.decode()
    first = sections(content)[programme[0].slug]
    assert "Rezultate la 31.12.2019 pentru proiectul nr. 1." in first
    assert "NEPUBLICAT" not in content
    assert "ascuns" not in content


def test_a_date_before_any_report(competition, programme):
    content = client_for(None).get(url(competition, query="as_of=2018-12-31")).content.decode()
    assert len(section_ids(content)) == 12
    assert text_of(content).count("No status report accepted as of this date.") == 12
    assert "Rezultate la" not in content


def test_a_date_before_any_project_started(competition, programme):
    content = client_for(None).get(url(competition, query="as_of=2018-01-01")).content.decode()
    assert section_ids(content) == []
    assert "No project of this competition had started by this date." in text_of(content)


@pytest.mark.parametrize("name", ["report", "report_pdf", "report_docx", "table_csv",
                                  "table_xlsx"])
@pytest.mark.parametrize("value", ["31.12.2019", "2019-02-30", "2019-13-01", "yesterday",
                                   "99999-01-01"])
def test_a_malformed_date_is_a_400_with_a_message(competition, project, name, value):
    response = client_for(None).get(url(competition, name, f"as_of={value}"))
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    page = text_of(response.content.decode())
    assert "Enter a valid date in the form yyyy-mm-dd, for example 2019-12-31." in page
    assert 'aria-invalid="true"' in response.content.decode()


def test_an_unknown_competition_is_a_404(competition):
    for name in ("report", "report_pdf", "report_docx", "table_csv", "table_xlsx"):
        response = client_for(None).get(reverse(f"projects:{name}", args=["no-such-programme"]))
        assert response.status_code == 404


def test_labels_follow_the_language(competition, programme):
    english = client_for(None).get(url(competition))
    romanian = client_for(None, HTTP_ACCEPT_LANGUAGE="ro").get(url(competition))
    en, ro = text_of(english.content.decode()), text_of(romanian.content.decode())
    assert "Implementation period" in en
    assert "Main results:" in en
    assert "North-West" in en
    assert "Health (including medicines science)" in en
    assert "as of 31 December 2019" in en
    # Romanian: reference data in Romanian, the agency's lower-case month, Romanian file names.
    assert '<html lang="ro">' in romanian.content.decode()
    assert "Nord-Vest" in ro
    assert "Sănătate (inclusiv știința medicamentului)" in ro
    assert "31 decembrie 2019" in ro
    assert "31 December 2019" not in ro
    csv_response = client_for(None, HTTP_ACCEPT_LANGUAGE="ro").get(url(competition, "table_csv"))
    assert 'filename="proiecte-cluster-inovativ-2019-12-31.csv"' in \
        csv_response["Content-Disposition"]


def test_romanian_labels_are_the_agencys(competition):
    """The report's labels in Romanian are the agency's own."""
    with translation.override("ro"):
        labels = report.column_labels() + list(report.section_labels().values())
    assert labels == ["Titlu", "Perioadă implementare", "Coordonator", "Director proiect",
                      "Nr. membri cluster", "Regiunea", "Domeniu", "Nr. proiect/acronim",
                      "Site proiect", "Obiectivul proiectului:", "Principalele rezultate:",
                      "Activități în curs:"]


def test_the_preamble_leaves_out_missing_facts(db):
    competition = Competition.objects.create(slug="c", name="Apel „Inovare”", funder="UEFISCDI")
    with translation.override("en"):
        document = report.build(competition, date(2020, 1, 31))
    paragraphs = [report.plain(p) for p in document.preamble]
    assert paragraphs == [
        "The competition for the funding instrument “Apel „Inovare”” is funded by UEFISCDI.",
        "At the request of UEFISCDI, the directors of the funded projects sent presentations "
        "showing the state of implementation of the projects as of 31 January 2020.",
        "The results and progress of the projects funded in the competition “Apel „Inovare”” "
        "can thus be read in this report.",
    ]
    assert document.title == "Status of the “Apel „Inovare”” projects as of 31.01.2020"
    assert document.sections == []


# --- PDF ----------------------------------------------------------------------------------------

def pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return flat("\n".join(page.extract_text() for page in reader.pages))


def test_the_pdf_holds_every_project_with_its_diacritics(competition, programme):
    response = client_for(None).get(url(competition, "report_pdf"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        'attachment; filename="status-of-the-projects-cluster-inovativ-2019-12-31.pdf"; '
        "filename*=UTF-8''status-of-the-projects-cluster-inovativ-2019-12-31.pdf")
    reader = PdfReader(io.BytesIO(response.content))
    assert len(reader.pages) >= 13  # the preamble, then a page per project
    assert reader.metadata.title == "Status of the “Cluster Inovativ” projects as of 31.12.2019"
    fonts = {str(font.get_object()["/BaseFont"])
             for page in reader.pages for font in page["/Resources"]["/Font"].values()}
    assert any("DejaVuSans" in name for name in fonts)
    text = pdf_text(response.content)
    assert "Status of the “Cluster Inovativ” projects as of 31.12.2019" in text
    assert "brought together 16 submitted proposals, of which 12 projects were funded." in text
    for n in range(1, 13):
        assert f"Project no./acronym {n} CLS/{ACRONYMS[n - 1]}" in text
        assert title(n) in text
        assert f"Ștefan Țăranu {n}" in text
        assert f"Rezultate la 31.12.2019 pentru proiectul nr. {n}." in text
        assert f"Activități în curs la 31.12.2019 pentru proiectul nr. {n}." in text
    assert "Sănătate (inclusiv știința medicamentului)" not in text  # English domain names
    assert "Health (including medicines science)" in text
    assert "cercetare & dezvoltare <CDI>" in text
    assert "bancă de date cu oferta membrilor 12" in text
    assert "Rezultate la 30.06.2019" not in text
    assert "NEPUBLICAT" not in text
    assert "Page 13" in text


def test_the_pdf_as_of_an_earlier_date(competition, programme):
    response = client_for(None).get(url(competition, "report_pdf", "as_of=2019-06-30"))
    text = pdf_text(response.content)
    assert "stadiul" not in response["Content-Disposition"]  # English file name in English
    assert "2019-06-30.pdf" in response["Content-Disposition"]
    assert f"Rezultate la 30.06.2019 pentru proiectul nr. 1. • etapa întâi: {DIACRITICS};" in text
    assert "Rezultate la 31.12.2019" not in text
    assert text.count("No status report accepted as of this date.") == 1


def test_the_romanian_pdf_is_named_as_the_agencys_document(competition, programme):
    response = client_for(None, HTTP_ACCEPT_LANGUAGE="ro").get(url(competition, "report_pdf"))
    with translation.override("ro"):
        stem = report.file_stem(translation.gettext("Status of the projects"), competition, NEW)
    assert response["Content-Disposition"].startswith(f'attachment; filename="{stem}.pdf"')
    assert "Sănătate (inclusiv știința medicamentului)" in pdf_text(response.content)


# --- DOCX ---------------------------------------------------------------------------------------

def test_the_docx_holds_every_project_with_its_structure(competition, programme):
    response = client_for(None).get(url(competition, "report_docx"))
    assert response.status_code == 200
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
    assert 'filename="status-of-the-projects-cluster-inovativ-2019-12-31.docx"' in \
        response["Content-Disposition"]
    document = docx.Document(io.BytesIO(response.content))
    assert document.core_properties.title == (
        "Status of the “Cluster Inovativ” projects as of 31.12.2019")
    assert document.core_properties.language == "ro-RO"
    paragraphs = [(p.style.name, p.text) for p in document.paragraphs]
    texts = [t for _style, t in paragraphs]
    headings = [t for style, t in paragraphs if style == "Heading 1"]
    assert headings == ["Preamble"] + [f"Project no./acronym {n} CLS/{ACRONYMS[n - 1]}"
                                       for n in range(1, 13)]
    assert ("Title", "Status of the “Cluster Inovativ” projects as of 31.12.2019") in paragraphs
    bold = [run.text for p in document.paragraphs for run in p.runs if run.bold]
    assert "Organizare și dezvoltare cluster – Cluster Inovativ" in bold
    # A table per project: the header row, then the project's row.
    assert len(document.tables) == 12
    for n, table in enumerate(document.tables, start=1):
        assert [c.text for c in table.rows[0].cells] == [
            "Title", "Implementation period", "Coordinator", "Project director",
            "No. of cluster members", "Region", "Domain"]
        row = [c.text for c in table.rows[1].cells]
        assert row[0] == title(n)
        assert row[3] == f"Ștefan Țăranu {n}"
        assert row[4] == str(30 + n)
    assert document.tables[1].rows[1].cells[5].text == "South-Muntenia"
    assert document.tables[6].rows[1].cells[2].text == FORMULA
    # Bullets keep their levels.
    for n in range(1, 13):
        assert ("Normal", f"Rezultate la 31.12.2019 pentru proiectul nr. {n}.") in paragraphs
        assert ("List Bullet 3", f"bancă de date cu oferta membrilor {n};") in paragraphs
        assert ("List Bullet", f"Activități în curs la 31.12.2019 pentru proiectul nr. {n}.") \
            in paragraphs
    assert ("List Bullet", "agenda strategică de cercetare;") in paragraphs
    assert ("List Bullet 2", "planul de implementare asociat;") in paragraphs
    assert ("List Bullet 2", "întreprinderi mici și mijlocii;") in paragraphs
    assert not any("NEPUBLICAT" in t or "30.06.2019 pentru" in t for t in texts)
    # Each project starts on a new page.
    starts = [p for p in document.paragraphs if p.style.name == "Heading 1"][1:]
    assert all(p.paragraph_format.page_break_before for p in starts)


def test_the_docx_before_any_report(competition, programme):
    response = client_for(None).get(url(competition, "report_docx", "as_of=2018-12-31"))
    document = docx.Document(io.BytesIO(response.content))
    texts = [p.text for p in document.paragraphs]
    assert texts.count("No status report accepted as of this date.") == 12
    assert "Main results:" not in texts


# --- CSV and XLSX -------------------------------------------------------------------------------

def csv_rows(response) -> list[dict]:
    content = response.content.decode("utf-8")
    assert content.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(content[1:])))


def test_the_csv_has_a_row_per_project(competition, programme):
    response = client_for(None).get(url(competition, "table_csv"))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        'attachment; filename="projects-cluster-inovativ-2019-12-31.csv"; '
        "filename*=UTF-8''projects-cluster-inovativ-2019-12-31.csv")
    rows = csv_rows(response)
    assert len(rows) == 12
    assert list(rows[0]) == ["number", "acronym", "title", "start", "end", "coordinator",
                             "director", "members", "region", "domain", "website", "status",
                             "report_as_of"]
    assert [r["number"] for r in rows] == [f"{n} CLS" for n in range(1, 13)]
    assert [r["acronym"] for r in rows] == ACRONYMS
    assert rows[10]["title"] == title(11)
    assert rows[0]["director"] == "Ștefan Țăranu 1"
    assert rows[0]["coordinator"] == "ASOCIAȚIA „CLUSTER ÎNVĂȚĂMÂNT 1”"
    assert rows[6]["coordinator"] == "'" + FORMULA  # never a formula
    assert rows[0]["start"] == "2018-06-01"
    assert rows[0]["end"] == "2020-05-31"
    assert rows[1]["region"] == "South-Muntenia"
    assert rows[2]["domain"] == "Health (including medicines science)"
    assert {r["report_as_of"] for r in rows} == {"2019-12-31"}
    assert {r["status"] for r in rows} == {"Completed"}


def test_the_csv_as_of_a_date_gives_the_reports_of_that_date(competition, programme):
    rows = csv_rows(client_for(None).get(url(competition, "table_csv", "as_of=2019-09-30")))
    assert [r["report_as_of"] for r in rows] == ["2019-06-30"] * 11 + [""]


def test_the_csv_honours_the_programme_filters(competition, programme):
    client = client_for(None)
    rows = csv_rows(client.get(url(competition, "table_csv", "region=sud-est")))
    assert [r["acronym"] for r in rows] == ["Ino Tex", "INNO WOOD", "CRONOS", "CEX-IMAG"]
    rows = csv_rows(client.get(url(competition, "table_csv", "domain=bioeconomie")))
    assert [r["number"] for r in rows] == ["2 CLS", "5 CLS", "8 CLS", "11 CLS"]
    rows = csv_rows(client.get(url(competition, "table_csv", "status=ongoing")))
    assert rows == []
    rows = csv_rows(client.get(url(competition, "table_csv", "region=sud-est&q=numărul 12")))
    assert [r["acronym"] for r in rows] == ["CEX-IMAG"]
    # An unknown region is ignored, as on the programme page.
    assert len(csv_rows(client.get(url(competition, "table_csv", "region=atlantida")))) == 12


def test_the_xlsx_opens_with_dates_as_dates(competition, programme):
    response = client_for(None).get(url(competition, "table_xlsx", "region=nord-vest"))
    assert response.status_code == 200
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    assert 'filename="projects-cluster-inovativ-2019-12-31.xlsx"' in \
        response["Content-Disposition"]
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    sheet = workbook.active
    assert sheet.freeze_panes == "A2"
    assert all(cell.font.bold for cell in sheet[1])
    assert sheet.column_dimensions["C"].width > 30
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    header = [c.value for c in sheet[1]]
    assert [r[1] for r in rows] == ["INOV-TREC", "CATINN", "MECHATRANS", "SMARTI"]
    # Without the filter: all twelve, diacritics intact, dates as dates, no formula.
    response = client_for(None).get(url(competition, "table_xlsx"))
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = [dict(zip(header, row, strict=True))
            for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert len(rows) == 12
    assert rows[0]["title"] == title(1)
    assert rows[0]["director"] == "Ștefan Țăranu 1"
    assert rows[0]["start"] == datetime(2018, 6, 1)
    assert rows[0]["report_as_of"] == datetime(2019, 12, 31)
    assert rows[0]["members"] == 32
    assert rows[2]["domain"] == "Health (including medicines science)"
    formula_cell = sheet.cell(row=8, column=6)
    assert formula_cell.value == FORMULA
    assert formula_cell.data_type == "s"
    assert sheet.cell(row=2, column=4).is_date


# --- query counts -------------------------------------------------------------------------------

@pytest.mark.parametrize(("name", "query"), [
    ("report", ""), ("report", "as_of=2019-09-30"), ("report_pdf", ""), ("report_docx", ""),
    ("table_csv", ""), ("table_csv", "region=nord-vest&domain=energie-mediu-schimbari-climatice"
                                     "&status=completed&q=clusterului"),
    ("table_xlsx", "as_of=2019-09-30"),
])
def test_the_queries_do_not_grow_with_the_projects(competition, clusters, name, query,
                                                   django_assert_num_queries):
    client = client_for(None)
    add_projects(competition, clusters, [1, 3])
    with CaptureQueriesContext(connection) as few:
        response = client.get(url(competition, name, query))
    assert response.status_code == 200
    # The competition, the newest date, the projects, their reports; for the table: the
    # competition, the statuses on offer, each filter's own lookup, the rows.
    assert len(few.captured_queries) <= 6
    add_projects(competition, clusters, [2, *range(4, 13)])
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(url(competition, name, query))
    assert response.status_code == 200
