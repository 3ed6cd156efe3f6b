"""The status-report journey in Chromium: the cluster's manager writes a report, attaches a file
(through static/js/upload.js, with its progress bar) and submits it; the programme officer
finds it in the review queue and accepts it; a visitor nobody logged in sees its results on the
project's page."""

import re
from datetime import date

import pytest
from django.contrib.auth.models import Group

from clusters import services as cluster_services
from clusters.models import Cluster, Country, Region, Sector
from projects.models import PROGRAMME_OFFICERS_GROUP, Competition, Project, StatusReport
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

EMAIL_LABEL = re.compile(r"^E-?mail", re.IGNORECASE)
RESULTS = ("În etapa a doua s-au realizat:\n"
           "- agenda strategică de cercetare-dezvoltare și inovare;\n"
           "  - versiunea în limba engleză;\n"
           "- 3 ateliere de lucru cu 45 de participanți.")
ACTIVITIES = "- Se realizează platforma online de colaborare a membrilor clusterului."
FILENAME = "Prezentare ședință – etapa 2.pdf"
PDF = b"%PDF-1.4\n% Prezentare\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"


def _project() -> Project:
    romania = Country.objects.get_or_create(code="RO", defaults={"name_ro": "România",
                                                                  "name_en": "Romania"})[0]
    region = Region.objects.get_or_create(
        slug="nord-vest", defaults={"code": "RO11", "name_ro": "Nord-Vest",
                                    "name_en": "North-West", "country": romania})[0]
    domain = Sector.objects.get_or_create(
        slug="energie-mediu-schimbari-climatice",
        defaults={"name_ro": "Energie, mediu și schimbări climatice",
                  "name_en": "Energy, environment and climate change"})[0]
    cluster = Cluster.objects.create(slug="trec", name="Transylvania Energy Cluster",
                                     acronym="TREC", region=region, is_published=True)
    competition = Competition.objects.create(
        slug="cluster-inovativ-2018-2019",
        name="Organizare și dezvoltare cluster – Cluster Inovativ", years="2018-2019")
    return Project.objects.create(
        competition=competition, cluster=cluster, number="1 CLS", acronym="INOV-TREC",
        slug="inov-trec",
        title="Creșterea capacității inovative a companiilor din cadrul clusterului TREC",
        start_date=date(2018, 6, 1), end_date=date(2020, 5, 31),
        coordinator="ASOCIAȚIA „CLUSTER T.R.E.C. - TRANSYLVANIA ENERGY CLUSTER”",
        director="Adrian Bot", members_count=32, region=region, domain=domain)


def _log_in(page, base_url: str, email: str, next_path: str) -> None:
    page.goto(f"{base_url}/accounts/login/?next={next_path}")
    page.get_by_label(EMAIL_LABEL).fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url(f"**{next_path}")


def test_a_report_is_written_submitted_accepted_and_public(live_server, page, browser):
    project = _project()
    manager = UserFactory(email="ioana@example.ro", full_name="Ioana Ștefănescu")
    cluster_services.cluster_manager_add(cluster=project.cluster, manager=manager, by=None)
    officer = UserFactory(email="elena@uefiscdi.ro", full_name="Elena Dumitrescu", staff=True)
    officer.groups.add(Group.objects.get_or_create(name=PROGRAMME_OFFICERS_GROUP)[0])

    # The cluster's manager writes the report from "My status reports" and saves a draft.
    _log_in(page, live_server.url, "ioana@example.ro", "/projects/mine/")
    page.get_by_role("link", name="New status report 1 CLS/INOV-TREC").click()
    page.wait_for_url("**/projects/inov-trec/reports/new/")
    page.get_by_label("As of").fill("2019-12-31")
    page.get_by_label("Cluster members").fill("34")
    page.get_by_label("Main results").fill(RESULTS)
    page.get_by_label("Ongoing activities").fill(ACTIVITIES)
    page.screenshot(path="test-artifacts/browser-projects-form.png", full_page=True)
    page.get_by_role("button", name="Save as draft").click()
    page.wait_for_url(re.compile(r"/projects/inov-trec/reports/\d+/$"))
    assert "Your draft has been saved." in page.content()
    report = StatusReport.objects.get()
    assert report.state == StatusReport.State.DRAFT

    # A file, sent by the progress-bar script (XMLHttpRequest, answered with where to go).
    form = page.locator("form.js-upload")
    form.get_by_label("File", exact=True).set_input_files(
        {"name": FILENAME, "mimeType": "application/pdf", "buffer": PDF})
    with page.expect_response(lambda r: r.request.method == "POST"
                              and r.url.endswith("/attachments/")) as answer:
        form.get_by_role("button", name="Upload the file").click()
    assert answer.value.request.header_value("x-requested-with") == "XMLHttpRequest"
    assert answer.value.header_value("content-type") == "application/json"
    page.get_by_text(f"“{FILENAME}” has been attached to the report.").wait_for()
    assert page.get_by_role("link", name=FILENAME).is_visible()

    page.get_by_role("button", name="Submit for review").click()
    page.get_by_text("Your status report has been submitted for review.").wait_for()
    report.refresh_from_db()
    assert report.state == StatusReport.State.SUBMITTED
    page.screenshot(path="test-artifacts/browser-projects-submitted.png", full_page=True)

    # The programme officer, in another browser, finds it in the queue and accepts it.
    officer_page = browser.new_context(locale="en-GB").new_page()
    _log_in(officer_page, live_server.url, "elena@uefiscdi.ro", "/projects/review/")
    queue = officer_page.locator("table.review-queue")
    assert "1 CLS/INOV-TREC" in queue.inner_text()
    assert "Ioana Ștefănescu" in queue.inner_text()
    officer_page.get_by_role("link", name=re.compile(r"^Review")).click()
    officer_page.wait_for_url(f"**/projects/inov-trec/reports/{report.pk}/")
    officer_page.get_by_label("Comment").fill("Raport complet, mulțumim.")
    officer_page.screenshot(path="test-artifacts/browser-projects-review.png", full_page=True)
    officer_page.get_by_role("button", name="Accept", exact=True).click()
    officer_page.get_by_text("The report has been accepted: it is now public.").wait_for()
    report.refresh_from_db()
    assert report.state == StatusReport.State.ACCEPTED
    officer_page.context.close()

    # A visitor nobody logged in sees the results on the project's page.
    visitor = browser.new_context(locale="en-GB").new_page()
    visitor.goto(f"{live_server.url}/projects/inov-trec/")
    text = visitor.locator("main").inner_text()
    assert "3 ateliere de lucru cu 45 de participanți." in text
    assert "versiunea în limba engleză;" in text
    assert "31.12.2019" in text
    # And the report's own page, with the attachment to download.
    visitor.goto(f"{live_server.url}{report.get_absolute_url()}")
    assert visitor.get_by_role("link", name=FILENAME).is_visible()
    assert "Raport complet, mulțumim." not in visitor.content()  # the review stays private
    visitor.screenshot(path="test-artifacts/browser-projects-public.png", full_page=True)
    visitor.context.close()
