"""Reads of the search: who finds which entries, the query itself, counts per kind, snippets.

PostgreSQL: full-text search over SearchEntry.vector in the `ro_unaccent` and `en_unaccent`
configurations (either may match), every word a prefix of a stemmed lexeme ("clusterelor" →
'clust':* finds "cluster"), ranked with ts_rank plus a bonus when every word is in the title,
snippets with ts_headline. SQLite (development): every folded word must be in the folded text;
title matches first.

The user's input never reaches SQL as syntax: only its words (letters and digits) are kept,
each quoted as one tsquery term."""

import re
import unicodedata
from dataclasses import dataclass, field

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank
from django.db import connection
from django.db.models import (
    Case,
    Count,
    F,
    FloatField,
    Func,
    Q,
    QuerySet,
    TextField,
    Value,
    When,
)
from django.db.models.functions import Left
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from accounts.permissions import is_approved
from core.text import fold
from workinggroups.permissions import groups_of

from .models import Kind, SearchEntry

MAX_INPUT = 1000
MAX_TERMS = 20
HEADLINE_MAX = 100_000  # characters of a body ts_headline reads (it parses all it is given)
SNIPPET_WORDS = 35
# Delimiters ts_headline puts around a match: the text is escaped, then these become <mark>.
START, STOP = "\x02", "\x03"
_WORD = re.compile(r"[^\W_]+")
# Other control characters (a stray one in a text could unbalance the marks) become spaces.
_CONTROL = re.compile(r"[\x00\x01\x04-\x08\x0b\x0c\x0e-\x1f]")


def terms_of(q) -> list[str]:
    """The words of what the user typed: letters and digits only, at most MAX_TERMS, from at
    most MAX_INPUT characters. Anything else (quotes, &|!:*, brackets) is a separator."""
    text = unicodedata.normalize("NFC", str(q or "")[:MAX_INPUT])
    text = text.replace("ş", "ș").replace("Ş", "Ș").replace("ţ", "ț").replace("Ţ", "Ț")
    return [w.lower() for w in _WORD.findall(text)][:MAX_TERMS]


def entries_visible_to(user) -> QuerySet[SearchEntry]:
    """Public entries for everyone; the group-only ones (drafts, group events …) for the
    members of their working group (staff: every group). Pending or rejected accounts and
    anonymous visitors find public entries only."""
    public = Q(is_public=True)
    if not is_approved(user):
        return SearchEntry.objects.filter(public)
    return SearchEntry.objects.filter(
        public | Q(working_group__in=groups_of(user).values("pk")))


@dataclass
class Hit:
    kind: str
    title: str
    url: str
    year: int | None
    language: str
    rank: float
    pk: int
    snippet: SafeString = field(default_factory=lambda: mark_safe(""))
    title_html: SafeString = field(default_factory=lambda: mark_safe(""))

    @property
    def kind_label(self) -> str:
        return Kind(self.kind).label


class _Page:
    """What Paginator needs: the total (already known from the counts: no COUNT query) and
    slices of the results."""

    def __init__(self, search: "Search", total: int):
        self.search, self.total = search, total

    def count(self) -> int:
        return self.total

    def __len__(self):
        return self.total

    def __getitem__(self, item):
        return self.search.hits(item.start or 0, item.stop)


class Search:
    """One search: `counts` per kind (for the tabs), `total` under the current kind filter,
    and `hits(start, stop)` with snippets. Build it with search_for()."""

    def __init__(self, user, *, q, kind=None, working_group=None, year=None, language=None):
        self.terms = terms_of(q)
        self.kind = kind or None
        self.postgres = connection.vendor == "postgresql"
        base = entries_visible_to(user)
        if working_group is not None:
            base = base.filter(working_group=working_group)
        if year:
            base = base.filter(year=year)
        if language:
            base = base.filter(language=language)
        self._base = base
        self._counts = None

    @property
    def searched(self) -> bool:
        return bool(self.terms)

    # --- The query ---------------------------------------------------------------------------

    def _tsquery(self, weight: str = "") -> SearchQuery:
        raw = " & ".join(f"'{term}':*{weight}" for term in self.terms)
        return (SearchQuery(raw, search_type="raw", config="ro_unaccent")
                | SearchQuery(raw, search_type="raw", config="en_unaccent"))

    def _matching(self) -> QuerySet[SearchEntry]:
        if not self.terms:
            return self._base.none()
        if self.postgres:
            return self._base.filter(vector=self._tsquery())
        folded = [fold(term) for term in self.terms]
        matching = self._base
        for term in folded:
            matching = matching.filter(folded__contains=term)
        return matching

    @property
    def counts(self) -> dict[str, int]:
        """Entries found per kind, in the order of the kinds (kinds with none left out)."""
        if self._counts is None:
            rows = dict(self._matching().order_by().values_list("kind").annotate(n=Count("pk")))
            self._counts = {kind: rows[kind] for kind in Kind.values if rows.get(kind)}
        return self._counts

    @property
    def total(self) -> int:
        if self.kind:
            return self.counts.get(self.kind, 0)
        return sum(self.counts.values())

    def ranked(self) -> QuerySet[SearchEntry]:
        """The results, best first, without their (long) bodies."""
        results = self._matching()
        if self.kind:
            results = results.filter(kind=self.kind)
        if self.postgres:
            # ts_rank normalised to [0, 1) (option 32), plus 1 when every word is in the title:
            # a title match always comes before a match in the text only.
            title_match = Case(When(vector=self._tsquery("A"), then=Value(1.0)),
                               default=Value(0.0), output_field=FloatField())
            rank = SearchRank(F("vector"), self._tsquery(), normalization=32) + title_match
        else:
            title_match = Q()
            for term in self.terms:
                title_match &= Q(folded_title__contains=fold(term))
            rank = Case(When(title_match, then=Value(1.0)), default=Value(0.0),
                        output_field=FloatField())
        return (results.annotate(rank=rank)
                .order_by("-rank", F("year").desc(nulls_last=True), "kind", "pk")
                .only("kind", "title", "url", "year", "language"))

    def hits(self, start: int = 0, stop: int | None = None) -> list[Hit]:
        if not self.terms or (stop is not None and stop <= start):
            return []
        rows = list(self.ranked()[start:stop])
        hits = [Hit(kind=r.kind, title=r.title, url=r.url, year=r.year, language=r.language,
                    rank=round(r.rank, 4), pk=r.pk) for r in rows]
        if hits:
            self._add_snippets(hits)
        return hits

    def page(self) -> _Page:
        return _Page(self, self.total)

    # --- Snippets ----------------------------------------------------------------------------

    def _add_snippets(self, hits: list[Hit]) -> None:
        """One query for the page's snippets (never for every match)."""
        entries = SearchEntry.objects.filter(pk__in=[h.pk for h in hits])
        if self.postgres:
            query = self._tsquery()
            config = Case(When(language="en", then=Value("en_unaccent")),
                          default=Value("ro_unaccent"))
            rows = entries.annotate(
                snippet=SearchHeadline(_untagged(Left("body", HEADLINE_MAX)), query,
                                       config=config,
                                       start_sel=START, stop_sel=STOP, max_words=SNIPPET_WORDS,
                                       min_words=12, max_fragments=2,
                                       fragment_delimiter=" … "),
                title_hl=SearchHeadline(_untagged(F("title")), query, config=config,
                                        start_sel=START,
                                        stop_sel=STOP, highlight_all=True),
            ).values_list("pk", "snippet", "title_hl")
            found = {pk: (snippet, title) for pk, snippet, title in rows}
        else:
            found = {pk: (_plain_snippet(body, self.terms), _mark_terms(title, self.terms))
                     for pk, body, title in entries.values_list("pk", "body", "title")}
        for hit in hits:
            snippet, title = found.get(hit.pk, ("", hit.title))
            if (title or "").replace(START, "").replace(STOP, "") != hit.title:
                title = hit.title  # ts_headline drops what looks like HTML tags: keep all
            hit.snippet = marked(snippet)
            hit.title_html = marked(title)


def _untagged(expression) -> Func:
    """As the index does (search.index.VECTOR_SQL): angle brackets as spaces, so that the
    parser drops no tag-like text."""
    return Func(expression, Value("<>"), Value("  "), function="translate",
                output_field=TextField())


def marked(text: str) -> SafeString:
    """Escape the text, then turn only the delimiters we inserted into <mark> tags."""
    out, open_mark = [], False
    for part in re.split(f"([{START}{STOP}])", _CONTROL.sub(" ", text or "")):
        if part == START:
            if not open_mark:
                out.append("<mark>")
            open_mark = True
        elif part == STOP:
            if open_mark:
                out.append("</mark>")
            open_mark = False
        else:
            out.append(escape(part))
    if open_mark:
        out.append("</mark>")
    return mark_safe("".join(out))  # noqa: S308 (escaped above; only balanced tags of ours)


def _mark_terms(text: str, terms: list[str], spans=None) -> str:
    """The SQLite fallback's highlighting: the words starting with a term (folded), marked
    with the delimiters. Folding keeps the length of Romanian text, so positions match."""
    folded = fold(text)
    if len(folded) != len(text):
        return text
    out, last = [], 0
    pattern = re.compile(r"\b(" + "|".join(re.escape(fold(t)) for t in terms) + r")\w*")
    for match in pattern.finditer(folded):
        out += [text[last:match.start()], START, text[match.start():match.end()], STOP]
        last = match.end()
    return "".join(out) + text[last:]


def _plain_snippet(body: str, terms: list[str], width: int = 240) -> str:
    folded = fold(body)
    positions = [p for p in (folded.find(fold(t)) for t in terms) if p >= 0]
    start = max(0, min(positions) - width // 3) if positions else 0
    excerpt = body[start:start + width]
    return ("… " if start else "") + _mark_terms(excerpt, terms) + (
        " …" if start + width < len(body) else "")


def search_for(user, *, q, kind=None, working_group=None, year=None,
               language=None) -> Search:
    """The search as this user may see it (visibility in entries_visible_to)."""
    return Search(user, q=q, kind=kind, working_group=working_group, year=year,
                  language=language)
