"""Uploads, as a checklist (issue 8, "Attacks refused"): every upload point (document versions,
project report attachments, a cluster's logo and label certificate) refuses zip bombs, web
pages, SVG and polyglots, enforces its size limit, stores under a generated name, and its
files are only served by permission-checked views, as sandboxed attachments.

Every hostile file is built here, in the test."""

import io
import os
import re
import struct
import warnings
import zipfile
from datetime import date
from pathlib import Path
from urllib.parse import unquote

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import Resolver404, resolve, reverse
from django.utils import translation
from PIL import Image, PngImagePlugin

from clusters import forms as cluster_forms
from clusters import services as cluster_services
from clusters.models import Cluster, ClusterLabel, Country, Region, Sector
from documents import text as document_text
from documents.models import Document, DocumentVersion
from documents.uploads import UploadRefused, inspect_upload
from projects import services as project_services
from projects.models import Competition, Project, StatusReportAttachment
from tests.factories import UserFactory
from workinggroups.models import Membership, WorkingGroup
from workinggroups.services import membership_add

pytestmark = pytest.mark.django_db

UPLOADER_NAME = "Raport științific ăîâșț"  # never part of a stored name

# --- files built here ----------------------------------------------------------------------------


def pdf_bytes(text="Raport de activitate") -> bytes:
    """A real PDF (compressed streams: arbitrary bytes after the head)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4)
    pdf.drawString(72, 750, text)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def image_bytes(image_format="PNG", text: str | None = None) -> bytes:
    buffer = io.BytesIO()
    options = {}
    if text is not None:
        info = PngImagePlugin.PngInfo()
        info.add_text("Comment", text)
        options["pnginfo"] = info
    Image.new("RGB", (40, 20), (11, 61, 110)).save(buffer, image_format, **options)
    return buffer.getvalue()


def zip_bytes(entries, compression=zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # duplicate names are wanted in one test
        with zipfile.ZipFile(buffer, "w", compression) as archive:
            for name, data in entries:
                if isinstance(name, zipfile.ZipInfo):
                    archive.writestr(name, data, compress_type=compression)
                else:
                    archive.writestr(zipfile.ZipInfo(name), data, compress_type=compression)
    return buffer.getvalue()


CONTENT_TYPES = (b'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxml'
                 b'formats.org/package/2006/content-types"/>')
WORD_XML = (b'<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.open'
            b'xmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>Strategia '
            b'clusterului</w:t></w:r></w:p></w:body></w:document>')


def docx_entries(*extra):
    return [("[Content_Types].xml", CONTENT_TYPES), ("_rels/.rels", b"<Relationships/>"),
            ("word/document.xml", WORD_XML), *extra]


def odt_entries(mimetype=b"application/vnd.oasis.opendocument.text", *extra):
    return [("mimetype", mimetype), ("content.xml", b"<office:document-content/>"),
            ("META-INF/manifest.xml", b"<manifest/>"), *extra]


def with_flag(data: bytes, name: bytes, flag: int) -> bytes:
    """Set a general-purpose flag on an entry, in its local and its central header."""
    data = bytearray(data)
    for signature, flag_at, name_at in ((b"PK\x03\x04", 6, 30), (b"PK\x01\x02", 8, 46)):
        pos = data.find(signature)
        while pos >= 0:
            if data[pos + name_at:pos + name_at + len(name)] == name:
                (flags,) = struct.unpack_from("<H", data, pos + flag_at)
                struct.pack_into("<H", data, pos + flag_at, flags | flag)
            pos = data.find(signature, pos + 1)
    return bytes(data)


def overlapping(data: bytes) -> bytes:
    """Point the last central-directory entry at the first entry's bytes (the overlapping-files
    zip bomb: many names, one compressed kernel)."""
    data = bytearray(data)
    last = data.rfind(b"PK\x01\x02")
    struct.pack_into("<I", data, last + 42, 0)
    return bytes(data)


def upload(name: str, content: bytes, content_type="application/octet-stream"):
    return SimpleUploadedFile(name, content, content_type)


# --- the upload points ---------------------------------------------------------------------------


@pytest.fixture
def world(db):
    """One user who may use every upload point: a member of WG1 and a manager of the cluster
    whose project reports they write."""
    country = Country.objects.create(code="RO", name_ro="România", name_en="Romania")
    region = Region.objects.create(code="RO12", slug="centru", name_ro="Centru",
                                   name_en="Centre", country=country)
    sector = Sector.objects.create(slug="energie", name_ro="Energie", name_en="Energy")
    cluster = Cluster.objects.create(slug="green-energy", name="Green Energy", region=region,
                                     is_published=True, management_entity="Asociația GE")
    cluster.sectors.set([sector])
    user = UserFactory(full_name="Ioana Manager")
    cluster_services.cluster_manager_add(cluster=cluster, manager=user, by=None)
    group = WorkingGroup.objects.get(code="WG1")
    membership_add(group=group, user=user, by=None, role=Membership.Role.MEMBER)
    competition = Competition.objects.create(slug="ci-2018", name="Cluster Inovativ")
    project = Project.objects.create(
        competition=competition, cluster=cluster, number="1 CLS", acronym="GE-INOV",
        slug="ge-inov", title="Inovare", start_date=date(2018, 6, 1),
        end_date=date(2020, 5, 31), coordinator="Asociația GE", director="Ana Pop",
        region=region, domain=sector)
    report = project_services.report_create(project=project, user=user,
                                            as_of=date(2019, 12, 31), results="Rezultate.")
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return {"user": user, "client": client, "group": group, "cluster": cluster,
            "report": report}


class Point:
    """One upload point: post a file through its real view; did it keep it?"""

    name = ""
    extensions: set[str] = set()

    def post(self, world, file):
        raise NotImplementedError

    def kept(self, world) -> list[str]:
        """Stored names of what this point has kept."""
        raise NotImplementedError

    def download(self, world, client):
        raise NotImplementedError


class DocumentVersions(Point):
    name = "document"
    extensions = {"pdf", "doc", "xls", "ppt", "docx", "xlsx", "pptx", "odt", "ods", "odp", "zip",
                  "txt", "md", "csv", "png", "jpg", "jpeg", "gif", "webp"}

    def post(self, world, file):
        return world["client"].post(
            reverse("documents:upload", args=[world["group"].code]),
            {"title": "Analiză", "category": "swot", "language": "ro", "file": file},
            HTTP_X_REQUESTED_WITH="XMLHttpRequest")

    def kept(self, world):
        return list(DocumentVersion.objects.values_list("file", flat=True))

    def download(self, world, client):
        return client.get(reverse("documents:download", args=[Document.objects.get().pk, 1]))


class ReportAttachments(DocumentVersions):
    name = "attachment"

    def post(self, world, file):
        report = world["report"]
        return world["client"].post(
            reverse("projects:attachment_add", args=[report.project.slug, report.pk]),
            {"file": file}, HTTP_X_REQUESTED_WITH="XMLHttpRequest")

    def kept(self, world):
        return list(StatusReportAttachment.objects.values_list("file", flat=True))

    def download(self, world, client):
        report = world["report"]
        return client.get(reverse("projects:attachment_download", args=[
            report.project.slug, report.pk, report.attachments.get().pk]))


class ClusterLogo(Point):
    name = "logo"
    extensions = {"png", "jpg", "jpeg", "webp"}

    def post(self, world, file):
        cluster = world["cluster"]
        return world["client"].post(reverse("clusters:edit", args=[cluster.slug]), {
            "name": cluster.name, "region": cluster.region_id,
            "management_entity": cluster.management_entity,
            "sectors": [s.pk for s in cluster.sectors.all()], "logo": file})

    def kept(self, world):
        return [name for name in Cluster.objects.values_list("logo", flat=True) if name]

    def download(self, world, client):
        return client.get(reverse("clusters:logo", args=[world["cluster"].slug]))


class LabelCertificate(Point):
    name = "certificate"
    extensions = {"pdf", "png", "jpg", "jpeg"}

    def post(self, world, file):
        cluster = world["cluster"]
        return world["client"].post(reverse("clusters:label_add", args=[cluster.slug]), {
            "level": "gold", "issuer": "esca", "awarded_on": "2026-03-01",
            "valid_until": "2028-03-01", "evidence_file": file})

    def kept(self, world):
        return [name for name in ClusterLabel.objects.values_list("evidence_file", flat=True)
                if name]

    def download(self, world, client):
        label = ClusterLabel.objects.exclude(evidence_file="").get()
        return client.get(reverse("clusters:certificate", args=[label.cluster.slug, label.pk]))


POINTS = [DocumentVersions(), ReportAttachments(), ClusterLogo(), LabelCertificate()]
FILE_POINTS = POINTS[:2]  # the points that take documents (zip containers, text)


def stored_files() -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def assert_refused(point, world, file, reason: str | None = None):
    response = point.post(world, file)
    body = response.content.decode()
    if point in FILE_POINTS:
        assert response.status_code in (400, 413, 415), body[:300]
    else:
        assert response.status_code == 200, response.status_code  # the form, with its error
    if reason:
        assert reason in body.replace("&#x27;", "'")
    assert point.kept(world) == []
    assert stored_files() == []  # nothing written to the storage


def assert_accepted(point, world, file):
    response = point.post(world, file)
    assert response.status_code in (200, 302), response.content.decode()[:500]
    assert len(point.kept(world)) == 1, response.content.decode()[:500]


def by_point(points, cases):
    """Parametrize over (point, *case) for the points where each case's extension applies."""
    params = []
    for point in points:
        for case in cases:
            ext = case[0].rpartition(".")[2].lower()
            if ext in point.extensions:
                params.append(pytest.param(point, *case, id=f"{point.name}-{case[-1]}"))
    return params


# --- 1. zip containers ---------------------------------------------------------------------------

ZIP_REFUSED = [
    ("Plan.docx", lambda: zip_bytes(docx_entries(*[(f"word/media/{i}.txt", b"x")
                                                   for i in range(18)])),
     "more than 20 files", "too-many-entries"),
    ("Date.zip", lambda: zip_bytes([("a.bin", os.urandom(150_000)),
                                    ("b.bin", os.urandom(150_000))], zipfile.ZIP_STORED),
     "unpack to more than", "total-uncompressed"),
    ("Plan.docx", lambda: zip_bytes(docx_entries(("word/media/bomb.bin", b"\0" * 5_000_000))),
     "compressed more than 100 times", "ratio-bomb"),
    ("Arhiva.zip", lambda: zip_bytes([("../evil.txt", b"x")]), "not allowed: ../evil.txt",
     "dotdot"),
    ("Arhiva.zip", lambda: zip_bytes([("docs/../../evil.txt", b"x")]), "not allowed",
     "nested-dotdot"),
    ("Arhiva.zip", lambda: zip_bytes([("/etc/cron.d/evil", b"x")]), "not allowed",
     "absolute"),
    ("Arhiva.zip", lambda: zip_bytes([("..\\evil.txt", b"x")]), "not allowed", "backslash"),
    ("Arhiva.zip", lambda: zip_bytes([("C:evil.txt", b"x")]), "not allowed", "drive-letter"),
    ("Arhiva.zip", lambda: zip_bytes([("a.txt", b"x"), ("a.txt", b"y")]), "not allowed",
     "duplicate-name"),
    ("Arhiva.zip", lambda: with_flag(zip_bytes([("secret.txt", b"x" * 100)]), b"secret.txt", 1),
     "encrypted", "encrypted"),
    ("Arhiva.zip", lambda: zip_bytes([(_symlink("link"), b"/etc/passwd")]), "link",
     "symlink"),
    ("Arhiva.zip", lambda: overlapping(zip_bytes([("a.txt", b"x" * 100),
                                                  ("b.txt", b"y" * 100)])),
     "damaged", "overlapping-entries"),
    ("Plan.docx", lambda: zip_bytes(docx_entries()[1:]), "not a real .docx",
     "docx-without-content-types"),
    ("Plan.xlsx", lambda: zip_bytes(docx_entries()), "not a real .xlsx", "docx-named-xlsx"),
    ("Plan.odt", lambda: zip_bytes(docx_entries()), "not a real .odt", "docx-named-odt"),
    ("Plan.odt", lambda: zip_bytes(odt_entries(b"application/vnd.oasis.opendocument."
                                               b"spreadsheet")), "not a real .odt",
     "ods-named-odt"),
    ("Plan.docx", lambda: b"PK\x03\x04" + os.urandom(2000), "not a real .docx",
     "not-a-zip"),
]


def _symlink(name):
    info = zipfile.ZipInfo(name)
    info.external_attr = 0o120777 << 16
    return info


@pytest.mark.parametrize(("point", "filename", "build", "reason", "case"),
                         by_point(FILE_POINTS, ZIP_REFUSED))
def test_zip_containers_are_checked_before_anything_unpacks_them(world, settings, point,
                                                                  filename, build, reason, case):
    settings.UPLOAD_ZIP_MAX_ENTRIES = 20
    settings.UPLOAD_ZIP_MAX_UNCOMPRESSED = 256 * 1024
    settings.UPLOAD_ZIP_MAX_RATIO = 100
    assert_refused(point, world, upload(filename, build()), reason)


@pytest.mark.parametrize(("point", "filename", "build", "case"), by_point(FILE_POINTS, [
    ("Plan.docx", lambda: zip_bytes(docx_entries(*[(f"word/media/{i}.txt", b"x")
                                                   for i in range(17)])), "20-entries"),
    ("Plan.odt", lambda: zip_bytes(odt_entries()), "odt"),
    ("Date.zip", lambda: zip_bytes([("a.bin", os.urandom(128 * 1024)),
                                    ("docs/b.bin", os.urandom(128 * 1024))],
                                   zipfile.ZIP_STORED), "exactly-the-total"),
]))
def test_real_containers_at_the_limits_are_accepted(world, settings, point, filename, build,
                                                    case):
    settings.UPLOAD_ZIP_MAX_ENTRIES = 20
    settings.UPLOAD_ZIP_MAX_UNCOMPRESSED = 256 * 1024
    assert_accepted(point, world, upload(filename, build()))


@pytest.mark.parametrize("point", FILE_POINTS, ids=lambda p: p.name)
def test_a_real_docx_passes_the_default_limits(world, point):
    assert_accepted(point, world, upload("Strategia clusterului.docx", _python_docx()))


def _python_docx() -> bytes:
    import docx

    document = docx.Document()
    document.add_paragraph("Strategia clusterului, 2021–2027")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_zip_limits_have_sane_defaults():
    from config.settings import base

    assert 100 <= base.UPLOAD_ZIP_MAX_ENTRIES <= 100_000
    assert base.DOCUMENT_MAX_UPLOAD_BYTES < base.UPLOAD_ZIP_MAX_UNCOMPRESSED <= 4 * 1024 ** 3
    assert 20 <= base.UPLOAD_ZIP_MAX_RATIO <= 1000


def test_text_extraction_reads_a_bounded_amount_per_member(monkeypatch):
    """Even a container that passed: a member larger than the bound is not read as text."""
    docx = zip_bytes(docx_entries())
    assert "Strategia clusterului" in document_text._docx(io.BytesIO(docx))
    monkeypatch.setattr(document_text, "MAX_MEMBER_BYTES", len(WORD_XML) - 1)
    with pytest.raises(ValueError, match="too large"):
        document_text._docx(io.BytesIO(docx))

    # A header that lies about the size does not make more come out than the bound.
    opened = []
    real_open = zipfile.ZipFile.open

    def spy(self, name, *args, **kwargs):
        stream = real_open(self, name, *args, **kwargs)
        real_read = stream.read
        stream.read = lambda n=-1: opened.append(n) or real_read(n)
        return stream

    monkeypatch.setattr(zipfile.ZipFile, "open", spy)
    monkeypatch.setattr(document_text, "MAX_MEMBER_BYTES", 10_000)
    document_text._docx(io.BytesIO(docx))
    assert opened == [10_001]


# --- 2. web pages, SVG, polyglots, extension agreeing with the bytes ------------------------------

HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"
SVG = (b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)">'
       b"<script>alert(2)</script></svg>")
XML_SCRIPT = (b'<?xml version="1.0"?><x:y xmlns:x="http://www.w3.org/1999/xhtml">'
              b"<x:script>alert(1)</x:script></x:y>")
MARKUP_REASON = "Web pages, SVG images and XML files cannot be uploaded"
POLYGLOT_REASON = "hides web content or a second file"
MISMATCH_REASON = "does not match its"

MARKUP_REFUSED = [
    ("pagina.html", lambda: HTML, None, "html-named-html"),
    ("pagina.htm", lambda: HTML, None, "html-named-htm"),
    ("desen.svg", lambda: SVG, None, "svg-named-svg"),
    ("Raport.pdf", lambda: HTML, MISMATCH_REASON, "html-named-pdf"),
    ("nota.txt", lambda: HTML, MARKUP_REASON, "html-named-txt"),
    ("nota.txt", lambda: b"\xef\xbb\xbf \r\n\t <HTML>\n<p>Salut</p>", MARKUP_REASON,
     "html-after-bom-and-whitespace"),
    ("nota.md", lambda: b"<script>alert(1)</script>\n# Titlu", MARKUP_REASON, "script-named-md"),
    ("date.csv", lambda: b"<iframe src=x></iframe>,1,2\n", MARKUP_REASON, "iframe-named-csv"),
    ("nota.txt", lambda: SVG, MARKUP_REASON, "svg-named-txt"),
    ("nota.txt", lambda: b"\n<!-- x --><div>y</div>", MARKUP_REASON, "comment-named-txt"),
    ("nota.md", lambda: XML_SCRIPT, MARKUP_REASON, "xml-with-script-named-md"),
    ("Sigla.png", lambda: SVG, None, "svg-named-png"),
    ("Sigla.jpg", lambda: HTML, None, "html-named-jpg"),
]


def every_point(cases):
    return [pytest.param(point, *case, id=f"{point.name}-{case[-1]}")
            for point in POINTS for case in cases]


@pytest.mark.parametrize(("point", "filename", "build", "reason", "case"),
                         every_point(MARKUP_REFUSED))
def test_web_pages_and_svg_are_refused_whatever_the_name(world, point, filename, build, reason,
                                                         case):
    assert_refused(point, world, upload(filename, build()),
                   reason if point in FILE_POINTS else None)


POLYGLOTS = [
    ("Raport.pdf", lambda: b"%PDF-1.4\n%" + HTML + b"\n" + pdf_bytes()[9:], "pdf-with-html"),
    ("Raport.pdf", lambda: b"%PDF-1.7\n" + SVG + pdf_bytes()[9:], "pdf-with-svg"),
    ("Sigla.png", lambda: image_bytes("PNG", text="<script>alert(1)</script>"),
     "png-with-script"),
    ("Sigla.jpg", lambda: image_bytes("JPEG")[:2] + _jpeg_comment(b"<html><script>x</script>")
     + image_bytes("JPEG")[2:], "jpeg-with-html"),
    ("Raport.pdf", lambda: pdf_bytes() + zip_bytes([("index.html", HTML)]),
     "pdf-plus-zip"),
    ("Sigla.jpg", lambda: image_bytes("JPEG") + zip_bytes([("x.class", b"\xca\xfe\xba\xbe")]),
     "jpeg-plus-zip"),
    ("Sigla.png", lambda: image_bytes("PNG") + zip_bytes([("a.txt", b"x")],
                                                         zipfile.ZIP_STORED),
     "png-plus-zip"),
    ("Raport.pdf", lambda: pdf_bytes() + zip_bytes([("a.txt", b"x")]) + b"%%EOF\n",
     "pdf-plus-zip-plus-trailer"),
]


def _jpeg_comment(payload: bytes) -> bytes:
    return b"\xff\xfe" + struct.pack(">H", len(payload) + 2) + payload


@pytest.mark.parametrize(("point", "filename", "build", "case"), by_point(POINTS, POLYGLOTS))
def test_polyglots_are_refused(world, point, filename, build, case):
    reason = POLYGLOT_REASON if point in FILE_POINTS else None
    assert_refused(point, world, upload(filename, build()), reason)


MISMATCHES = [
    ("Raport.pdf", lambda: image_bytes("PNG"), "png-named-pdf"),
    ("Sigla.jpg", lambda: image_bytes("PNG"), "png-named-jpg"),
    ("Sigla.png", lambda: image_bytes("JPEG"), "jpeg-named-png"),
    ("Sigla.webp", lambda: image_bytes("PNG"), "png-named-webp"),
    ("Plan.docx", lambda: pdf_bytes(), "pdf-named-docx"),
    ("nota.txt", lambda: pdf_bytes(), "pdf-named-txt"),
    ("Raport.exe", lambda: pdf_bytes(), "pdf-named-exe"),
    ("Raport", lambda: pdf_bytes(), "no-extension"),
]


@pytest.mark.parametrize(("point", "filename", "build", "case"), every_point(MISMATCHES))
def test_the_extension_must_agree_with_the_bytes(world, point, filename, build, case):
    assert_refused(point, world, upload(filename, build()))


@pytest.mark.parametrize(("point", "filename", "build", "case"), by_point(POINTS, [
    ("Raport.pdf", pdf_bytes, "real-pdf"),
    ("Raport.pdf", lambda: pdf_bytes() + b"\n% PK\x05\x06 is only text here\n%%EOF\n",
     "pdf-with-eocd-signature-but-no-zip"),
    ("Sigla.png", lambda: image_bytes("PNG"), "png"),
    ("Sigla.jpeg", lambda: image_bytes("JPEG"), "jpeg"),
    ("Sigla.webp", lambda: image_bytes("WEBP"), "webp"),
    ("nota.md", lambda: b"# Titlu\n\nText cu <b>bold</b> mai jos.\n", "md-with-markup-later"),
]))
def test_real_files_are_accepted(world, point, filename, build, case):
    assert_accepted(point, world, upload(filename, build()))


# --- 3. size: exactly at the limit, one byte over, through the real views ------------------------

def _padded(kind: str, size: int) -> bytes:
    if kind == "txt":
        return b"a" * size
    head = pdf_bytes() if kind == "pdf" else image_bytes("PNG")
    return head + b"\0" * (size - len(head))


@pytest.mark.parametrize("point", FILE_POINTS, ids=lambda p: p.name)
@pytest.mark.parametrize("kind", ["txt", "pdf"])
def test_the_streaming_limit_one_byte_over_and_exactly_at(world, settings, point, kind,
                                                          monkeypatch):
    limit = 200 * 1024  # several chunks of the upload handler (64 KB)
    settings.DOCUMENT_MAX_UPLOAD_BYTES = limit
    # The upload handler stops the stream: the rest of the body never reaches a file.
    from documents import uploads

    chunks = []
    real_receive = uploads.SizeLimitedUploadHandler.receive_data_chunk

    def receive(self, raw_data, start):
        chunks.append(start + len(raw_data))
        return real_receive(self, raw_data, start)

    monkeypatch.setattr(uploads.SizeLimitedUploadHandler, "receive_data_chunk", receive)
    response = point.post(world, upload(f"Mare.{kind}", _padded(kind, limit + 1)))
    assert response.status_code == 413
    assert "larger than the limit" in response.content.decode()
    assert point.kept(world) == []
    assert stored_files() == []
    assert max(chunks) == limit + 1  # the handler saw the byte over and refused it

    assert_accepted(point, world, upload(f"Exact.{kind}", _padded(kind, limit)))
    assert [p.stat().st_size for p in stored_files()] == [limit]


@pytest.mark.parametrize(("point", "limit_name", "kind"), [
    (POINTS[2], "LOGO_MAX_BYTES", "png"), (POINTS[3], "CERTIFICATE_MAX_BYTES", "pdf")],
    ids=["logo", "certificate"])
def test_the_cluster_file_limits_one_byte_over_and_exactly_at(world, monkeypatch, point,
                                                              limit_name, kind):
    """The cluster views stop the upload while it streams, at the limit their forms check
    (clusters.forms): 413, the form again with the error, nothing stored."""
    limit = 200 * 1024  # several chunks of the upload handler (64 KB)
    monkeypatch.setattr(cluster_forms, limit_name, limit)
    from documents import uploads

    chunks = []
    real_receive = uploads.SizeLimitedUploadHandler.receive_data_chunk

    def receive(self, raw_data, start):
        chunks.append(start + len(raw_data))
        return real_receive(self, raw_data, start)

    monkeypatch.setattr(uploads.SizeLimitedUploadHandler, "receive_data_chunk", receive)
    response = point.post(world, upload(f"Mare.{kind}", _padded(kind, limit + 1)))
    assert response.status_code == 413
    body = response.content.decode()
    assert re.search(rf'id="upload-error"[^>]*>The {point.name} is larger than', body), body
    assert f'name="{"logo" if point.name == "logo" else "evidence_file"}"' in body  # the form
    assert max(chunks) == limit + 1  # the handler saw the byte over and refused it
    assert point.kept(world) == []
    assert stored_files() == []

    chunks.clear()
    assert_accepted(point, world, upload(f"Exact.{kind}", _padded(kind, limit)))
    assert max(chunks) == limit
    assert [p.stat().st_size for p in stored_files()] == [limit]


@pytest.mark.parametrize(("point", "limit_name"), [
    (POINTS[2], "LOGO_MAX_BYTES"), (POINTS[3], "CERTIFICATE_MAX_BYTES")],
    ids=["logo", "certificate"])
def test_the_cluster_views_install_the_limit_of_their_forms(world, point, limit_name,
                                                           monkeypatch):
    """The streaming limit is the forms' constant (2 MB logo, 10 MB certificate), not the
    documents' limit: a file one byte over the real constant is refused with 413."""
    limit = getattr(cluster_forms, limit_name)
    assert limit < settings.DOCUMENT_MAX_UPLOAD_BYTES
    kind = "png" if point.name == "logo" else "pdf"
    response = point.post(world, upload(f"Mare.{kind}", _padded(kind, limit + 1)))
    assert response.status_code == 413
    assert f"larger than {limit // (1024 * 1024)} MB" in response.content.decode()
    assert point.kept(world) == []
    assert stored_files() == []


def test_inspect_upload_applies_the_same_limit(settings):
    settings.DOCUMENT_MAX_UPLOAD_BYTES = 1000
    assert inspect_upload(upload("a.txt", b"a" * 1000))["size"] == 1000
    with pytest.raises(UploadRefused) as refused:
        inspect_upload(upload("a.txt", b"a" * 1001))
    assert refused.value.status == 413


# --- 4. generated names, no public URL, sandboxed attachments ------------------------------------

GOOD = {"document": ("pdf", pdf_bytes), "attachment": ("pdf", pdf_bytes),
        "logo": ("png", lambda: image_bytes("PNG")), "certificate": ("pdf", pdf_bytes)}


def _upload_good(point, world):
    ext, build = GOOD[point.name]
    assert_accepted(point, world, upload(f"{UPLOADER_NAME}.{ext}", build()))
    (name,) = point.kept(world)
    return name


@pytest.mark.parametrize("point", POINTS, ids=lambda p: p.name)
def test_stored_names_are_generated(world, point):
    name = _upload_good(point, world)
    # Content-addressed (<prefix>/<sha256[:2]>/<sha256>.<ext>) or random (documents/…/<uuid>).
    assert re.fullmatch(r"[a-z/]+/[0-9a-f]{2}/[0-9a-f]{64}\.(pdf|png)"
                        r"|documents/[0-9]+/[0-9]+/[0-9a-f]{32}(\.pdf)?", name), name
    for part in ("Raport", "științific", "stiintific", "ăîâșț"):
        assert part.lower() not in name.lower()
    (path,) = stored_files()
    assert path.relative_to(settings.MEDIA_ROOT).as_posix() == name


@pytest.mark.parametrize("point", POINTS, ids=lambda p: p.name)
def test_user_files_have_no_public_url(world, point):
    name = _upload_good(point, world)
    assert (Path(settings.MEDIA_ROOT) / name).is_file()
    url = settings.MEDIA_URL + name
    with pytest.raises(Resolver404):
        resolve(url)
    for client in (Client(), world["client"]):
        assert client.get(url).status_code == 404
        assert client.get("/" + name).status_code == 404


def test_whitenoise_and_the_urls_never_serve_media():
    from config.settings import base

    media = Path(base.MEDIA_ROOT).resolve()
    assert getattr(base, "WHITENOISE_ROOT", None) in (None, "")
    static_roots = [Path(base.STATIC_ROOT).resolve(),
                    *(Path(d).resolve() for d in base.STATICFILES_DIRS)]
    for root in static_roots:
        assert media != root
        assert root not in media.parents
        assert media not in root.parents
    assert base.MEDIA_URL != base.STATIC_URL
    with pytest.raises(Resolver404):
        resolve(base.MEDIA_URL + "documents/00/" + "0" * 64 + ".pdf")


@pytest.mark.parametrize("point", POINTS, ids=lambda p: p.name)
def test_downloads_are_sandboxed_attachments(world, point):
    _upload_good(point, world)
    response = point.download(world, world["client"])
    assert response.status_code == 200
    assert response["X-Content-Type-Options"] == "nosniff"
    csp = [d.strip() for d in response["Content-Security-Policy"].split(";")]
    assert "sandbox" in csp
    assert "default-src 'none'" in csp
    disposition = response["Content-Disposition"]
    if point.name == "logo":  # shown in <img> tags: inline, still sandboxed and not sniffed
        assert disposition.startswith("inline")
        return
    assert disposition.startswith("attachment;")
    if point in FILE_POINTS:  # the uploader's name, diacritics kept, RFC 5987
        encoded = re.search(r"filename\*=utf-8''(\S+)$", disposition).group(1)
        assert unquote(encoded) == f"{UPLOADER_NAME}.pdf"


def test_document_downloads_through_the_api_are_sandboxed_too(world):
    _upload_good(POINTS[0], world)
    document = Document.objects.get()
    response = world["client"].get(reverse("api:document-download", args=[document.pk, 1]))
    assert response.status_code == 200
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert response["Content-Disposition"].startswith("attachment;")


@pytest.mark.parametrize("point", POINTS, ids=lambda p: p.name)
def test_downloads_check_the_permission(world, point):
    """Draft documents and reports, and unpublished clusters: others get a 404."""
    _upload_good(point, world)
    if point.name in ("logo", "certificate"):  # a cluster's files follow its profile
        Cluster.objects.filter(pk=world["cluster"].pk).update(is_published=False)
    assert point.download(world, world["client"]).status_code == 200  # its manager
    for outsider in (Client(), _logged_in(UserFactory())):
        assert point.download(world, outsider).status_code == 404


def _logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


# --- 5. the Django admin runs the same checks ----------------------------------------------------

def _admin_form(model, obj):
    """The form class the admin really uses to change `obj` (or its inline for labels)."""
    from django.contrib import admin
    from django.test import RequestFactory

    request = RequestFactory().get("/")
    request.user = UserFactory(staff=True, is_superuser=True)
    model_admin = admin.site._registry[model]
    return model_admin.get_form(request, obj)


def _admin_cluster_data(cluster) -> dict:
    return {"name": cluster.name, "slug": cluster.slug, "region": cluster.region_id,
            "management_entity": cluster.management_entity,
            "sectors": [s.pk for s in cluster.sectors.all()], "is_published": "on"}


@pytest.mark.parametrize(("filename", "build", "case"), [
    ("desen.svg", lambda: SVG, "svg"),
    ("Sigla.png", lambda: SVG, "svg-named-png"),
    ("Sigla.png", lambda: HTML, "html-named-png"),
    # Pillow reads these, so only the shared checks refuse them:
    ("Sigla.png", lambda: image_bytes("PNG", text="<script>alert(1)</script>"),
     "png-with-script"),
    ("Sigla.png", lambda: image_bytes("PNG") + zip_bytes([("a.txt", b"x")],
                                                         zipfile.ZIP_STORED), "png-plus-zip"),
    ("Sigla.gif", lambda: image_bytes("GIF"), "gif"),
    ("Sigla.png", lambda: image_bytes("JPEG"), "jpeg-named-png"),
])
def test_the_admin_refuses_what_the_profile_form_refuses(world, filename, build, case):
    cluster = world["cluster"]
    form_class = _admin_form(Cluster, cluster)
    form = form_class(_admin_cluster_data(cluster), {"logo": upload(filename, build())},
                      instance=cluster)
    assert not form.is_valid()
    assert "logo" in form.errors, form.errors
    cluster.refresh_from_db()
    assert not cluster.logo
    assert stored_files() == []


def test_the_admin_checks_the_logo_size_and_accepts_a_real_logo(world, monkeypatch):
    cluster = world["cluster"]
    form_class = _admin_form(Cluster, cluster)
    monkeypatch.setattr(cluster_forms, "LOGO_MAX_BYTES", 100 * 1024)
    too_large = form_class(_admin_cluster_data(cluster),
                           {"logo": upload("Sigla.png", _padded("png", 100 * 1024 + 1))},
                           instance=cluster)
    with translation.override("en"):
        assert not too_large.is_valid()
        assert "larger than" in " ".join(too_large.errors["logo"])
    good = form_class(_admin_cluster_data(cluster),
                      {"logo": upload("Sigla.png", _padded("png", 100 * 1024))},
                      instance=cluster)
    assert good.is_valid(), good.errors


@pytest.mark.parametrize(("filename", "build", "accepted"), [
    ("Raport.pdf", pdf_bytes, True),
    ("pagina.html", lambda: HTML, False),
    ("Raport.pdf", lambda: b"%PDF-1.4\n%" + HTML + b"\n" + pdf_bytes()[9:], False),
    ("Raport.pdf", lambda: pdf_bytes() + zip_bytes([("index.html", HTML)]), False),
], ids=["pdf", "html", "pdf-with-html", "pdf-plus-zip"])
def test_the_admin_label_form_checks_the_certificate(world, filename, build, accepted):
    from clusters.admin import LabelInline

    form = LabelInline.form(
        {"level": "gold", "issuer": "esca", "awarded_on": "2026-03-01",
         "valid_until": "2028-03-01"},
        {"evidence_file": upload(filename, build())},
        instance=ClusterLabel(cluster=world["cluster"]))
    assert form.is_valid() is accepted, form.errors
    if not accepted:
        assert "evidence_file" in form.errors
