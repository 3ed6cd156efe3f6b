"""Text helpers shared by the apps: folding for accent-insensitive search, and spreadsheet-safe
CSV cells."""

import unicodedata

# Romanian's cedilla letters (ş, ţ) fold like the comma-below ones (ș, ț) anyway: NFKD splits
# both into a base letter and a combining mark.


def fold(text: str) -> str:
    """NFKD, combining marks dropped, casefolded: "Brașov", "BRAŞOV" and "brasov" give
    "brasov"."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def csv_safe(value):
    """A text cell that a spreadsheet would read as a formula (=, +, -, @, tab, CR) gets a
    leading apostrophe; other values are returned unchanged."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value
