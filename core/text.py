"""Text folding for search that ignores accents and case."""

import unicodedata

# Romanian's cedilla letters (ş, ţ) fold like the comma-below ones (ș, ț) anyway: NFKD splits
# both into a base letter and a combining mark.


def fold(text: str) -> str:
    """NFKD, combining marks dropped, casefolded: "Brașov", "BRAŞOV" and "brasov" give
    "brasov"."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
