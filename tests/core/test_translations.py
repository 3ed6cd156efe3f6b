"""The Romanian and English catalogues are complete and compiled."""

import gettext
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LOCALE = ROOT / "locale"
CATALOGUES = [
    LOCALE / "ro" / "LC_MESSAGES" / "django.po",
    LOCALE / "en" / "LC_MESSAGES" / "django.po",
    ROOT / "locale_overrides" / "ro" / "LC_MESSAGES" / "django.po",  # allauth's texts
]


def entries(po_path):
    """(msgid, msgstr or plural forms, flags) of every entry but the header."""
    text = po_path.read_text(encoding="utf-8")
    result = []
    for block in text.split("\n\n"):
        if "msgid" not in block or block.strip().startswith("#~"):
            continue
        flags = " ".join(line for line in block.splitlines() if line.startswith("#,"))

        def field(name, block=block):
            match = re.search(rf'^{name} ((?:".*"\n?)+)', block + "\n", re.M)
            if not match:
                return None
            return "".join(re.findall(r'"(.*)"', match.group(1)))

        msgid = field("msgid")
        if msgid == "":
            continue
        if field("msgctxt") is not None:  # looked up with pgettext: keep the pair
            msgid = (field("msgctxt"), msgid)
        msgstrs = [field("msgstr")] if field("msgstr") is not None else [
            field(rf"msgstr\[{i}\]") for i in range(3) if field(rf"msgstr\[{i}\]") is not None
        ]
        result.append((msgid, msgstrs, flags))
    return result


@pytest.mark.parametrize("po", CATALOGUES, ids=lambda p: "/".join(p.parts[-4:-2]))
def test_catalogue_is_complete(po):
    found = entries(po)
    assert len(found) > 100
    untranslated = [msgid for msgid, msgstrs, _ in found if not all(msgstrs)]
    fuzzy = [msgid for msgid, _, flags in found if "fuzzy" in flags]
    assert untranslated == []
    assert fuzzy == []


@pytest.mark.parametrize("po", CATALOGUES, ids=lambda p: "/".join(p.parts[-4:-2]))
def test_compiled_catalogue_matches_the_source(po):
    with (po.with_suffix(".mo")).open("rb") as mo:
        compiled = gettext.GNUTranslations(mo)
    for msgid, msgstrs, _ in entries(po):
        if len(msgstrs) != 1 or "\\" in str(msgid):
            continue  # plural forms and escaped texts: compared by msgfmt itself
        if isinstance(msgid, tuple):
            assert compiled.pgettext(*msgid) == msgstrs[0], msgid
        else:
            assert compiled.gettext(msgid) == msgstrs[0], msgid


def test_romanian_keeps_its_diacritics():
    po = (LOCALE / "ro" / "LC_MESSAGES" / "django.po").read_text(encoding="utf-8")
    assert "Înscriere nouă de moderat" in po
    assert "ş" not in po
    assert "ţ" not in po
