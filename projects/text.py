"""Structured text: how objectives, results and ongoing activities keep their bullet structure.

The format is plain text a project director can type or paste:

    Paragraph line.
    - a bullet
    - another bullet
      - a bullet inside it (two spaces per level)
    Another paragraph.

Each non-bullet line is a paragraph; a line starting with "- " (or "• ", "* ", "– ") is a
bullet, indented two spaces per level. `parse_blocks` turns it into blocks that every output
(HTML, PDF, DOCX, the API) renders the same way; `blocks_to_text` gives the text back."""

import re
import unicodedata
from dataclasses import dataclass, field

BULLET = re.compile(r"^(?P<indent>[ \t]*)[-•*–][ \t]+(?P<text>.*\S)\s*$")
MAX_LEVEL = 3


@dataclass
class Item:
    text: str
    children: list["Item"] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"text": self.text, "children": [c.as_dict() for c in self.children]}


@dataclass
class Block:
    """kind is "paragraph" (text set) or "list" (items set)."""

    kind: str
    text: str = ""
    items: list[Item] = field(default_factory=list)

    def as_dict(self) -> dict:
        if self.kind == "paragraph":
            return {"type": "paragraph", "text": self.text}
        return {"type": "list", "items": [i.as_dict() for i in self.items]}


def normalise(text: str) -> str:
    """NFC, Unix line ends, no trailing spaces, tabs as two spaces, bullets as "- ", Romanian
    cedilla letters (ş ţ) turned into the correct comma-below letters (ș ț), at most one blank
    line in a row, no blank lines at the ends."""
    text = unicodedata.normalize("NFC", text or "")
    text = text.translate(str.maketrans("şŞţŢ", "șȘțȚ"))
    lines = []
    for raw in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        line = raw.replace("\t", "  ").rstrip()
        match = BULLET.match(line)
        if match:
            line = match.group("indent") + "- " + match.group("text")
        if not line and (not lines or not lines[-1]):
            continue
        lines.append(line)
    while lines and not lines[-1]:
        lines.pop()
    return "\n".join(lines)


def _level(indent: str) -> int:
    return min(len(indent.replace("\t", "  ")) // 2, MAX_LEVEL)


def parse_blocks(text: str) -> list[Block]:
    blocks: list[Block] = []
    current: Block | None = None  # the list being filled
    path: list[Item] = []  # the last item at each level of the current list
    for line in (text or "").replace("\r\n", "\n").split("\n"):
        if not line.strip():
            continue
        match = BULLET.match(line)
        if match is None:
            blocks.append(Block("paragraph", text=line.strip()))
            current = None
            continue
        if current is None:
            current = Block("list")
            blocks.append(current)
            path = []
        level = min(_level(match.group("indent")), len(path))  # at most one level deeper
        item = Item(match.group("text").strip())
        (current.items if level == 0 else path[level - 1].children).append(item)
        path = [*path[:level], item]
    return blocks


def blocks_to_text(blocks) -> str:
    """The structured text of blocks (dicts as the API gives them, or Block objects)."""
    lines: list[str] = []

    def items(entries, level):
        for entry in entries:
            text = entry["text"] if isinstance(entry, dict) else entry.text
            children = entry["children"] if isinstance(entry, dict) else entry.children
            lines.append("  " * level + "- " + text)
            items(children, level + 1)

    for block in blocks:
        kind = block["type"] if isinstance(block, dict) else block.kind
        if kind == "paragraph":
            lines.append(block["text"] if isinstance(block, dict) else block.text)
        else:
            items(block["items"] if isinstance(block, dict) else block.items, 0)
    return "\n".join(lines)


def plain_lines(text: str) -> list[tuple[int, str]]:
    """(level, text) per line, level -1 for a paragraph: what flat outputs (CSV, XLSX) need."""
    out: list[tuple[int, str]] = []

    def items(entries, level):
        for item in entries:
            out.append((level, item.text))
            items(item.children, level + 1)

    for block in parse_blocks(text):
        if block.kind == "paragraph":
            out.append((-1, block.text))
        else:
            items(block.items, 0)
    return out
