"""Demo data of the UEFISCDI "Cluster inovativ" projects for `seed_demo`.

`demo/cluster_inovativ_2019.json` is the agency's report "Stadiul proiectelor Cluster inovativ
la 31.12.2019" (seed 003) transcribed into the import format (see projects.importer): the
competition and its 12 projects with every field the report gives, each with its status
report as of 31.12.2019. The wording is the report's own, typos included; only extraction
artefacts are gone (emphasis markers, link brackets, table tabs, page breaks inside a sentence
or a list). The total budget is the one the issue states (the seed file does not give it).

Two gaps of the source, kept visible:
- Project 6 has no "Nr. proiect / acronim" line in the report: it is numbered 6 CLS from its
  place between 5 CLS and 7 CLS, and its acronym is "INNO WOOD", the name its title gives it.
- A few sub-items lost their indentation at a page break (the last two of the five market
  studies of 7 CLS, the last three test results of 11 CLS); they are nested again under
  their item, as their italics and the counts the report gives ("5 studii") show.

Importing is idempotent (a project is matched by its number, a report by its date), so
running the seed again changes nothing.
"""

from pathlib import Path

from django.db import transaction

from accounts.demo import demo_account

from .importer import ImportResult, import_file
from .models import Project
from .services import ensure_programme_officers_group

DATA_FILE = Path(__file__).resolve().parent / "demo" / "cluster_inovativ_2019.json"
COMPETITION_SLUG = "cluster-inovativ-2018-2019"

# Demo accounts (defined in accounts.demo, published password): their roles in the projects.
DEMO_OFFICER = "officer@demo.clusterpolicy.ro"
DEMO_DIRECTOR = "director@demo.clusterpolicy.ro"
DEMO_DIRECTED_PROJECT = "1 CLS"


def seed_projects() -> ImportResult:
    """Import the competition and the 12 projects of seed 003 with their 31.12.2019 reports
    (accepted, as the agency's own record). Needs the reference data and the clusters.
    Raises projects.importer.ImportFailed when the file does not fit the database."""
    return import_file(DATA_FILE)


@transaction.atomic
def seed_project_accounts() -> dict[str, str]:
    """Give the demo programme officer and the demo project director their roles: the officer
    joins the Programme officers group, the director becomes the director of 1 CLS/INOV-TREC
    when that project has no director account yet (never replacing a real one). Creates the
    two accounts if needed. Idempotent. Returns each account's role, by e-mail."""
    roles = {}
    officer = demo_account(DEMO_OFFICER)
    group = ensure_programme_officers_group()
    if not officer.groups.filter(pk=group.pk).exists():
        officer.groups.add(group)
    roles[officer.email] = "programme officer"

    director = demo_account(DEMO_DIRECTOR)
    project = (Project.objects.select_for_update()
               .filter(competition__slug=COMPETITION_SLUG, number=DEMO_DIRECTED_PROJECT)
               .first())
    if project is not None:
        if project.director_account_id is None:
            project.director_account = director
            project.save(update_fields=["director_account"])
        if project.director_account_id == director.pk:
            roles[director.email] = f"director of project {project.label}"
    return roles
