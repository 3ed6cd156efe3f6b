"""Text of a version's file, for comparing versions and for search: PDF (pypdf), DOCX and
ODT (their XML), TXT, MD and CSV. Anything else, or a damaged file, has no text."""

import difflib
import logging
import re
import zipfile
from xml.etree import ElementTree

from django.core.files.storage import default_storage

logger = logging.getLogger(__name__)

COMPARABLE = {"pdf", "docx", "odt", "txt", "md", "csv"}
MAX_TEXT = 2_000_000  # characters kept per version
WORD_NS = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
ODF_TEXT_NS = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"


def extract_text(version) -> str:
    ext = version.extension
    if ext not in COMPARABLE:
        return ""
    try:
        with default_storage.open(version.file.name, "rb") as handle:
            if ext == "pdf":
                text = _pdf(handle)
            elif ext == "docx":
                text = _docx(handle)
            elif ext == "odt":
                text = _odt(handle)
            else:
                text = handle.read(MAX_TEXT * 4).decode("utf-8", errors="replace")
    except Exception:  # a damaged or hostile file has no text; the version stays as it is
        logger.warning("No text extracted from version %s", version.pk, exc_info=True)
        return ""
    return text[:MAX_TEXT]


def _pdf(handle) -> str:
    from pypdf import PdfReader

    reader = PdfReader(handle)
    return "\n".join((page.extract_text() or "") for page in reader.pages[:500])


def _paragraphs(root, paragraph_tag, text_tags) -> str:
    lines = []
    for paragraph in root.iter(paragraph_tag):
        lines.append("".join(node.text or "" for node in paragraph.iter()
                             if node.tag in text_tags))
    return "\n".join(lines)


# At most this many bytes are inflated from one member of a DOCX or ODT, whatever its header
# declares (uploads were checked for zip bombs; this holds even if a header lies).
MAX_MEMBER_BYTES = 50 * 1024 * 1024


def _zip_xml(handle, member: str):
    with zipfile.ZipFile(handle) as archive:
        info = archive.getinfo(member)
        if info.file_size > MAX_MEMBER_BYTES:  # refuse to inflate a suspiciously large part
            raise ValueError("document XML too large")
        with archive.open(info) as stream:
            data = stream.read(MAX_MEMBER_BYTES + 1)
        if len(data) > MAX_MEMBER_BYTES:
            raise ValueError("document XML too large")
        return ElementTree.fromstring(data)  # noqa: S314 (no DTDs in stdlib)


def _docx(handle) -> str:
    root = _zip_xml(handle, "word/document.xml")
    return _paragraphs(root, f"{WORD_NS}p", {f"{WORD_NS}t"})


def _odt(handle) -> str:
    root = _zip_xml(handle, "content.xml")
    lines = []
    for element in root.iter():
        if element.tag in (f"{ODF_TEXT_NS}p", f"{ODF_TEXT_NS}h"):
            lines.append("".join(element.itertext()))
    return "\n".join(lines)


def can_compare(older, newer) -> bool:
    return older.extension in COMPARABLE and newer.extension in COMPARABLE


# Lines compared per version: enough for real documents, and a comparison never holds a
# worker for long (difflib's cost grows quickly with the lines that changed).
MAX_COMPARED_LINES = 5000


def compare(older_text: str, newer_text: str) -> list[tuple[str, str]]:
    """Line by line differences: ("same" | "removed" | "added", line). At most
    MAX_COMPARED_LINES lines of each version are compared."""
    def lines(text):
        kept = [re.sub(r"\s+", " ", line).strip() for line in text.splitlines() if line.strip()]
        return kept[:MAX_COMPARED_LINES]

    old, new = lines(older_text), lines(newer_text)
    rows = []
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            rows.extend(("same", line) for line in old[i1:i2])
            continue
        rows.extend(("removed", line) for line in old[i1:i2])
        rows.extend(("added", line) for line in new[j1:j2])
    return rows
