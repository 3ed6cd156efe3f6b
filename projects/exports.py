"""The programme report as files: PDF (reportlab) and DOCX (python-docx) from the document
model of projects.report; the programme table as CSV and XLSX (openpyxl).

Every format keeps the Romanian letters: the PDF embeds DejaVu Sans (vendored in
projects/fonts, so the server's fonts do not matter), DOCX, XLSX and CSV are Unicode (the CSV
with a BOM, so that Excel reads it as UTF-8). Spreadsheet cells never start a formula: a CSV
cell starting with = + - @ (or a tab, a carriage return) gets a leading apostrophe, an XLSX
cell holding such text is stored as text."""

import csv
import io
import re
from datetime import date
from pathlib import Path
from xml.sax.saxutils import escape

from django.db.models import OuterRef, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _
from docx import Document
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from reportlab.lib import colors
from reportlab.lib.fonts import addMapping
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import (
    ListFlowable,
    ListItem,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from core.text import csv_safe

from . import selectors
from .filters import ProjectFilter
from .models import Competition, Project, StatusReport
from .report import ReportDocument, Run, file_stem
from .text import Block, Item

FONT_DIR = Path(__file__).resolve().parent / "fonts"
FONT = "DejaVuSans"
FONT_BOLD = "DejaVuSans-Bold"
FONT_ITALIC = "DejaVuSans-Oblique"

PDF_TYPE = "application/pdf"
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# The bullets of list levels 0, 1, 2 (all in DejaVu Sans).
PDF_BULLETS = ["•", "–", "◦"]
DOCX_LIST_STYLES = ["List Bullet", "List Bullet 2", "List Bullet 3"]
# The documents' language: their content (titles, objectives, results) is Romanian whatever
# the language of the labels.
DOCUMENT_LANGUAGE = "ro-RO"


# Control characters that XML (DOCX, XLSX, reportlab's mark-up) cannot hold.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def clean(text: str) -> str:
    return CONTROL_CHARACTERS.sub("", text or "")


def xml_text(text: str) -> str:
    """Text for reportlab's paragraph mark-up, where <, > and & are tags and entities."""
    return escape(clean(text))


# --- PDF ------------------------------------------------------------------------------------

def register_fonts() -> None:
    """Register DejaVu Sans (regular, bold, oblique) once per process."""
    if FONT in pdfmetrics.getRegisteredFontNames():
        return
    for name, filename in ((FONT_BOLD, "DejaVuSans-Bold.ttf"),
                           (FONT_ITALIC, "DejaVuSans-Oblique.ttf"), (FONT, "DejaVuSans.ttf")):
        pdfmetrics.registerFont(TTFont(name, str(FONT_DIR / filename)))
    # <b> and <i> inside a paragraph pick the right face.
    addMapping(FONT, 0, 0, FONT)
    addMapping(FONT, 1, 0, FONT_BOLD)
    addMapping(FONT, 0, 1, FONT_ITALIC)
    addMapping(FONT, 1, 1, FONT_BOLD)


def _pdf_styles():
    body = ParagraphStyle("body", fontName=FONT, fontSize=9.5, leading=12.5, spaceAfter=4)
    return {
        "title": ParagraphStyle("title", parent=body, fontName=FONT_BOLD, fontSize=16,
                                leading=20, spaceAfter=14, alignment=1),
        "heading": ParagraphStyle("heading", parent=body, fontName=FONT_BOLD, fontSize=12,
                                  leading=15, spaceBefore=6, spaceAfter=8,
                                  textColor=colors.HexColor("#0b3d6e")),
        "label": ParagraphStyle("label", parent=body, fontName=FONT_BOLD, spaceBefore=8,
                                spaceAfter=4),
        "body": body,
        "note": ParagraphStyle("note", parent=body, fontName=FONT_ITALIC,
                               textColor=colors.HexColor("#444444")),
        # embeddedHyphenation: a long "Sud-Muntenia" breaks at its hyphen, not mid-word.
        "cell": ParagraphStyle("cell", parent=body, fontSize=7, leading=8.8, spaceAfter=0,
                               embeddedHyphenation=1),
        "head": ParagraphStyle("head", parent=body, fontName=FONT_BOLD, fontSize=6.5,
                               leading=8.2, spaceAfter=0, embeddedHyphenation=1),
    }


def _pdf_runs(paragraph: list[Run]) -> str:
    return "".join(f"<b>{xml_text(run.text)}</b>" if run.strong else xml_text(run.text)
                   for run in paragraph)


def _pdf_list(items: list[Item], level: int, styles):
    entries = []
    for item in items:
        flowables = [Paragraph(xml_text(item.text), styles["body"])]
        if item.children:
            flowables.append(_pdf_list(item.children, level + 1, styles))
        entries.append(ListItem(flowables))
    return ListFlowable(entries, bulletType="bullet",
                        start=PDF_BULLETS[min(level, len(PDF_BULLETS) - 1)],
                        bulletFontName=FONT, bulletFontSize=9, leftIndent=14,
                        spaceAfter=2)


def _pdf_blocks(blocks: list[Block], styles) -> list:
    out = []
    for block in blocks:
        if block.kind == "paragraph":
            out.append(Paragraph(xml_text(block.text), styles["body"]))
        else:
            out.append(_pdf_list(block.items, 0, styles))
    return out


def report_pdf(document: ReportDocument) -> bytes:
    """The report as an A4 PDF: title, preamble, then a page per project with its table,
    website, objectives, results and activities; page numbers in the footer."""
    register_fonts()
    styles = _pdf_styles()
    buffer = io.BytesIO()
    pdf = SimpleDocTemplate(
        buffer, pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm, topMargin=18 * mm,
        bottomMargin=20 * mm, title=document.title, author=document.competition.funder,
        subject=str(document.competition), lang=DOCUMENT_LANGUAGE,
        creator="Cluster Policy Platform",
    )
    # Translators: Pagina %(number)s
    page_label = _("Page %(number)s")
    footer_title = document.title

    def footer(canvas, doc):
        canvas.saveState()
        canvas.setFont(FONT, 7.5)
        canvas.setFillColor(colors.HexColor("#555555"))
        canvas.drawString(doc.leftMargin, 10 * mm, footer_title)
        canvas.drawRightString(A4[0] - doc.rightMargin, 10 * mm,
                               page_label % {"number": doc.page})
        canvas.restoreState()

    story = [Paragraph(xml_text(document.title), styles["title"]),
             Paragraph(xml_text(document.preamble_heading), styles["heading"])]
    story += [Paragraph(_pdf_runs(p), styles["body"]) for p in document.preamble]
    if not document.sections:
        story.append(Paragraph(xml_text(document.empty_message), styles["note"]))
    # Column widths (mm of the 174 mm text width), so that the headers' longest words
    # ("Implementation", "members") and the dates fit on one line.
    widths = [w * pdf.width / 174 for w in (33, 22, 27, 21, 15, 24, 32)]
    table_style = TableStyle([
        ("GRID", (0, 0), (-1, -1), 0.5, colors.HexColor("#777777")),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8eef5")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 2), ("RIGHTPADDING", (0, 0), (-1, -1), 2),
    ])
    labels = document.labels
    for section in document.sections:
        story.append(PageBreak())
        story.append(Paragraph(
            f"{xml_text(labels['number'])} {xml_text(section.project.label)}",
            styles["heading"]))
        table = Table(
            [[Paragraph(xml_text(c), styles["head"]) for c in document.columns],
             [Paragraph(xml_text(c), styles["cell"]) for c in section.cells]],
            colWidths=widths, repeatRows=1)
        table.setStyle(table_style)
        story += [table, Spacer(1, 4 * mm)]
        if section.website:
            url = xml_text(section.website)
            story.append(Paragraph(
                f"<b>{xml_text(labels['website'])}</b> "
                f'<link href="{escape(section.website, {chr(34): "&quot;"})}">{url}</link>',
                styles["body"]))
        story.append(Paragraph(xml_text(labels["objectives"]), styles["label"]))
        story += _pdf_blocks(section.objectives, styles)
        story.append(Paragraph(xml_text(section.note), styles["note"]))
        if section.report is not None:
            story.append(Paragraph(xml_text(labels["results"]), styles["label"]))
            story += _pdf_blocks(section.results, styles)
            story.append(Paragraph(xml_text(labels["activities"]), styles["label"]))
            story += _pdf_blocks(section.activities, styles)
    pdf.build(story, onFirstPage=footer, onLaterPages=footer)
    return buffer.getvalue()


# --- DOCX -----------------------------------------------------------------------------------

def _docx_hyperlink(paragraph, url: str) -> None:
    """A clickable link (python-docx has no API for it: the relationship and the run by
    hand)."""
    rel_id = paragraph.part.relate_to(url, RELATIONSHIP_TYPE.HYPERLINK, is_external=True)
    link = OxmlElement("w:hyperlink")
    link.set(qn("r:id"), rel_id)
    run = OxmlElement("w:r")
    properties = OxmlElement("w:rPr")
    style = OxmlElement("w:rStyle")
    style.set(qn("w:val"), "Hyperlink")
    properties.append(style)
    underline = OxmlElement("w:u")
    underline.set(qn("w:val"), "single")
    properties.append(underline)
    colour = OxmlElement("w:color")
    colour.set(qn("w:val"), "0B3D6E")
    properties.append(colour)
    run.append(properties)
    text = OxmlElement("w:t")
    text.text = url
    text.set(qn("xml:space"), "preserve")
    run.append(text)
    link.append(run)
    paragraph._p.append(link)


def _docx_repeat_header(row) -> None:
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    row._tr.get_or_add_trPr().append(header)


def _docx_blocks(doc, blocks: list[Block]) -> None:
    def items(entries: list[Item], level: int):
        for item in entries:
            doc.add_paragraph(clean(item.text),
                              style=DOCX_LIST_STYLES[min(level, len(DOCX_LIST_STYLES) - 1)])
            items(item.children, level + 1)

    for block in blocks:
        if block.kind == "paragraph":
            doc.add_paragraph(clean(block.text))
        else:
            items(block.items, 0)


def report_docx(document: ReportDocument) -> bytes:
    """The report as a Word document (A4): headings, a table per project with a header row,
    bullet lists keeping their levels (List Bullet, List Bullet 2, List Bullet 3)."""
    doc = Document()
    for section in doc.sections:
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.left_margin = section.right_margin = Mm(20)
        section.top_margin = section.bottom_margin = Mm(20)
    properties = doc.core_properties
    properties.title = document.title
    properties.subject = str(document.competition)
    properties.author = document.competition.funder
    properties.language = DOCUMENT_LANGUAGE

    doc.add_heading(clean(document.title), level=0)
    doc.add_heading(document.preamble_heading, level=1)
    for paragraph in document.preamble:
        p = doc.add_paragraph()
        for run in paragraph:
            p.add_run(clean(run.text)).bold = run.strong or None
    if not document.sections:
        doc.add_paragraph().add_run(document.empty_message).italic = True
    labels = document.labels
    for section in document.sections:
        heading = doc.add_heading(clean(f"{labels['number']} {section.project.label}"),
                                  level=1)
        heading.paragraph_format.page_break_before = True
        table = doc.add_table(rows=2, cols=len(document.columns))
        table.style = "Table Grid"
        _docx_repeat_header(table.rows[0])
        for cell, text in zip(table.rows[0].cells, document.columns, strict=True):
            run = cell.paragraphs[0].add_run(text)
            run.bold = True
            run.font.size = Pt(9)
        for cell, text in zip(table.rows[1].cells, section.cells, strict=True):
            cell.paragraphs[0].add_run(clean(text)).font.size = Pt(9)
        if section.website:
            p = doc.add_paragraph()
            p.add_run(labels["website"] + " ").bold = True
            _docx_hyperlink(p, section.website)
        doc.add_heading(labels["objectives"], level=2)
        _docx_blocks(doc, section.objectives)
        doc.add_paragraph().add_run(clean(section.note)).italic = True
        if section.report is not None:
            doc.add_heading(labels["results"], level=2)
            _docx_blocks(doc, section.results)
            doc.add_heading(labels["activities"], level=2)
            _docx_blocks(doc, section.activities)
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


# --- The table: CSV and XLSX ------------------------------------------------------------------

TABLE_COLUMNS = ["number", "acronym", "title", "start", "end", "coordinator", "director",
                 "members", "region", "domain", "website", "status", "report_as_of"]


def programme_table(competition: Competition, data, as_of: date | None = None
                    ) -> tuple[ProjectFilter, QuerySet[Project]]:
    """The programme page's projects narrowed by its filters (projects.filters: region and
    domain slugs, status, text), each annotated with `report_as_of`, the date of its latest
    accepted report (up to `as_of` when given). Invalid filters are ignored, as on the page.
    The filter's status select costs one query, the rows one more."""
    filterset = ProjectFilter(data, queryset=selectors.programme_projects(competition))
    reports = StatusReport.objects.accepted().filter(project=OuterRef("pk"))
    if as_of is not None:
        reports = reports.filter(as_of__lte=as_of)
    latest = reports.order_by("-as_of", "-pk").values("as_of")[:1]
    return filterset, filterset.qs.annotate(report_as_of=Subquery(latest))


def table_rows(projects) -> list[dict]:
    statuses = dict(Project.Status.choices)
    return [{
        "number": p.number, "acronym": p.acronym, "title": p.title,
        "start": p.start_date, "end": p.end_date, "coordinator": p.coordinator,
        "director": p.director, "members": p.members_count, "region": p.region.name,
        "domain": p.domain.name, "website": p.website,
        "status": str(statuses.get(p.status, p.status)), "report_as_of": p.report_as_of,
    } for p in projects]


def table_stem(competition: Competition, rows: list[dict], as_of: date | None) -> str:
    """"proiecte-cluster-inovativ-2019-12-31": the as-of date asked for, else the newest
    report date among the rows, else today."""
    dates = [r["report_as_of"] for r in rows if r["report_as_of"]]
    day = as_of or (max(dates) if dates else timezone.localdate())
    return file_stem(_("Projects"), competition, day)



def _csv_value(value) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    return csv_safe(str(value))


def table_csv(rows: list[dict]) -> bytes:
    """UTF-8 with a BOM (Excel then reads the diacritics right), ISO dates."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow(TABLE_COLUMNS)
    for row in rows:
        writer.writerow([_csv_value(row[c]) for c in TABLE_COLUMNS])
    return out.getvalue().encode("utf-8")


# Widths (characters) of the XLSX columns, in the order of TABLE_COLUMNS.
XLSX_WIDTHS = [10, 14, 60, 12, 12, 45, 25, 10, 18, 35, 45, 14, 14]


def table_xlsx(rows: list[dict], title: str) -> bytes:
    """One sheet: a bold, frozen header row, sized columns, dates as dates."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = re.sub(r"[][:*?/\\]", " ", title)[:31]
    sheet.append(TABLE_COLUMNS)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    for index, width in enumerate(XLSX_WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    for row in rows:
        sheet.append([clean(v) if isinstance(v, str) else v
                      for v in (row[c] for c in TABLE_COLUMNS)])
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, date):
                cell.number_format = "DD.MM.YYYY"
            elif isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"  # text, never a formula
    sheet.auto_filter.ref = sheet.dimensions
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
