"""One hostile string through every output format: every text field that reaches HTML, e-mail,
CSV, iCalendar or PDF (and DOCX, XLSX) is escaped for that format, and the Romanian
diacritics come through intact.

The string goes into a cluster (name, description, management entity), an event (title,
description, venue, organiser), a document (title, description), a project's title and its
status reports (results, ongoing activities), and an attendee's name and organisation. It
carries a spreadsheet formula, an HTML script, quotes, RFC 5545 separators (; , \\), and a
CR LF followed by a fake e-mail header.

PDF output exists: the programme report (projects/exports.py, reportlab); it is checked here
with its DOCX and XLSX siblings."""

import csv
import io
from datetime import date

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.test import Client
from django.urls import reverse
from docx import Document as DocxDocument
from icalendar import Calendar
from openpyxl import load_workbook
from pypdf import PdfReader

from clusters import services as cluster_services
from clusters.models import Cluster, Country, Region, Sector
from documents.models import Document
from events import services as event_services
from events.models import Event
from projects import services as project_services
from projects.models import PROGRAMME_OFFICERS_GROUP, Competition, StatusReport
from tests.documents.web_helpers import create_document, member_of
from tests.events.conftest import make_event
from tests.factories import UserFactory
from tests.projects.conftest import accepted_report, make_project
from workinggroups.models import WorkingGroup

pytestmark = pytest.mark.django_db

HOSTILE = ('=HYPERLINK("http://x")<script>alert(1)</script>"\'&;,\\\r\n'
           "BCC: x@evil.test ș ț ă î â")
SCRIPT = "<script>alert(1)</script>"
ESCAPED_SCRIPT = "&lt;script&gt;alert(1)&lt;/script&gt;"
DIACRITICS = "ș ț ă î â"


def client_for(user=None) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    if user is not None:
        client.force_login(user)
    return client


def content_of(response) -> bytes:
    assert response.status_code == 200, response
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


# --- builders (also used by test_checklist) -----------------------------------------------------

def make_cluster(**fields) -> Cluster:
    ro = Country.objects.get_or_create(
        code="RO", defaults={"name_ro": "România", "name_en": "Romania"})[0]
    region = Region.objects.get_or_create(
        slug="nord-vest", defaults={"code": "RO11", "name_ro": "Nord-Vest",
                                    "name_en": "North-West", "country": ro})[0]
    sector = Sector.objects.get_or_create(
        slug="energie", defaults={"name_ro": "Energie", "name_en": "Energy"})[0]
    values = {"slug": "trec", "name": "Transylvania Energy Cluster", "is_published": True,
              **fields}
    cluster = Cluster.objects.create(region=region, **values)
    cluster.sectors.set([sector])
    return cluster


def make_project_with_manager(cluster=None, **project_fields):
    """A competition, a project of `cluster` and a manager of that cluster."""
    cluster = cluster or make_cluster()
    competition = Competition.objects.create(slug="cluster-inovativ-2018-2019",
                                             name="Cluster Inovativ", years="2018-2019")
    project = make_project(competition, cluster, **project_fields)
    manager = UserFactory(full_name="Ioana Ștefănescu")
    cluster_services.cluster_manager_add(cluster=cluster, manager=manager, by=None)
    return project, manager


# --- the hostile world ---------------------------------------------------------------------------

@pytest.fixture
def world(capture_commits):
    """Every object carrying the hostile string; the e-mails they cause are in mail.outbox."""
    cluster = make_cluster(slug="hostile", name=HOSTILE, description=HOSTILE,
                           management_entity=HOSTILE)
    project, manager = make_project_with_manager(cluster, title=HOSTILE)
    accepted_report(project, results=HOSTILE, ongoing_activities=HOSTILE)
    officer = UserFactory(staff=True)
    officer.groups.add(Group.objects.get_or_create(name=PROGRAMME_OFFICERS_GROUP)[0])
    group = WorkingGroup.objects.get(code="WG1")
    uploader, reader = member_of(group), member_of(group)
    attendee = UserFactory(full_name=HOSTILE, organisation=HOSTILE)
    with capture_commits():
        draft = StatusReport.objects.create(project=project, as_of=date(2020, 3, 31),
                                            results=HOSTILE, ongoing_activities=HOSTILE)
        project_services.report_submit(report=draft, user=manager)
        document = create_document(group, uploader, title=HOSTILE, description=HOSTILE)
        event = make_event(title=HOSTILE, description=HOSTILE, venue=HOSTILE,
                           organiser=HOSTILE, takes_registrations=True)
        event_services.register(event=event, user=attendee)
    return {"cluster": cluster, "project": project, "manager": manager, "draft": draft,
            "document": document, "event": event, "reader": reader, "officer": officer,
            "attendee": attendee, "staff": UserFactory(staff=True)}


def test_the_hostile_text_is_stored_unchanged(world):
    """The string is kept as typed (escaping happens on output, per format)."""
    assert Cluster.objects.get(pk=world["cluster"].pk).name == HOSTILE
    assert Event.objects.get(pk=world["event"].pk).title == HOSTILE
    assert Document.objects.get(pk=world["document"].pk).title == HOSTILE


# --- HTML ----------------------------------------------------------------------------------------

def pages(world):
    event, document, project = world["event"], world["document"], world["project"]
    return [
        (None, reverse("clusters:detail", args=[world["cluster"].slug])),
        (None, reverse("clusters:index")),
        (None, reverse("events:detail", args=[event.pk])),
        (None, reverse("events:index")),
        (None, reverse("projects:detail", args=[project.slug])),
        (None, reverse("projects:report", args=[project.competition.slug])),
        (world["reader"], reverse("documents:detail", args=[document.pk])),
        (world["reader"], reverse("workinggroups:detail", args=["WG1"])),
        (world["manager"], reverse("projects:report_detail",
                                   args=[project.slug, world["draft"].pk])),
        (world["staff"], reverse("events:attendees", args=[event.pk])),
    ]


def test_html_pages_escape_the_hostile_text(world):
    """Every page showing the text shows it escaped: no live <script>, quotes and & as
    entities, diacritics intact."""
    for user, url in pages(world):
        html = content_of(client_for(user).get(url)).decode()
        assert SCRIPT not in html, url
        assert ESCAPED_SCRIPT in html, url
        assert "=HYPERLINK(&quot;http://x&quot;)" in html, url
        assert "&quot;&#x27;&amp;;,\\" in html, url
        assert DIACRITICS in html, url


# --- e-mail --------------------------------------------------------------------------------------

def test_emails_keep_the_text_plain_and_the_headers_intact(world):
    """E-mails about the hostile objects (report submitted, to review, document uploaded,
    event registration) have a one-line subject with the text unescaped (plain text is not
    HTML), no header injected by the CR LF, only the intended recipient, and a body with the
    text as typed, diacritics intact."""
    expected = {world["manager"].email, world["officer"].email, world["reader"].email,
                world["attendee"].email}
    assert {m.to[0] for m in mail.outbox} == expected
    for message in mail.outbox:
        assert "\n" not in message.subject
        assert "\r" not in message.subject
        assert "&lt;" not in message.subject
        assert "&amp;" not in message.subject
        assert "&#x27;" not in message.subject
        assert message.recipients() == message.to
        assert len(message.to) == 1
        assert message.bcc == []
        raw = message.message().as_bytes()
        headers = raw.split(b"\n\n", 1)[0].lower()
        assert b"\nbcc:" not in headers
        assert b"evil.test" not in headers
        body = message.body
        assert "&lt;" not in body
        assert "&amp;" not in body
        assert "&quot;" not in body
    about_text = [m for m in mail.outbox if SCRIPT in m.subject]
    # document upload and registration carry the title in the subject
    assert {m.to[0] for m in about_text} >= {world["reader"].email, world["attendee"].email}
    bodies = [m for m in mail.outbox if SCRIPT in m.body]
    assert {m.to[0] for m in bodies} >= {world["manager"].email, world["officer"].email,
                                         world["attendee"].email}
    for message in about_text + bodies:
        assert DIACRITICS in message.subject + message.body


# --- CSV -----------------------------------------------------------------------------------------

def hostile_cells(content: bytes) -> list[str]:
    rows = csv.reader(io.StringIO(content.decode("utf-8-sig"), newline=""))
    return [cell for row in rows for cell in row if "HYPERLINK" in cell]


def test_csv_exports_neutralise_formulas(world):
    """In every CSV export (clusters, the programme's projects table, an event's attendees) a
    cell starting with = + - @ is turned into text by a leading apostrophe; the rest of the
    text is unchanged, diacritics intact."""
    project, event = world["project"], world["event"]
    exports = [
        (None, reverse("clusters:export", args=["csv"])),
        (None, reverse("projects:table_csv", args=[project.competition.slug])),
        (world["staff"], reverse("events:attendees_csv", args=[event.pk])),
    ]
    for user, url in exports:
        cells = hostile_cells(content_of(client_for(user).get(url)))
        assert cells, url
        for cell in cells:
            assert cell[:1] not in ("=", "+", "-", "@", "\t", "\r"), (url, cell)
            assert cell.startswith("'=HYPERLINK("), (url, cell)
            assert SCRIPT in cell
            assert DIACRITICS in cell


@pytest.mark.parametrize("first", ["=", "+", "-", "@"])
def test_csv_neutralises_every_formula_prefix(first):
    """Each formula-starting character is neutralised, not only "="."""
    from core.text import csv_safe

    assert csv_safe(f"{first}1+1") == f"'{first}1+1"
    assert csv_safe("Brașov") == "Brașov"


# --- iCalendar ------------------------------------------------------------------------------------

def unfolded_lines(content: bytes) -> list[str]:
    return content.decode().replace("\r\n ", "").replace("\r\n\t", "").split("\r\n")


def test_icalendar_escapes_the_text(world):
    """In the .ics file, the public feed and the e-mail attachment, the text is escaped per
    RFC 5545 (; , \\ and line breaks), so it stays inside its property: no BCC (or other)
    property is injected, and it reads back exactly as typed."""
    event = world["event"]
    [registration_mail] = [m for m in mail.outbox if m.to == [world["attendee"].email]]
    attached = [content for _name, content, _type in registration_mail.attachments]
    sources = [content_of(client_for().get(reverse("events:ics", args=[event.pk]))),
               content_of(client_for().get(reverse("events:feed_public"))),
               *[c.encode() if isinstance(c, str) else c for c in attached]]
    assert len(sources) == 3
    for content in sources:
        lines = unfolded_lines(content)
        assert not [line for line in lines if line.upper().startswith("BCC")]
        summary = next(line for line in lines if line.startswith("SUMMARY"))
        assert "\\;\\,\\\\\\n" in summary  # ; , \ and CR LF escaped
        [vevent] = Calendar.from_ical(content).walk("VEVENT")
        assert "BCC" not in vevent
        text = HOSTILE.replace("\r\n", "\n")
        assert str(vevent["summary"]).replace("\r\n", "\n") == text
        assert str(vevent["location"]).startswith(text.split("\n")[0])
        assert str(vevent["description"]).replace("\r\n", "\n").startswith(text)
        assert DIACRITICS in str(vevent["x-organiser"])


# --- PDF, DOCX, XLSX ------------------------------------------------------------------------------

def test_programme_report_pdf_shows_the_text_literally(world):
    """The PDF shows the text literally: reportlab's mark-up (<, >, &) is escaped, so
    <script> is printed, not parsed; diacritics intact (DejaVu Sans)."""
    slug = world["project"].competition.slug
    response = client_for().get(reverse("projects:report_pdf", args=[slug]))
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(content_of(response)))
    text = " ".join(page.extract_text() for page in reader.pages)
    assert text.count(SCRIPT) >= 2  # results and ongoing activities
    assert "&amp;" not in text
    assert "&lt;" not in text
    for letter in "șțăîâ":
        assert letter in text


def test_programme_report_docx_and_xlsx_keep_the_text(world):
    """The DOCX shows the text literally; the XLSX stores a cell starting with = as text,
    never as a formula."""
    slug = world["project"].competition.slug
    docx = DocxDocument(io.BytesIO(content_of(
        client_for().get(reverse("projects:report_docx", args=[slug])))))
    text = "\n".join(p.text for p in docx.paragraphs)
    text += "\n".join(cell.text for table in docx.tables for row in table.rows
                      for cell in row.cells)
    assert SCRIPT in text
    assert DIACRITICS in text

    workbook = load_workbook(io.BytesIO(content_of(
        client_for().get(reverse("projects:table_xlsx", args=[slug])))))
    cells = [cell for row in workbook.active.iter_rows() for cell in row
             if isinstance(cell.value, str) and "HYPERLINK" in cell.value]
    assert cells
    for cell in cells:
        assert cell.data_type == "s"
        assert DIACRITICS in cell.value
