"""Benchmark: the search (search.selectors) over 50,000 documents with extracted text on
PostgreSQL, compared in the same run with the bare SQL it issues.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/clusterpolicy_bench \\
        .venv/bin/python -m bench.search [--documents 50000 --repeats 30] [--fresh]

What it does:

1. Django with DEBUG off (as bench/clusters_directory.py). Only PostgreSQL is accepted, and
   only a database whose name contains "bench": the script empties the search index table
   (search_searchentry) and fills it with its own entries. Other tables are not touched, except
   one benchmark user (search.member@bench.example) made a member of WG1 and WG2.
2. Creates the database when it does not exist, then runs `migrate`.
3. Generates the index entries of N documents (fixed seed): what `rebuild_search_index`
   writes for a document — title, description, tags and extracted text (synthetic Romanian
   text with diacritics, 20 % English, ~1–12 KB each), language, year, working group, about
   25 % public (published) and the others group-only drafts — written with bulk_create, then
   the vectors with one UPDATE (search.index.update_vectors, the production SQL). The entries
   are written directly: the search reads only this table, never the documents. When a data
   set of exactly that size is there it is reused; --fresh rebuilds it. Then VACUUM ANALYZE.
4. For each query (rare and common words, an inflected form, without diacritics, filters, an
   anonymous visitor and a member): one warm-up, one run capturing the SQL it issues
   (CaptureQueriesContext), then --repeats timed runs of the selector as the page uses it
   (counts per kind, the first 20 results with their snippets) alternating with timed runs of
   the captured SQL through cursor.execute + fetchall (the "bare SQL").
5. Prints a Markdown report and writes bench/RESULTS-search.md (a hand-written "## Findings"
   section already there is kept).

The numbers are for comparing runs, never pass/fail limits.
"""

from __future__ import annotations

import argparse
import random
import shlex
import statistics
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from bench.clusters_directory import (
    code_version,
    ensure_database,
    explain,
    kept_findings,
    machine_info,
    ms,
    percentile,
    setup_django,
)

BENCH_DIR = Path(__file__).resolve().parent
RESULTS_FILE = BENCH_DIR / "RESULTS-search.md"
SEED = 20261124
BATCH = 1000
PAGE = 20
URL_PREFIX = "/documents/bench-"  # marks the benchmark's entries
BENCH_EMAIL = "search.member@bench.example"


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench.search",
        description="Latency of the search selector vs the bare SQL it issues, on PostgreSQL.")
    parser.add_argument("--documents", type=int, default=50_000)
    parser.add_argument("--repeats", type=int, default=30,
                        help="timed runs of each query (selector and bare SQL each)")
    parser.add_argument("--fresh", action="store_true",
                        help="rebuild the data set even when one of that size exists")
    parser.add_argument("--explain", action="store_true",
                        help="add EXPLAIN (ANALYZE, BUFFERS) of each query's slowest SQL")
    parser.add_argument("--no-write", action="store_true",
                        help="print the results without writing bench/RESULTS-search.md")
    args = parser.parse_args(argv)
    if args.documents < 100 or args.repeats < 1:
        parser.error("need at least 100 documents and 1 repeat")
    return args


def database_settings() -> dict:
    from django.conf import settings

    db = settings.DATABASES["default"]
    if db["ENGINE"] != "django.db.backends.postgresql":
        sys.exit("This benchmark runs on PostgreSQL only. Set DATABASE_URL, e.g.\n"
                 "  DATABASE_URL=postgres://postgres@127.0.0.1:5432/clusterpolicy_bench "
                 ".venv/bin/python -m bench.search")
    if "bench" not in db["NAME"]:
        sys.exit(f"Refusing to use the database {db['NAME']!r}: the benchmark empties the "
                 "search index, so it only runs on a database whose name contains 'bench'.")
    return db


# --- The data set ---------------------------------------------------------------------------

TITLE_RO = ["Ghid de politici privind", "Analiza SWOT:", "Raport de evaluare privind",
            "Studiu de prospectivă:", "Raportul vizitei de studiu:", "Bună practică:",
            "Planul strategic pentru", "Minuta ședinței despre", "Notă de lucru:"]
TITLE_EN = ["Policy guide on", "SWOT analysis:", "Evaluation report on", "Foresight study:",
            "Study-visit report:", "Good practice:", "Strategy plan for", "Minutes on"]
TOPICS_RO = ["internaționalizarea clusterelor", "specializarea inteligentă regională",
             "economia circulară în industria lemnului", "digitalizarea IMM-urilor",
             "transferul tehnologic și inovarea", "finanțarea inovării prin fonduri europene",
             "lanțurile valorice regionale", "eficiența energetică a clădirilor publice",
             "formarea profesională în turism", "guvernanța clusterelor",
             "mobilitatea electrică și logistica urbană", "bioeconomia și agricultura ecologică",
             "securitatea cibernetică în administrație"]
TOPICS_EN = ["the internationalisation of clusters", "regional smart specialisation",
             "the circular economy", "the digitalisation of SMEs", "technology transfer",
             "financing innovation with EU funds", "regional value chains", "cluster governance"]
PLACES = ["Nord-Est", "Centru", "Sud-Muntenia", "București-Ilfov", "Vest", "Nord-Vest",
          "Brașov", "Iași", "Timișoara", "Cluj-Napoca", "Constanța", "Chișinău", "Suceava"]
SENTENCES_RO = [
    "Documentul rezumă concluziile grupului de lucru și propune pașii următori.",
    "Analiza se bazează pe interviuri cu managerii de cluster și pe datele regionale.",
    "Sunt incluse recomandări pentru autoritățile de management și agențiile de dezvoltare.",
    "Versiunea de față integrează comentariile partenerilor din Moldova și Bulgaria.",
    "Anexele conțin indicatorii de monitorizare și calendarul de implementare.",
    "Secțiunea a doua compară instrumentele de sprijin din țările partenere.",
    "Au fost consultate asociațiile patronale, universitățile și primăriile implicate.",
    "Propunerile țin cont de prioritățile strategiei de specializare inteligentă.",
    "Vizita de studiu la Brașov a arătat cum funcționează un parc industrial modern.",
    "Exemplele de bune practici provin din clustere etichetate ESCA.",
    "Membrii clusterelor au participat la ședințele tematice ale comitetului.",
    "Bugetul estimat și sursele de finanțare sunt detaliate în ultimul capitol.",
    "Firmele mici și mijlocii cer mai multă cooperare cu centrele de cercetare.",
    "Regiunea are o tradiție industrială puternică în construcția de mașini.",
    "Participanții au discutat despre accesul la piețele externe și exporturi.",
]
SENTENCES_EN = [
    "The document summarises the working group's conclusions and proposes next steps.",
    "The analysis draws on interviews with cluster managers and regional statistics.",
    "Recommendations are addressed to managing authorities and development agencies.",
    "Members of the clusters took part in the committee's thematic meetings.",
    "The estimated budget and the sources of funding are set out in the last chapter.",
]
RARE = ["hidrogenului verde", "acvacultura din Deltă", "geotermie de adâncime"]
TAGS = ["SWOT", "energie", "inovare", "digitalizare", "turism", "ESCA", "finanțare",
        "politici publice", "Interreg", "economie circulară", "IMM", "formare"]


def _entries(n: int, groups: list[int]):
    from core.text import fold
    from search.models import SearchEntry

    rng = random.Random(SEED)  # noqa: S311 (synthetic data, not security)
    for i in range(1, n + 1):
        english = rng.random() < 0.2
        if english:
            title = (f"{rng.choice(TITLE_EN)} {rng.choice(TOPICS_EN)} "
                     f"({rng.choice(PLACES)})")
            sentences = SENTENCES_EN
        else:
            title = (f"{rng.choice(TITLE_RO)} {rng.choice(TOPICS_RO)} "
                     f"({rng.choice(PLACES)})")
            sentences = SENTENCES_RO
        # Extracted text: 1–12 KB, skewed to the short end, with the topics and places.
        size = int(1000 + rng.paretovariate(1.5) * 800)
        parts, length = [], 0
        while length < min(size, 12_000):
            part = rng.choice(sentences)
            if rng.random() < 0.1:
                part += f" {rng.choice(TOPICS_RO)} în {rng.choice(PLACES)}."
            parts.append(part)
            length += len(part) + 1
        if rng.random() < 0.005:
            parts.insert(rng.randrange(len(parts)), f"Un capitol despre {rng.choice(RARE)}.")
        tags = ", ".join(rng.sample(TAGS, 3))
        body = f"{tags}\n" + " ".join(parts)
        public = rng.random() < 0.25
        yield SearchEntry(
            kind="documents", object_id=i, title=title, body=body,
            url=f"{URL_PREFIX}{i}/", language="en" if english else "ro",
            year=rng.choice([2021, 2022, 2023, 2024, 2025]),
            working_group_id=rng.choice(groups), is_public=public,
            folded_title=fold(title), folded=fold(f"{title}\n{body}"))


def dataset_present(n: int) -> bool:
    from search.models import SearchEntry

    return (SearchEntry.objects.filter(url__startswith=URL_PREFIX).count() == n
            and SearchEntry.objects.count() == n
            and not SearchEntry.objects.filter(vector__isnull=True).exists())


def generate(n: int) -> None:
    from django.db import connection, transaction

    from search.index import update_vectors
    from search.models import SearchEntry
    from workinggroups.models import WorkingGroup

    groups = list(WorkingGroup.objects.values_list("pk", flat=True))
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("TRUNCATE search_searchentry RESTART IDENTITY")
        batch = []
        for entry in _entries(n, groups):
            batch.append(entry)
            if len(batch) >= BATCH:
                SearchEntry.objects.bulk_create(batch)
                batch = []
        SearchEntry.objects.bulk_create(batch)
        started = time.perf_counter()
        update_vectors()
        print(f"  vectors computed in {time.perf_counter() - started:.0f} s")


def vacuum_analyze() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE) search_searchentry")


def bench_user():
    from accounts.models import User
    from workinggroups.models import Membership, WorkingGroup

    user, _ = User.objects.get_or_create(
        email=BENCH_EMAIL, defaults={"full_name": "Membru Benchmark", "status": "approved"})
    if user.status != "approved":
        user.status = "approved"
        user.save(update_fields=["status"])
    for code in ("WG1", "WG2"):
        Membership.objects.get_or_create(user=user, group=WorkingGroup.objects.get(code=code))
    return user


# --- Measuring ------------------------------------------------------------------------------

@dataclass
class Query:
    name: str
    q: str
    member: bool = False
    filters: dict = field(default_factory=dict)
    matches: int = 0
    sql: list[str] = field(default_factory=list)
    selector: list[float] = field(default_factory=list)
    bare: list[float] = field(default_factory=list)
    sql_each: list[float] = field(default_factory=list)  # of the capture run, per statement
    plan: str = ""


def queries() -> list[Query]:
    return [
        Query("rare word", "hidrogenului"),
        Query("two common words, no diacritics", "specializare inteligenta"),
        Query("inflected form (very common)", "clusterelor"),
        Query("place, no diacritics", "brasov"),
        Query("three words", "finantarea inovarii fonduri"),
        Query("English", "cluster governance"),
        Query("common word + year + language", "inovare", filters={"year": 2024,
                                                                    "language": "ro"}),
        Query("member: drafts of WG1+WG2 too", "clusterelor", member=True),
        Query("member: group filter", "digitalizarea", member=True,
              filters={"working_group": "WG1"}),
    ]


def run_selector(query: Query, user) -> int:
    from search.selectors import search_for

    search = search_for(user, q=query.q, **query.filters)
    counts = search.counts
    search.hits(0, PAGE)
    return sum(counts.values())


def run_bare(statements: list[str]) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)
            cursor.fetchall()


def measure(query: Query, user, repeats: int) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    run_selector(query, user)  # warm-up
    with CaptureQueriesContext(connection) as ctx:
        query.matches = run_selector(query, user)
    query.sql = [q["sql"] for q in ctx.captured_queries]
    query.sql_each = [float(q["time"]) for q in ctx.captured_queries]
    run_bare(query.sql)  # warm-up
    for _ in range(repeats):
        started = time.perf_counter()
        run_selector(query, user)
        query.selector.append(time.perf_counter() - started)
        started = time.perf_counter()
        run_bare(query.sql)
        query.bare.append(time.perf_counter() - started)


# --- Report ---------------------------------------------------------------------------------

def command_line(argv: list[str]) -> str:
    import os
    from urllib.parse import urlsplit, urlunsplit

    url = os.environ.get("DATABASE_URL", "")
    if url:
        parts = urlsplit(url)
        if parts.password:
            url = urlunsplit(parts._replace(netloc=parts.netloc.replace(
                f":{parts.password}@", ":***@")))
        url = f"DATABASE_URL={url} "
    return f"{url}.venv/bin/python -m bench.search {shlex.join(argv)}".strip()


def report(args, argv, items: list[Query], data_note: str, public: int) -> str:
    from django.utils import timezone

    rows = []
    for s in items:
        sel_med, bare_med = statistics.median(s.selector), statistics.median(s.bare)
        rows.append(
            f"| {s.name} | `{s.q}` | {s.matches:,} | {ms(sel_med)} | "
            f"{ms(percentile(s.selector, 95))} | {ms(bare_med)} | "
            f"{ms(percentile(s.bare, 95))} | {ms(sel_med - bare_med)} | {len(s.sql)} |")
    all_sel = [t for s in items for t in s.selector]
    all_bare = [t for s in items for t in s.bare]
    out = [
        "# Search benchmark",
        "",
        f"- Date: {timezone.localtime():%Y-%m-%d %H:%M %Z}",
        *[f"- {k}: {v}" for k, v in machine_info()],
        f"- Code: {code_version()}",
        f"- Command: `{command_line(argv)}`",
        f"- Data set: {args.documents:,} documents' index entries with extracted text "
        f"({public:,} public, the others group-only drafts; {data_note})",
        f"- Each query: 1 warm-up, 1 run capturing its SQL, then {args.repeats} timed runs of "
        "the selector alternating with the captured SQL run bare (cursor.execute + fetchall).",
        "",
        "## Latency per query (ms)",
        "",
        "The selector does what the page does: counts per kind, then the first "
        f"{PAGE} results with their snippets (ts_headline). \"Bare\" runs the same SQL "
        "statements directly; the difference is Django's share (building the queries, "
        "model instances, snippets' escaping).",
        "",
        "| Query | Text | Matches | Selector median | Selector p95 | Bare SQL median | "
        "Bare SQL p95 | Overhead (median) | SQL statements |",
        "|---|---|--:|--:|--:|--:|--:|--:|--:|",
        *rows,
        f"| **all** | | | {ms(statistics.median(all_sel))} | {ms(percentile(all_sel, 95))} | "
        f"{ms(statistics.median(all_bare))} | {ms(percentile(all_bare, 95))} | "
        f"{ms(statistics.median(all_sel) - statistics.median(all_bare))} | |",
        "",
        "p95 is the nearest-rank 95th percentile.",
        "",
        "## Time per SQL statement (capture run, ms)",
        "",
        "| Query | " + " | ".join(["counts", "results", "snippets"]) + " |",
        "|---|--:|--:|--:|",
        *[f"| {s.name} | " + " | ".join(
            [f"{t * 1000:.1f}" for t in s.sql_each] + ["–"] * (3 - len(s.sql_each))) + " |"
          for s in items],
        "",
        "(No snippets query when nothing matched.)",
        "",
        "## The SQL (of the query \"" + items[1].name + "\")",
        "",
        *[block for sql in items[1].sql for block in ("```sql", sql[:3000], "```", "")],
    ]
    if args.explain:
        out += ["## Plans of the slowest statement per query", ""]
        for s in items:
            if s.plan:
                out += [f"### {s.name}", "", "```", s.plan, "```", ""]
    findings = kept_findings(RESULTS_FILE)
    if findings:
        out += [findings]
    return "\n".join(out).rstrip() + "\n"


# --- Main -----------------------------------------------------------------------------------

def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    args = parse_args(argv)
    setup_django()
    db = database_settings()
    if ensure_database(db):
        print(f"Created the database {db['NAME']}.")

    from django.contrib.auth.models import AnonymousUser
    from django.core.management import call_command

    from search.models import SearchEntry

    call_command("migrate", interactive=False, verbosity=0)
    started = time.perf_counter()
    if not args.fresh and dataset_present(args.documents):
        data_note = "reused"
        print("Data set of that size present: reused (--fresh rebuilds it).")
    else:
        print(f"Generating the index entries of {args.documents:,} documents...")
        generate(args.documents)
        data_note = f"generated in {time.perf_counter() - started:.0f} s"
        print(f"  {data_note}")
    vacuum_analyze()
    public = SearchEntry.objects.filter(is_public=True).count()

    member = bench_user()
    items = queries()
    for query in items:
        if "working_group" in query.filters:
            from workinggroups.models import WorkingGroup

            query.filters["working_group"] = WorkingGroup.objects.get(
                code=query.filters["working_group"])
        measure(query, member if query.member else AnonymousUser(), args.repeats)
        if args.explain:
            slowest = max(range(len(query.sql)), key=lambda i: query.sql_each[i])
            query.plan = explain(query.sql[slowest])
        print(f"  {query.name:34} {query.matches:>7,} matches  selector p95 "
              f"{ms(percentile(query.selector, 95)):>7} ms  bare p95 "
              f"{ms(percentile(query.bare, 95)):>7} ms")

    text = report(args, argv, items, data_note, public)
    print()
    print(text)
    if not args.no_write:
        RESULTS_FILE.write_text(text, encoding="utf-8")
        print(f"Written to {RESULTS_FILE.relative_to(BENCH_DIR.parent)}")


if __name__ == "__main__":
    main()
