"""The public pages of the UEFISCDI programme: the programme page (competition facts, the
projects' table with filters, sorting and pagination, the distribution charts, the report and
export links) and a project's page (its full record, structured text, the cluster link, the
history of its status reports and who sees which of them); the cluster profile's projects
panel; fixed query counts; Romanian formatting and diacritics."""

import html
import re
from datetime import date, timedelta

import pytest
from django.db import connection
from django.template import Context, Template
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from clusters.models import Cluster, Region, Sector
from projects.models import Competition, StatusReport
from projects.text import parse_blocks
from tests.factories import UserFactory

from .conftest import accepted_report, client_for, make_project

pytestmark = pytest.mark.django_db

State = StatusReport.State


# --- helpers ----------------------------------------------------------------------------------

def page(response) -> str:
    return response.content.decode()


def text(response) -> str:
    """The page's text with tags removed and whitespace collapsed."""
    return html.unescape(" ".join(re.sub(r"<[^>]+>", " ", page(response)).split()))


def compact(response) -> str:
    """The page's HTML with the whitespace between tags removed."""
    return re.sub(r">\s+<", "><", page(response))


def section(response, heading_id: str) -> str:
    """The HTML of the <section> labelled by this heading."""
    content = page(response)
    start = content.index(f'aria-labelledby="{heading_id}"')
    return content[start:content.index("</section>", start)]


def rows(response) -> list[str]:
    """The project labels of the table's rows, in order."""
    return re.findall(r'<th scope="row" class="text-nowrap"><a href="[^"]+">([^<]+)</a></th>',
                      page(response))


def chart(response, facet: str) -> dict[str, int]:
    """{label: count} as the SVG chart of this facet draws it."""
    content = page(response)
    start = content.index(f'id="chart-{facet}-title"')
    svg = content[start:content.index("</svg>", start)]
    return {html.unescape(label): int(count) for label, count in
            re.findall(r'data-label="([^"]+)" data-count="(\d+)"', svg)}


def programme_url(competition, query: str = "") -> str:
    return reverse("projects:competition", args=[competition.slug]) + (
        f"?{query}" if query else "")


@pytest.fixture
def mechatrec(competition, trec, bioeconomie):
    """A third project: number 10 (sorts after 2), in Nord-Vest, domain Bioeconomie, no
    members count, the earliest end."""
    return make_project(
        competition, trec, number="10 CLS", acronym="MECHATREC",
        title="Dezvoltarea durabilă a clusterului MECHATREC", start_date=date(2018, 9, 1),
        end_date=date(2019, 12, 31), coordinator="ASOCIAȚIA MECHATREC",
        director="Mihai Țurcanu", members_count=None, domain=bioeconomie,
    )


@pytest.fixture
def three(project, other_project, mechatrec):
    return [project, other_project, mechatrec]


# --- the programme page ---------------------------------------------------------------------------

def test_programme_page_shows_the_competition_and_the_table(three):
    project = three[0]
    response = client_for(None).get(programme_url(project.competition))
    assert response.status_code == 200
    box = html.unescape(" ".join(re.sub(r"<[^>]+>", " ",
                                        section(response, "competition-heading")).split()))
    for fact in ("Organizare și dezvoltare cluster – Cluster Inovativ", "Funder UEFISCDI",
                 "2.1", "Competitivitate prin cercetare, dezvoltare și inovare",
                 "Planul Național de Cercetare Dezvoltare și Inovare (PNCDI)",
                 "Years 2018-2019", "Proposals submitted 16", "Projects funded 12",
                 "Total budget RON 4,176,243"):
        assert fact in box
    assert rows(response) == ["1 CLS/INOV-TREC", "2 CLS/INDAGRO", "10 CLS/MECHATREC"]
    table = text(response)
    for cell in ("Creșterea capacității inovative a companiilor din cadrul clusterului TREC",
                 "01.06.2018 – 31.05.2020", "01.07.2017 – 30.06.2020",
                 "ASOCIAȚIA „CLUSTER T.R.E.C. - TRANSYLVANIA ENERGY CLUSTER”", "Adrian Bot",
                 "Cornelia Muraru-Ionel", "Mihai Țurcanu", "North-West", "South-Muntenia",
                 "Bioeconomy", "Energy, environment and climate change", "Completed"):
        assert cell in table
    assert f'href="{project.get_absolute_url()}"' in page(response)
    assert "table-responsive" in page(response)
    assert "ş" not in page(response)
    assert "ţ" not in page(response)
    assert page(response).count("<h1") == 1


def test_index_redirects_to_the_current_competition_keeping_the_query(three):
    older = Competition.objects.create(slug="cluster-2016", name="Cluster 2016", years="2016")
    make_project(older, three[0].cluster, acronym="VECHI", start_date=date(2016, 1, 1),
                 end_date=date(2016, 12, 31))
    response = client_for(None).get(reverse("projects:index") + "?region=nord-vest")
    assert response.status_code == 302
    assert response["Location"] == programme_url(three[0].competition, "region=nord-vest")


def test_index_without_a_competition_shows_an_empty_state(db):
    response = client_for(None).get(reverse("projects:index"))
    assert response.status_code == 200
    assert "No funding programme has been published yet." in text(response)


def test_unknown_competition_is_404(db):
    assert client_for(None).get(reverse("projects:competition", args=["nu-exista"])
                                ).status_code == 404


@pytest.mark.parametrize(("query", "expected"), [
    ("region=nord-vest", ["1 CLS/INOV-TREC", "10 CLS/MECHATREC"]),
    ("domain=bioeconomie", ["2 CLS/INDAGRO", "10 CLS/MECHATREC"]),
    ("region=nord-vest&domain=bioeconomie", ["10 CLS/MECHATREC"]),
    ("q=cresterea+CAPACITATII", ["1 CLS/INOV-TREC"]),
    ("q=muraru", ["2 CLS/INDAGRO"]),
    ("q=turcanu", ["10 CLS/MECHATREC"]),
    ("q=10+cls", ["10 CLS/MECHATREC"]),
    ("q=asociația", ["1 CLS/INOV-TREC", "2 CLS/INDAGRO", "10 CLS/MECHATREC"]),
])
def test_filters_narrow_the_table(three, query, expected):
    response = client_for(None).get(programme_url(three[0].competition, query))
    assert rows(response) == expected
    assert response.context["filtered"] is True


def test_status_filter_and_its_choices(competition, trec, energie, project):
    today = timezone.localdate()
    make_project(competition, trec, number="3 CLS", acronym="VIITOR",
                 start_date=today + timedelta(days=30), end_date=today + timedelta(days=400))
    make_project(competition, trec, number="4 CLS", acronym="ACUM",
                 start_date=today - timedelta(days=30), end_date=today + timedelta(days=30))
    client = client_for(None)
    assert rows(client.get(programme_url(competition, "status=planned"))) == ["3 CLS/VIITOR"]
    assert rows(client.get(programme_url(competition, "status=ongoing"))) == ["4 CLS/ACUM"]
    assert rows(client.get(programme_url(competition, "status=completed"))) == [
        "1 CLS/INOV-TREC"]
    response = client.get(programme_url(competition))
    assert '<span class="badge text-bg-light border" data-status="planned">Not started' in page(
        response)
    assert 'data-status="ongoing">Ongoing' in page(response)


def test_selects_offer_only_values_that_occur(three, ro):
    Region.objects.create(slug="vest", code="RO42", name_ro="Vest", name_en="West", country=ro)
    Sector.objects.create(slug="textile", name_ro="Textile și pielărie",
                          name_en="Textiles and leather")
    response = client_for(None).get(programme_url(three[0].competition))
    form = response.context["filter"].form
    assert [value for value, _label in form.fields["region"].choices][1:] == [
        "nord-vest", "sud-muntenia"]
    assert {str(value) for value, _label in form.fields["domain"].choices} == {
        "", "bioeconomie", "energie-mediu-schimbari-climatice"}
    # Every project ended before today: "Completed" is the only status on offer.
    assert [value for value, _label in form.fields["status"].choices] == ["", "completed"]
    assert 'value="vest"' not in page(response)
    assert '<label class="form-label small fw-semibold mb-1" for="id_region">Region</label>' in (
        page(response))


def test_an_invalid_filter_is_reported_and_ignored(three):
    response = client_for(None).get(programme_url(three[0].competition,
                                                  "region=atlantida&domain=bioeconomie"))
    assert "Some filters were not valid and were ignored" in text(response)
    assert rows(response) == ["2 CLS/INDAGRO", "10 CLS/MECHATREC"]


def test_empty_state_when_the_filters_match_nothing(three):
    response = client_for(None).get(programme_url(three[0].competition, "q=inexistent"))
    assert rows(response) == []
    assert "No project matches these filters." in text(response)
    assert "Clear the filters" in text(response)


@pytest.mark.parametrize(("sort", "expected"), [
    ("", ["1 CLS", "2 CLS", "10 CLS"]),
    ("number", ["1 CLS", "2 CLS", "10 CLS"]),
    ("-number", ["10 CLS", "2 CLS", "1 CLS"]),
    ("title", ["2 CLS", "1 CLS", "10 CLS"]),
    ("-title", ["10 CLS", "1 CLS", "2 CLS"]),
    ("start", ["2 CLS", "1 CLS", "10 CLS"]),
    ("-start", ["10 CLS", "1 CLS", "2 CLS"]),
    ("end", ["10 CLS", "1 CLS", "2 CLS"]),
    ("-end", ["2 CLS", "1 CLS", "10 CLS"]),
    ("members", ["1 CLS", "2 CLS", "10 CLS"]),  # no count: last either way
    ("-members", ["2 CLS", "1 CLS", "10 CLS"]),
    ("region", ["1 CLS", "10 CLS", "2 CLS"]),
    ("-region", ["2 CLS", "1 CLS", "10 CLS"]),
    ("domain", ["2 CLS", "10 CLS", "1 CLS"]),
    ("-domain", ["1 CLS", "2 CLS", "10 CLS"]),
    ("password", ["1 CLS", "2 CLS", "10 CLS"]),  # not a column: the funder's order
])
def test_sorting_orders_the_rows(three, sort, expected):
    response = client_for(None).get(programme_url(three[0].competition, f"sort={sort}"))
    assert [label.split("/")[0] for label in rows(response)] == expected


def test_sort_headers_link_and_announce_the_order(three):
    client = client_for(None)
    response = client.get(programme_url(three[0].competition, "sort=-title&region=nord-vest"))
    headers = re.findall(r"<th scope=\"col\"[^>]*>.*?</th>", compact(response))
    [active] = [h for h in headers if "aria-sort" in h]
    assert 'aria-sort="descending"' in active
    assert ">Title" in active
    # Clicking the active header flips the order; the other headers sort ascending; all keep
    # the filters.
    assert 'href="?region=nord-vest&amp;sort=title"' in active
    assert "(sort ascending)" in active
    columns = response.context["columns"]
    assert columns["start"]["url"] == "?region=nord-vest&sort=start"
    assert columns["number"]["url"] == "?region=nord-vest"
    # The default order is announced on the number column.
    response = client.get(programme_url(three[0].competition))
    [active] = [h for h in re.findall(r"<th scope=\"col\"[^>]*>.*?</th>", compact(response))
                if "aria-sort" in h]
    assert 'aria-sort="ascending"' in active
    assert "Number/acronym" in active
    assert 'href="?sort=-number"' in active


def test_the_filter_form_keeps_the_sort(three):
    response = client_for(None).get(programme_url(three[0].competition, "sort=-end"))
    assert '<input type="hidden" name="sort" value="-end">' in page(response)


def test_charts_count_the_projects_and_follow_the_filters(three):
    client = client_for(None)
    response = client.get(programme_url(three[0].competition))
    assert chart(response, "region") == {"North-West": 2, "South-Muntenia": 1}
    assert chart(response, "domain") == {"Bioeconomy": 2,
                                         "Energy, environment and climate change": 1}
    # Accessible: a title and a description naming each count, and a data table.
    assert '<desc id="chart-region-desc">North-West: 2; South-Muntenia: 1</desc>' in page(
        response)
    assert 'aria-labelledby="chart-region-title chart-region-desc"' in page(response)
    assert re.search(r'<th scope="row" class="fw-normal">North-West</th>'
                     r'<td class="text-end">2</td>', compact(response))
    # The CSP may block style attributes: the charts use SVG attributes only.
    svgs = re.findall(r"<svg.*?</svg>", page(response), flags=re.S)
    assert len(svgs) == 2
    assert not any("style=" in svg for svg in svgs)
    # The longest bar is the full width, the others in proportion.
    assert re.search(r'data-label="North-West" data-count="2">\s*<text[^>]*>North-West</text>'
                     r'\s*<rect x="0" y="\d+" width="430.0"', page(response))
    assert re.search(r'data-label="South-Muntenia" data-count="1">\s*<text[^>]*>'
                     r'South-Muntenia</text>\s*<rect x="0" y="\d+" width="215.0"', page(response))

    filtered = client.get(programme_url(three[0].competition, "region=nord-vest"))
    assert chart(filtered, "region") == {"North-West": 2}
    assert chart(filtered, "domain") == {"Bioeconomy": 1,
                                         "Energy, environment and climate change": 1}


def test_pagination_keeps_filters_and_sort(project, competition, trec):
    for n in range(2, 31):
        make_project(competition, trec, number=f"{n} CLS", acronym=f"PROIECT-{n}")
    client = client_for(None)
    first = client.get(programme_url(competition, "region=nord-vest&sort=-number"))
    assert len(rows(first)) == 25
    assert rows(first)[0] == "30 CLS/PROIECT-30"
    assert "Page 1 of 2" in text(first)
    assert 'href="?region=nord-vest&amp;sort=-number&amp;page=2"' in page(first)
    second = client.get(programme_url(competition, "region=nord-vest&sort=-number&page=2"))
    assert rows(second) == ["5 CLS/PROIECT-5", "4 CLS/PROIECT-4", "3 CLS/PROIECT-3",
                            "2 CLS/PROIECT-2", "1 CLS/INOV-TREC"]
    assert "30 projects" in text(second)


def test_report_and_export_links(three):
    accepted_report(three[0])
    competition = three[0].competition
    client = client_for(None)
    response = client.get(programme_url(competition, "region=nord-vest&sort=title&page=1"))
    downloads = section(response, "downloads-heading")
    slug = competition.slug
    assert f'href="{reverse("projects:report", args=[slug])}"' in downloads
    assert "Programme report as of 31.12.2019" in downloads
    assert f'href="{reverse("projects:report_pdf", args=[slug])}"' in downloads
    assert f'href="{reverse("projects:report_docx", args=[slug])}"' in downloads
    assert f'href="{reverse("projects:table_csv", args=[slug])}?region=nord-vest"' in downloads
    assert f'href="{reverse("projects:table_xlsx", args=[slug])}?region=nord-vest"' in downloads
    unfiltered = section(client.get(programme_url(competition)), "downloads-heading")
    assert f'href="{reverse("projects:table_csv", args=[slug])}"' in unfiltered


@pytest.mark.parametrize("language", ["accept-language", "language-code"])
def test_romanian_page_formats_the_budget(three, settings, language):
    if language == "accept-language":
        client = client_for(None, HTTP_ACCEPT_LANGUAGE="ro")
    else:
        settings.LANGUAGE_CODE = "ro"
        client = Client()
    response = client.get(programme_url(three[0].competition))
    assert response.status_code == 200
    assert '<html lang="ro">' in page(response)
    assert "RON 4.176.243" in text(response)
    assert chart(response, "region") == {"Nord-Vest": 2, "Sud-Muntenia": 1}
    assert "Energie, mediu și schimbări climatice" in text(response)


def _add_projects(competition, clusters, start: int, count: int):
    for n in range(start, start + count):
        cluster = clusters[n % 2]
        make_project(competition, cluster, number=f"{n} CLS", acronym=f"P{n}",
                     title=f"Proiectul „Creșterea” numărul {n}")


@pytest.mark.parametrize("who", ["anonymous", "manager"])
@pytest.mark.parametrize("query", ["", "region=nord-vest&status=completed&q=crestere&sort=-title"])
def test_programme_query_count_does_not_grow(competition, trec, indagro_cluster, manager, who,
                                             query, django_assert_num_queries):
    client = client_for(manager if who == "manager" else None)
    _add_projects(competition, [trec, indagro_cluster], 1, 3)
    url = programme_url(competition, query)
    with CaptureQueriesContext(connection) as few:
        response = client.get(url)
    assert response.status_code == 200
    assert len(few.captured_queries) <= 14
    _add_projects(competition, [trec, indagro_cluster], 4, 27)
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert response.context["page_obj"].paginator.count == (30 if not query else 15)


# --- a project's page -----------------------------------------------------------------------------

def test_project_page_shows_the_full_record(project):
    project.objectives = ("Obiectivul general: creșterea competitivității.\n"
                          "- cooperarea între membri;\n"
                          "  - întreprinderi mici și mijlocii;\n"
                          "  - universități;\n"
                          "- protecția mediului.")
    project.save()
    accepted_report(project, members_count=35)
    response = client_for(None).get(project.get_absolute_url())
    assert response.status_code == 200
    record = html.unescape(" ".join(re.sub(r"<[^>]+>", " ",
                                           section(response, "record-heading")).split()))
    for field in ("Number/acronym 1 CLS/INOV-TREC",
                  "Title Creșterea capacității inovative a companiilor din cadrul clusterului "
                  "TREC", "Implementation period 01.06.2018 – 31.05.2020",
                  "Coordinator ASOCIAȚIA „CLUSTER T.R.E.C. - TRANSYLVANIA ENERGY CLUSTER”",
                  "Project director Adrian Bot", "Cluster members 35", "Region North-West",
                  "Domain Energy, environment and climate change",
                  "Project website http://www.transylvaniaenergycluster-trec.ro/company/"
                  "projects.php", "Cluster Transylvania Energy Cluster"):
        assert field in record
    assert ('<a href="http://www.transylvaniaenergycluster-trec.ro/company/projects.php" '
            'rel="noopener nofollow"') in page(response)
    assert f'<a href="{project.cluster.get_absolute_url()}">Transylvania Energy Cluster</a>' in (
        page(response))
    objectives = re.sub(r">\s+<", "><", section(response, "objectives-heading"))
    assert ("<p>Obiectivul general: creșterea competitivității.</p>"
            "<ul><li>cooperarea între membri;<ul><li>întreprinderi mici și mijlocii;</li>"
            "<li>universități;</li></ul></li><li>protecția mediului.</li></ul>") in objectives
    results = re.sub(r">\s+<", "><", section(response, "results-heading"))
    assert "as of 31.12.2019" in results
    assert ("<p>În primele două etape derulate s-au elaborat:</p><ul><li>agenda strategică de "
            "cercetare-dezvoltare și inovare;</li></ul>") in results
    activities = re.sub(r">\s+<", "><", section(response, "activities-heading"))
    assert "as of 31.12.2019" in activities
    assert "<ul><li>Se va realiza o platformă online de colaborare.</li></ul>" in activities
    assert "<title>1 CLS/INOV-TREC – Creșterea capacității" in page(response)
    assert page(response).count("<h1") == 1
    assert "ş" not in page(response)
    assert "ţ" not in page(response)
    assert "Write a status report" not in text(response)


def test_project_page_without_reports(project):
    response = client_for(None).get(project.get_absolute_url())
    assert "No status report has been published for this project yet." in text(response)
    assert "No status report yet." in text(response)
    assert "Cluster members 32" in text(response)


def test_history_is_newest_first_with_as_of_dates(project):
    older = accepted_report(project, as_of=date(2019, 6, 30), results="- rezultate vechi")
    newer = accepted_report(project, as_of=date(2019, 12, 31), results="- rezultate noi")
    response = client_for(None).get(project.get_absolute_url())
    history = section(response, "history-heading")
    assert re.findall(r'<a href="([^"]+)">as of (\d\d\.\d\d\.\d{4})</a>', history) == [
        (reverse("projects:report_detail", args=[project.slug, newer.pk]), "31.12.2019"),
        (reverse("projects:report_detail", args=[project.slug, older.pk]), "30.06.2019"),
    ]
    # The page shows the latest accepted report's results.
    assert "rezultate noi" in section(response, "results-heading")
    assert "rezultate vechi" not in page(response)


@pytest.fixture
def unfinished_reports(project):
    """An accepted report and, newer, a draft and a submitted one."""
    accepted_report(project, as_of=date(2019, 12, 31))
    StatusReport.objects.create(project=project, as_of=date(2020, 3, 31), state=State.DRAFT,
                                results="- rezultate în lucru")
    StatusReport.objects.create(project=project, as_of=date(2020, 4, 30),
                                state=State.SUBMITTED, results="- rezultate trimise",
                                submitted_at=timezone.now())


@pytest.fixture
def people(director, manager, other_manager, officer, db):
    return {"anonymous": None, "other_manager": other_manager,
            "outsider": UserFactory(), "director": director, "manager": manager,
            "officer": officer}


@pytest.mark.parametrize(("who", "sees_unfinished", "may_write"), [
    ("anonymous", False, False),
    ("outsider", False, False),
    ("other_manager", False, False),
    ("director", True, True),
    ("manager", True, True),
    ("officer", True, False),
])
def test_unfinished_reports_are_seen_by_submitters_and_officers_only(
        project, unfinished_reports, people, who, sees_unfinished, may_write):
    response = client_for(people[who]).get(project.get_absolute_url())
    assert response.status_code == 200
    history = html.unescape(" ".join(re.sub(r"<[^>]+>", " ",
                                            section(response, "history-heading")).split()))
    if sees_unfinished:
        assert history.index("as of 30.04.2020") < history.index("as of 31.03.2020") < (
            history.index("as of 31.12.2019"))
        assert "as of 30.04.2020 Submitted, awaiting review" in history
        assert "as of 31.03.2020 Draft" in history
    else:
        assert "31.03.2020" not in page(response)
        assert "30.04.2020" not in page(response)
        assert "as of 31.12.2019" in history
    # Whoever looks, the results shown are those of the latest *accepted* report.
    assert "rezultate în lucru" not in page(response)
    assert "rezultate trimise" not in page(response)
    assert "as of 31.12.2019" in section(response, "results-heading")
    write_url = reverse("projects:report_create", args=[project.slug])
    assert (f'href="{write_url}"' in page(response)) is may_write


def test_pending_user_does_not_see_unfinished_reports(project, unfinished_reports,
                                                      pending_user):
    project.director_account = pending_user
    project.save(update_fields=["director_account"])
    client = client_for(pending_user)
    response = client.get(project.get_absolute_url(), follow=True)
    assert "31.03.2020" not in page(response)
    assert "30.04.2020" not in page(response)
    # The session has ended: the page seen again is the public one.
    response = client.get(project.get_absolute_url())
    assert response.status_code == 200
    assert "31.03.2020" not in page(response)
    assert "as of 31.12.2019" in text(response)


def test_unpublished_cluster_is_linked_only_for_those_who_may_see_it(project, manager):
    Cluster.objects.filter(pk=project.cluster_id).update(is_published=False)
    cluster_url = project.cluster.get_absolute_url()
    anonymous = client_for(None).get(project.get_absolute_url())
    assert "Transylvania Energy Cluster" in section(anonymous, "record-heading")
    assert f'href="{cluster_url}"' not in page(anonymous)
    assert f'href="{cluster_url}"' in page(client_for(manager).get(project.get_absolute_url()))


def test_unknown_project_is_404(db):
    assert client_for(None).get(reverse("projects:detail", args=["nu-exista"])
                                ).status_code == 404


def test_project_page_in_romanian(project):
    accepted_report(project)
    response = client_for(None, HTTP_ACCEPT_LANGUAGE="ro").get(project.get_absolute_url())
    assert response.status_code == 200
    assert "Nord-Vest" in text(response)
    assert "Energie, mediu și schimbări climatice" in text(response)
    assert "31.12.2019" in text(response)


@pytest.mark.parametrize("who", ["anonymous", "manager", "officer"])
def test_project_query_count_does_not_grow(project, manager, officer, who,
                                           django_assert_num_queries):
    client = client_for({"anonymous": None, "manager": manager, "officer": officer}[who])
    accepted_report(project, as_of=date(2019, 12, 31))
    StatusReport.objects.create(project=project, as_of=date(2020, 3, 31), state=State.DRAFT)
    with CaptureQueriesContext(connection) as few:
        response = client.get(project.get_absolute_url())
    assert response.status_code == 200
    assert len(few.captured_queries) <= 14
    for n in range(1, 10):
        accepted_report(project, as_of=date(2018, n, 28))
        StatusReport.objects.create(project=project, as_of=date(2020, n, 1),
                                    state=State.SUBMITTED)
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(project.get_absolute_url())
    expected = 10 if who == "anonymous" else 20
    assert len(response.context["reports"]) == expected


# --- the cluster profile's projects panel ---------------------------------------------------------

def test_cluster_profile_lists_its_projects(project, mechatrec, indagro_cluster):
    response = client_for(None).get(project.cluster.get_absolute_url())
    panel = section(response, "projects-heading")
    assert "UEFISCDI projects" in panel
    labels = re.findall(r'<a href="([^"]+)">([^<]+)</a>', panel)
    assert labels == [(mechatrec.get_absolute_url(), "10 CLS/MECHATREC"),
                      (project.get_absolute_url(), "1 CLS/INOV-TREC")]
    assert "Creșterea capacității inovative" in panel
    assert "01.06.2018 – 31.05.2020" in panel
    # A cluster without projects has no panel.
    other = client_for(None).get(indagro_cluster.get_absolute_url())
    assert 'id="projects-heading"' not in page(other)


def test_cluster_profile_query_count_does_not_grow_with_projects(
        competition, trec, django_assert_num_queries):
    make_project(competition, trec)
    client = client_for(None)
    with CaptureQueriesContext(connection) as few:
        client.get(trec.get_absolute_url())
    for n in range(2, 12):
        make_project(competition, trec, number=f"{n} CLS", acronym=f"P{n}")
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(trec.get_absolute_url())
    assert "11 CLS/P11" in page(response)


# --- structured text ------------------------------------------------------------------------------

BLOCKS = Template('{% load projects_tags %}'
                  '{% include "projects/partials/_blocks.html" with blocks=value|structured %}')


def render_blocks(value) -> str:
    return re.sub(r">\s+<", "><", BLOCKS.render(Context({"value": value})).strip())


def test_blocks_partial_renders_text_block_objects_and_api_dicts_alike():
    source = "Intro „citat” & <b>\n- unu\n  - unu.unu\n    - adânc\n- doi\nÎncheiere"
    expected = ("<p>Intro „citat” &amp; &lt;b&gt;</p><ul><li>unu<ul><li>unu.unu<ul>"
                "<li>adânc</li></ul></li></ul></li><li>doi</li></ul><p>Încheiere</p>")
    assert render_blocks(source) == expected
    assert render_blocks(parse_blocks(source)) == expected
    assert render_blocks([block.as_dict() for block in parse_blocks(source)]) == expected
    assert render_blocks("") == ""
    assert render_blocks(None) == ""
