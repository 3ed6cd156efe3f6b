"""The demo projects are the UEFISCDI report of seed 003, all of it and nothing else; seed_demo
loads them (with or without accounts), gives the demo officer and director their roles, and
loading twice changes nothing."""

import json
import re
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from allauth.account.models import EmailAddress
from django.core.management import call_command
from django.utils.text import slugify

from accounts.models import User
from clusters.demo import seed_clusters, seed_reference_data
from clusters.models import Cluster
from projects.demo import DATA_FILE, seed_project_accounts, seed_projects
from projects.models import Competition, Project, ReviewEntry, StatusReport
from projects.permissions import can_submit, is_programme_officer
from projects.text import parse_blocks
from projects.urls import RESERVED_SLUGS
from tests.factories import UserFactory

SEED_TEXT = Path("/work/shared/seeds/003_03ec9aebe6bac5dd.txt").read_text(encoding="utf-8")
DATA = json.loads(DATA_FILE.read_text(encoding="utf-8"))
PROJECTS = {p["number"]: p for p in DATA["projects"]}

ACRONYMS = ["INOV-TREC", "INDAGRO", "Ino Tex", "CATINN", "CM", "INNO WOOD", "MECHATRANS",
            "ASTRICONE", "CRONOS", "SMARTI", "SANINFO", "CEX-IMAG"]
CLUSTERS = ["trec", "ind-agro-pol", "romanian-textile-concept", "transylvania-textile-fashion",
            "cluster-mobilier-transilvan", "pro-wood", "mechatrec", "astrico-ne", "cluj-it",
            "elinclus", "pentru-sanatate-dunarea-de-jos", "imago-mol"]
# The report's region names and domains, as our slugs.
REGIONS = {"Nord-Vest": "nord-vest", "Nord - Vest": "nord-vest", "Centru": "centru",
           "Nord - Est": "nord-est", "Sud - Est": "sud-est", "Sud": "sud-muntenia",
           "Bucuresti": "bucuresti-ilfov", "Sud - Vest": "sud-vest-oltenia"}
DOMAINS = {
    "Energie, mediu și schimbări climatice": "energie-mediu-schimbari-climatice",
    "Bioeconomie": "bioeconomie",
    "Textile și pielărie": "textile-pielarie",
    "Lemn și mobilă": "lemn-mobila",
    "Eco-nano-tehnologii și materiale avansate": "eco-nano-tehnologii-materiale-avansate",
    "Tehnologia informației și a comunicațiilor, spațiu și securitate": "tic-spatiu-securitate",
    "Tehnologia informației și comunicațiilor": "tic-spatiu-securitate",
    "Sănătate (inclusiv știința medicamentului)": "sanatate",
}
TEXT_FIELDS = ("objectives", "results", "ongoing_activities")


def normalised(text: str) -> str:
    """Without the extraction artefacts: emphasis stars, <…> around links, spacing."""
    text = text.replace("*", "")
    text = re.sub(r"<(https?://[^>\s]+)>", r"\1", text)
    return re.sub(r"\s+", " ", text).strip()


def text_lines(project: dict):
    report = project["reports"][0]
    for field, lines in (("objectives", project["objectives"]),
                         ("results", report["results"]),
                         ("ongoing_activities", report["ongoing_activities"])):
        for line in lines:
            yield field, line


def seed_tables() -> list[list[str]]:
    """The project tables of the seed, in order: title, period, coordinator, director,
    members, region, domain."""
    return [line.split("\t") for line in SEED_TEXT.splitlines()
            if re.search(r"\t\d\d\.\d\d\.\d{4} - \d\d\.\d\d\.\d{4}\t", line)]


def iso(day: str) -> str:
    dd, mm, yyyy = day.split(".")
    return f"{yyyy}-{mm}-{dd}"


# --- The file against the seed -------------------------------------------------------------

def test_the_file_has_the_twelve_projects_numbered_1_to_12_cls():
    assert DATA["format"] == "cluster-policy-projects/1"
    assert [p["number"] for p in DATA["projects"]] == [f"{n} CLS" for n in range(1, 13)]
    assert [p["acronym"] for p in DATA["projects"]] == ACRONYMS
    assert [p["cluster"] for p in DATA["projects"]] == CLUSTERS
    slugs = [p["slug"] for p in DATA["projects"]]
    assert len(set(slugs)) == 12
    assert all(slug == slugify(slug) and slug.isascii() for slug in slugs)
    assert not set(slugs) & RESERVED_SLUGS


def test_every_number_and_acronym_is_the_reports_own():
    headers = {re.sub(r"\s+", "", m) for m in re.findall(r"_(\d+ CLS/ ?[^\t\n]+)", SEED_TEXT)}
    for project in DATA["projects"]:
        if project["number"] == "6 CLS":
            # The report has no header line for project 6; its title names it "INNO WOOD".
            assert '"INNO WOOD"' in project["title"]
            continue
        assert re.sub(r"\s+", "", f"{project['number']}/{project['acronym']}") in headers
        assert project["acronym"].strip() in SEED_TEXT


def test_the_competition_is_the_preambles():
    competition = DATA["competition"]
    assert f'"{competition["name"]}"' in SEED_TEXT
    assert competition["subprogramme_code"] == "2.1"
    assert f'{competition["subprogramme_code"]}. {competition["subprogramme"]}' in \
        normalised(SEED_TEXT)
    assert competition["purpose"] in SEED_TEXT
    assert "16 proiecte depuse, dintre care 12 proiecte au fost finanțate" in SEED_TEXT
    assert (competition["proposals_submitted"], competition["projects_funded"]) == (16, 12)
    assert (competition["total_budget"], competition["currency"]) == ("4176243", "RON")
    assert competition["years"] in SEED_TEXT


def test_every_table_matches_the_seed():
    tables = seed_tables()
    assert len(tables) == 12
    for project, row in zip(DATA["projects"], tables, strict=True):
        title, period, coordinator, director, members, region, domain = row[:7]
        start, end = period.split(" - ")
        assert project["title"] == title
        assert (project["start"], project["end"]) == (iso(start), iso(end))
        assert project["coordinator"] == coordinator
        assert project["director"] == director
        assert project["members"] == project["reports"][0]["members"] == int(members)
        assert project["region"] == REGIONS[region]
        assert project["domain"] == DOMAINS[domain]
        assert project["website"] in SEED_TEXT
        assert project["reports"][0]["as_of"] == "2019-12-31"


@pytest.mark.parametrize(
    ("number", "director", "members", "start", "end", "region", "domain", "website"), [
    ("1 CLS", "Adrian Bot", 32, "2018-06-01", "2020-05-31", "nord-vest",
     "energie-mediu-schimbari-climatice",
     "http://www.transylvaniaenergycluster-trec.ro/company/projects.php"),
    ("2 CLS", "Cornelia Muraru-Ionel", 100, "2017-07-01", "2020-06-30", "sud-muntenia",
     "bioeconomie", "http://www.inma.ro/indagropol/index_files_ro/proiecte.htm"),
    ("6 CLS", "Kadar Rezso", 57, "2018-07-01", "2020-06-30", "centru", "lemn-mobila",
     "http://prowood.ro/category/proiecte"),
    ("7 CLS", "Gheorghe Gheorghe", 15, "2018-06-01", "2020-05-31", "sud-vest-oltenia",
     "eco-nano-tehnologii-materiale-avansate",
     "https://proiect7cls.clustermechatrec.ro/noutati-evenimente/"),
    ("9 CLS", "Stelian Brad", 54, "2018-04-01", "2020-06-03", "nord-vest",
     "tic-spatiu-securitate", "https://www.clujit.ro/projects/cronos/"),
    ("10 CLS", "Bogdan Mihăilescu", 65, "2018-06-05", "2020-06-05", "bucuresti-ilfov",
     "tic-spatiu-securitate", "http://elinclus.ro/proiect-smarti/"),
    ("11 CLS", "Costică Voicu", 20, "2018-06-11", "2020-06-10", "sud-est", "sanatate",
     "http://saninfo.csdj.ro/"),
])
def test_spot_checked_facts(number, director, members, start, end, region, domain, website):
    project = PROJECTS[number]
    assert (project["director"], project["members"], project["start"], project["end"],
            project["region"], project["domain"], project["website"]) == (
        director, members, start, end, region, domain, website)


def test_coordinators_keep_the_reports_capitals_and_quotes():
    assert PROJECTS["1 CLS"]["coordinator"] == \
        'ASOCIAȚIA "CLUSTER T.R.E.C. - TRANSYLVANIA ENERGY CLUSTER"'
    assert PROJECTS["8 CLS"]["coordinator"] == 'ASOCIAȚIA "ASTRICO NORD-EST" SĂVINEȘTI'
    assert PROJECTS["3 CLS"]["title"].endswith("Romanian Textie Concept")  # the report's typo


def test_every_line_of_text_is_in_the_seed():
    """Nothing invented: each objective, result and activity line is the report's text."""
    seed = normalised(SEED_TEXT)
    for project in DATA["projects"]:
        for field, line in text_lines(project):
            assert line == line.rstrip()
            assert "\t" not in line
            text = re.sub(r"^(  )*- ", "", line)
            assert normalised(text) in seed, (project["number"], field, line)


def test_every_line_of_the_seed_is_in_the_file():
    """Nothing left out: each content line of the report's project sections is in the file
    (a line broken by a page break is found inside the joined one)."""
    file_text = " | ".join(
        [normalised(re.sub(r"^(  )*- ", "", line))
         for project in DATA["projects"] for _field, line in text_lines(project)]
        + [project["website"] for project in DATA["projects"]]
    )
    headings = re.compile(r"^(Nr\. ?proiect|Site proiect|Obiectiv|Principalele rezultate|"
                          r"Activități în curs)")
    body = SEED_TEXT[SEED_TEXT.index("Nr.proiect/acronim _1 CLS"):]
    for raw in body.splitlines():
        # A heading glued to the website line ("<http://…>**Obiectivul proiectului:**").
        line = re.sub(r"\*\*Obiectivul proiectului:\*\*$", "", raw).strip()
        if not line or "\t" in raw or headings.match(line):
            continue
        assert normalised(re.sub(r"^- ", "", line)) in file_text, line


def test_the_texts_are_clean_structured_text():
    for project in DATA["projects"]:
        for _field, line in text_lines(project):
            assert "*" not in line
            assert "<http" not in line
            assert not set("şţŞŢ") & set(line)
            assert re.match(r"^((  )*- \S|[^\s-])", line), line


def test_nested_sub_bullets_keep_their_place():
    results = parse_blocks("\n".join(PROJECTS["4 CLS"]["reports"][0]["results"]))
    items = [item for block in results if block.kind == "list" for item in block.items]
    workshops = next(i for i in items if i.text.startswith("Au avut loc workshop-uri"))
    assert [c.text for c in workshops.children] == [
        "un Studiu de piață pentru produse noi;",
        "agenda strategică de CDI a clusterului;",
        "planul de implementare preliminar;",
        "21 rapoarte de audit specifice pentru membrii clusterului;",
        "2 competence mapping la firme din cluster;",
    ]
    # Project 7's five market studies: the last two were cut off by a page break.
    results = parse_blocks("\n".join(PROJECTS["7 CLS"]["reports"][0]["results"]))
    studies = next(i for block in results if block.kind == "list" for i in block.items
                   if i.text == "Realizarea a 5 studii de piață privind:")
    assert len(studies.children) == 5
    assert studies.children[3].text.startswith("introducerea tehnologiilor aditive")


def test_paragraphs_and_bullets_as_in_the_report():
    results = PROJECTS["1 CLS"]["reports"][0]["results"]
    assert results[0] == "În primele două etape derulate s-au elaborat:"
    assert results[1] == "- agenda strategică de cercetare-dezvoltare și inovare;"
    assert results[-1].startswith("Au avut loc întâlniri directe cu membrii")
    # A sentence split by a page break (project 2) is one bullet again.
    assert ("- A fost elaborată agenda strategică de CDI a clusterului care capitalizează "
            "rezultatele obținute ca urmare a elaborării studiilor prospective și studiului de "
            "piață, precum și cele obținute în cadrul auditurilor de inovare și a celor "
            "tehnologice de tipul competence mapping;") in \
        PROJECTS["2 CLS"]["reports"][0]["results"]
    # The very last line of the report.
    assert PROJECTS["12 CLS"]["reports"][0]["ongoing_activities"][-1] == (
        "- Redactarea Strategiei de extindere și internaționalizare a Clusterului IMAGO-MOL "
        "- 1 Strategie extindere.")


# --- Loading ---------------------------------------------------------------------------------

def _load():
    seed_reference_data()
    seed_clusters()
    return seed_projects()


def snapshot():
    return {
        model._meta.label: list(model.objects.order_by("pk").values())
        for model in (Competition, Project, StatusReport, ReviewEntry)
    }


@pytest.mark.django_db
def test_seed_projects_loads_the_twelve_projects_with_their_2019_reports():
    result = _load()
    assert (result.competitions_created, result.projects_created, result.reports_added) == \
        (1, 12, 12)
    competition = Competition.objects.get()
    assert competition.slug == "cluster-inovativ-2018-2019"
    assert competition.total_budget == Decimal("4176243")
    assert (competition.proposals_submitted, competition.projects_funded) == (16, 12)
    projects = list(Project.objects.select_related("cluster", "region", "domain")
                    .order_by("sequence"))
    assert [p.label for p in projects] == [f"{n} CLS/{a}" for n, a in
                                           zip(range(1, 13), ACRONYMS, strict=True)]
    assert [p.cluster.slug for p in projects] == CLUSTERS
    for project in projects:
        data = PROJECTS[project.number]
        assert project.region.slug == data["region"]
        assert project.domain.slug == data["domain"]
        assert project.members_count == data["members"]
        assert project.objectives == "\n".join(data["objectives"])
        report = project.reports.get()
        assert report.state == StatusReport.State.ACCEPTED
        assert report.as_of == date(2019, 12, 31)
        assert report.accepted_at is not None
        assert report.members_count == data["members"]
        assert report.results == "\n".join(data["reports"][0]["results"])
        assert report.ongoing_activities == "\n".join(data["reports"][0]["ongoing_activities"])
        assert list(report.review_entries.values_list("action", flat=True)) == \
            [ReviewEntry.Action.IMPORTED]
    trec = Project.objects.get(number="1 CLS")
    assert (trec.start_date, trec.end_date) == (date(2018, 6, 1), date(2020, 5, 31))
    assert trec.cluster == Cluster.objects.get(slug="trec")


@pytest.mark.django_db
def test_seed_projects_twice_changes_nothing():
    _load()
    before = snapshot()
    result = seed_projects()
    assert (result.competitions_created, result.projects_created, result.projects_updated,
            result.reports_added) == (0, 0, 0, 0)
    assert (result.projects_unchanged, result.reports_unchanged) == (12, 12)
    assert snapshot() == before


@pytest.mark.django_db
def test_seed_demo_loads_the_projects_without_accounts(settings, capsys):
    settings.DEBUG = False
    call_command("seed_demo", "--no-accounts")
    before = snapshot()
    call_command("seed_demo", "--no-accounts")
    assert snapshot() == before
    assert Project.objects.count() == 12
    assert StatusReport.objects.accepted().filter(as_of=date(2019, 12, 31)).count() == 12
    assert not User.objects.exists()
    assert "Projects: 12, status reports: 12" in capsys.readouterr().out


@pytest.mark.django_db
def test_seed_demo_gives_the_demo_officer_and_director_their_roles(settings, capsys):
    settings.DEBUG = True
    call_command("seed_demo")
    out = capsys.readouterr().out
    officer = User.objects.get(email="officer@demo.clusterpolicy.ro")
    director = User.objects.get(email="director@demo.clusterpolicy.ro")
    assert officer.full_name == "Ofițer de program demonstrativ"
    assert (officer.is_staff, officer.is_superuser, officer.is_approved) == (True, False, True)
    assert is_programme_officer(officer)
    assert not is_programme_officer(director)
    assert director.full_name == "Director de proiect demonstrativ"
    assert (director.is_staff, director.is_approved) == (False, True)
    assert EmailAddress.objects.filter(user__in=[officer, director], verified=True).count() == 2
    for project in Project.objects.all():
        assert can_submit(director, project) == (project.number == "1 CLS")
    assert Project.objects.get(number="1 CLS").director_account == director
    assert re.search(r"officer@demo\.clusterpolicy\.ro .*, programme officer", out)
    assert "director of project 1 CLS/INOV-TREC" in out

    users = list(User.objects.order_by("pk").values())
    groups = list(User.groups.through.objects.order_by("pk").values())
    projects = snapshot()
    call_command("seed_demo")
    assert list(User.objects.order_by("pk").values()) == users
    assert list(User.groups.through.objects.order_by("pk").values()) == groups
    assert snapshot() == projects


@pytest.mark.django_db
def test_seed_project_accounts_never_replaces_a_real_director():
    _load()
    real = UserFactory(full_name="Adrian Bot")
    Project.objects.filter(number="1 CLS").update(director_account=real)
    roles = seed_project_accounts()
    assert Project.objects.get(number="1 CLS").director_account == real
    assert roles == {"officer@demo.clusterpolicy.ro": "programme officer"}
    director = User.objects.get(email="director@demo.clusterpolicy.ro")
    assert not any(can_submit(director, project) for project in Project.objects.all())
