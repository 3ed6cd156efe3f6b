"""The Romanian and English catalogues are complete and compiled."""

import gettext
import re
from pathlib import Path

import pytest

LOCALE = Path(__file__).resolve().parents[2] / "locale"


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
        msgstrs = [field("msgstr")] if field("msgstr") is not None else [
            field(rf"msgstr\[{i}\]") for i in range(3) if field(rf"msgstr\[{i}\]") is not None
        ]
        result.append((msgid, msgstrs, flags))
    return result


@pytest.mark.parametrize("language", ["ro", "en"])
def test_catalogue_is_complete(language):
    po = LOCALE / language / "LC_MESSAGES" / "django.po"
    found = entries(po)
    assert len(found) > 100
    untranslated = [msgid for msgid, msgstrs, _ in found if not all(msgstrs)]
    fuzzy = [msgid for msgid, _, flags in found if "fuzzy" in flags]
    assert untranslated == []
    assert fuzzy == []


@pytest.mark.parametrize("language", ["ro", "en"])
def test_compiled_catalogue_matches_the_source(language):
    po = LOCALE / language / "LC_MESSAGES" / "django.po"
    with (po.with_suffix(".mo")).open("rb") as mo:
        compiled = gettext.GNUTranslations(mo)
    for msgid, msgstrs, _ in entries(po):
        if len(msgstrs) == 1 and "\\" not in msgid:
            assert compiled.gettext(msgid) == msgstrs[0], msgid


def test_romanian_keeps_its_diacritics():
    po = (LOCALE / "ro" / "LC_MESSAGES" / "django.po").read_text(encoding="utf-8")
    assert "Înscriere nouă de moderat" in po
    assert "ş" not in po
    assert "ţ" not in po
