"""The agency's own report, rebuilt by the portal: with the demo data (the 12 projects of seed
003 as of 31.12.2019), every export opens and holds all twelve projects, diacritics intact."""

import csv
import io
import json
from pathlib import Path

import docx
import openpyxl
import pytest
from django.urls import reverse
from pypdf import PdfReader

from clusters.demo import seed_clusters, seed_reference_data
from projects.demo import seed_projects

from .conftest import client_for

pytestmark = pytest.mark.django_db

DEMO = json.loads((Path(__file__).resolve().parents[2] / "projects" / "demo"
                   / "cluster_inovativ_2019.json").read_text(encoding="utf-8"))
LABELS = [f"{p['number']}/{p['acronym']}" for p in DEMO["projects"]]
DIRECTORS = [p["director"] for p in DEMO["projects"]]
# Strings of the report with every Romanian letter that needs more than Latin-1.
DIACRITICS = ["Șerban Cezar Strătilă", "Costică Voicu", "Alina Căpitanu", "Bogdan Mihăilescu",
              "Sănătate (inclusiv știința medicamentului)"]
AS_OF = "2019-12-31"


@pytest.fixture
def demo():
    seed_reference_data()
    seed_clusters()
    seed_projects()


def get(name, **params):
    url = reverse(f"projects:{name}", args=["cluster-inovativ-2018-2019"])
    response = client_for(None, HTTP_ACCEPT_LANGUAGE="ro").get(url, {"as_of": AS_OF, **params})
    assert response.status_code == 200, response.content[:500]
    return response


def squeeze(text: str) -> str:
    """Whitespace collapsed, and a hyphen that ended a line joined again ("Sanda- Mirela")."""
    return " ".join(text.split()).replace("- ", "-")


def test_twelve_projects_with_distinct_labels_and_directors():
    assert len(LABELS) == len(set(LABELS)) == 12
    assert len(set(DIRECTORS)) == 12


def test_html_report(demo):
    page = get("report").content.decode()
    assert "Stadiul proiectelor" in page
    assert "31.12.2019" in page
    for label in LABELS + DIRECTORS + DIACRITICS:
        assert label in page


def test_pdf_report(demo):
    response = get("report_pdf")
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    text = squeeze(" ".join(page.extract_text() for page in reader.pages))
    assert "PREAMBUL" in text
    for label in LABELS + DIRECTORS + DIACRITICS:
        assert squeeze(label) in text, label
    # Every project on its own page, in the funder's order.
    first_pages = [next(i for i, page in enumerate(reader.pages)
                        if label in squeeze(page.extract_text())) for label in LABELS]
    assert first_pages == sorted(first_pages)


def test_docx_report(demo):
    response = get("report_docx")
    document = docx.Document(io.BytesIO(response.content))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    text = "\n".join([p.text for p in document.paragraphs] + cells)
    assert "Stadiul proiectelor" in text
    for label in LABELS + DIRECTORS + DIACRITICS:
        assert label in text, label
    assert len(document.tables) == 12
    assert "Activități în curs:" in text


def test_csv_and_xlsx_tables(demo):
    content = get("table_csv").content
    assert content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert len(rows) == 13
    flat = " ".join(" ".join(row) for row in rows)
    for director in DIRECTORS:
        assert director in flat
    workbook = openpyxl.load_workbook(io.BytesIO(get("table_xlsx").content))
    sheet = workbook.active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert len(values) == 13
    flat = " ".join(str(v) for row in values for v in row if v is not None)
    for name in [*DIRECTORS, "Sănătate (inclusiv știința medicamentului)"]:
        assert name in flat
