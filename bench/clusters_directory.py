"""Benchmark: the cluster directory (/clusters/) on PostgreSQL with a large data set.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/clusterpolicy_bench \\
        .venv/bin/python -m bench.clusters_directory \\
        [--clusters 10000 --sectors 100 --members 100000 --requests 30] [--fresh]

What it does:

1. Django with DEBUG off (DJANGO_SETTINGS_MODULE defaults to config.settings.local). Only
   PostgreSQL is accepted, and only a database whose name contains "bench": the script
   deletes and bulk-loads cluster data.
2. Creates the database when it does not exist (through the server's "postgres" database,
   with the same credentials), then runs `migrate`.
3. Generates the data set (fixed seed, bulk inserts): 3 countries, 14 regions, the sectors,
   the clusters (all published, 1-4 sectors each, ~30 % with a current label) and the members.
   When a data set of exactly that size is already there it is reused; --fresh rebuilds it.
4. VACUUM ANALYZE, then for each representative request: one warm-up, one run counting the SQL
   queries (CaptureQueriesContext: never timed), then --requests timed runs with
   django.test.Client. "Server time" is the time from the request entering Django to the
   rendered response, in process: no network, no web server, and the database connection stays
   open between requests (the test client does not close it).
5. Prints a Markdown table (median, 95th percentile and maximum in ms, queries per request) and
   writes it to bench/RESULTS-clusters.md with the date, the machine and the command line.
   A "## Findings" section already in that file (written by hand) is kept.

The numbers are for comparing runs (before/after a change, ratios between requests), never
pass/fail limits.
"""

from __future__ import annotations

import argparse
import math
import os
import platform
import random
import shlex
import statistics
import sys
import time
import warnings
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from unittest import mock
from urllib.parse import urlencode, urlsplit, urlunsplit

BENCH_DIR = Path(__file__).resolve().parent
RESULTS_FILE = BENCH_DIR / "RESULTS-clusters.md"
SEED = 20250601
BATCH = 2000
FINDINGS_HEADING = "## Findings"


# --- Command line and Django ----------------------------------------------------------------

def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench.clusters_directory",
        description="Server time of the cluster directory on PostgreSQL with a large data set.",
    )
    parser.add_argument("--clusters", type=int, default=10_000)
    parser.add_argument("--sectors", type=int, default=100)
    parser.add_argument("--members", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=30,
                        help="timed repetitions of each request (after one warm-up)")
    parser.add_argument("--fresh", action="store_true",
                        help="rebuild the data set even when one of that size exists")
    parser.add_argument("--explain-over", type=float, default=300.0, metavar="MS",
                        help="EXPLAIN ANALYZE the slowest query of every request whose p95 "
                        "exceeds MS milliseconds (0: of every request); default 300")
    parser.add_argument("--no-write", action="store_true",
                        help="print the results without writing bench/RESULTS-clusters.md")
    args = parser.parse_args(argv)
    if args.clusters < 1 or args.sectors < 4 or args.members < 0 or args.requests < 1:
        parser.error("need at least 1 cluster, 4 sectors, 0 members and 1 request")
    return args


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    # DEBUG would record every query (and slow every request): off before settings load.
    os.environ["DEBUG"] = "false"
    import django

    # WhiteNoise warns that collectstatic never ran: the benchmark does not serve static files.
    warnings.filterwarnings("ignore", message="No directory at", category=UserWarning)
    django.setup()
    from django.conf import settings

    if settings.DEBUG:  # a settings module forcing it on
        settings.DEBUG = False


def database_settings() -> dict:
    from django.conf import settings

    db = settings.DATABASES["default"]
    if db["ENGINE"] != "django.db.backends.postgresql":
        sys.exit(
            f"This benchmark runs on PostgreSQL only; the database is {db['ENGINE']}.\n"
            "Set DATABASE_URL, e.g.\n"
            "  DATABASE_URL=postgres://postgres@127.0.0.1:5432/clusterpolicy_bench "
            ".venv/bin/python -m bench.clusters_directory"
        )
    if "bench" not in db["NAME"]:
        sys.exit(
            f"Refusing to use the database {db['NAME']!r}: the benchmark deletes and bulk-loads "
            "cluster data, so it only runs on a database whose name contains 'bench' "
            "(e.g. clusterpolicy_bench)."
        )
    return db


def ensure_database(db: dict) -> bool:
    """Create the benchmark database when missing; True when it was created."""
    import psycopg2
    from psycopg2 import sql

    params = {"dbname": "postgres", "user": db.get("USER"), "password": db.get("PASSWORD"),
              "host": db.get("HOST"), "port": db.get("PORT")}
    conn = psycopg2.connect(**{k: v for k, v in params.items() if v})
    try:
        conn.autocommit = True
        with conn.cursor() as cur:
            cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [db["NAME"]])
            if cur.fetchone():
                return False
            cur.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(db["NAME"])))
            return True
    finally:
        conn.close()


# --- The data set ----------------------------------------------------------------------------

COUNTRIES = [("RO", "România", "Romania"), ("MD", "Republica Moldova", "Moldova"),
             ("BG", "Bulgaria", "Bulgaria")]
# (country, code, slug, name_ro, name_en, cities, weight)
REGIONS = [
    ("RO", "RO11", "nord-vest", "Nord-Vest", "North-West",
     ["Cluj-Napoca", "Oradea", "Baia Mare", "Satu Mare"], 14),
    ("RO", "RO12", "centru", "Centru", "Centre",
     ["Brașov", "Sibiu", "Alba Iulia", "Târgu Mureș"], 14),
    ("RO", "RO21", "nord-est", "Nord-Est", "North-East",
     ["Iași", "Suceava", "Bacău", "Piatra Neamț"], 12),
    ("RO", "RO22", "sud-est", "Sud-Est", "South-East", ["Constanța", "Galați", "Brăila"], 10),
    ("RO", "RO31", "sud-muntenia", "Sud-Muntenia", "South-Muntenia",
     ["Ploiești", "Pitești", "Târgoviște"], 10),
    ("RO", "RO32", "bucuresti-ilfov", "București-Ilfov", "Bucharest-Ilfov",
     ["București", "Voluntari"], 14),
    ("RO", "RO41", "sud-vest-oltenia", "Sud-Vest Oltenia", "South-West Oltenia",
     ["Craiova", "Râmnicu Vâlcea", "Drobeta-Turnu Severin"], 8),
    ("RO", "RO42", "vest", "Vest", "West", ["Timișoara", "Arad", "Reșița"], 8),
    ("MD", "MD-CHI", "md-chisinau", "Chișinău", "Chisinau", ["Chișinău"], 3),
    ("MD", "MD-NORD", "md-nord", "Nord (Moldova)", "North (Moldova)", ["Bălți", "Soroca"], 1),
    ("MD", "MD-SUD", "md-sud", "Sud (Moldova)", "South (Moldova)", ["Cahul"], 1),
    ("BG", "BG41", "bg-yugozapaden", "Sud-Vest (Bulgaria)", "South-West (Bulgaria)",
     ["Sofia"], 3),
    ("BG", "BG42", "bg-yuzhen-tsentralen", "Sud-Central (Bulgaria)", "South-Central (Bulgaria)",
     ["Plovdiv"], 1),
    ("BG", "BG33", "bg-severoiztochen", "Nord-Est (Bulgaria)", "North-East (Bulgaria)",
     ["Varna"], 1),
]
SECTOR_BASES = [
    ("Agroalimentar", "Agri-food"), ("Energie regenerabilă", "Renewable energy"),
    ("Tehnologia informației", "Information technology"),
    ("Automotive și mobilitate", "Automotive and mobility"),
    ("Textile și confecții", "Textiles and clothing"), ("Turism", "Tourism"),
    ("Sănătate", "Health"), ("Construcții", "Construction"),
    ("Industrii creative", "Creative industries"), ("Lemn și mobilă", "Wood and furniture"),
    ("Aeronautică", "Aeronautics"), ("Bioeconomie", "Bioeconomy"), ("Chimie", "Chemicals"),
    ("Logistică", "Logistics"), ("Materiale avansate", "Advanced materials"),
    ("Economie circulară", "Circular economy"), ("Electronică", "Electronics"),
    ("Apă și mediu", "Water and environment"), ("Securitate cibernetică", "Cybersecurity"),
    ("Alimentație ecologică", "Organic food"),
]
SECTOR_VARIANTS = [("", "", ""), (" (cercetare)", " (research)", "cercetare"),
                   (" (producție)", " (manufacturing)", "productie"),
                   (" (servicii)", " (services)", "servicii"),
                   (" (formare)", " (training)", "formare")]
NAME_PREFIXES = ["Clusterul", "Clusterul Regional", "Asociația Clusterului",
                 "Polul de Competitivitate", "Clusterul Inovativ"]
NAME_CORES = ["Ștefan cel Mare", "Țara Bârsei", "Mureș Inovare", "Dunărea de Jos",
              "Carpații Meridionali", "Banatul Digital", "Bucovina Verde", "Oltenia Energie",
              "Brașov Auto", "Transilvania Lemn", "Moldova Agro", "Crișana Tech",
              "Maramureș Turism", "Dobrogea Logistică", "Argeș Mobilitate", "Câmpia Română"]
ENTITY_FORMS = ["Asociația", "Fundația", "Federația", "Consorțiul"]
SENTENCES = [
    "Clusterul reunește întreprinderi mici și mijlocii, universități și autorități locale.",
    "Strategia pentru următorii cinci ani urmărește internaționalizarea membrilor.",
    "Membrii colaborează în proiecte de cercetare aplicată și transfer tehnologic.",
    "Oferim servicii de formare profesională și consultanță pentru digitalizare.",
    "Lanțul valoric acoperă proiectarea, producția, logistica și distribuția.",
    "Prioritățile de specializare inteligentă ale regiunii ghidează activitatea noastră.",
    "Participăm la rețele europene și la misiuni economice în țările vecine.",
    "Căutăm parteneri pentru economie circulară, eficiență energetică și inovare socială.",
    "Laboratorul comun al membrilor testează prototipuri și materiale noi.",
    "Organizăm anual un forum de afaceri și sesiuni de brokeraj tehnologic.",
    "Sprijinim accesul membrilor la finanțări europene și naționale.",
    "Echipa de management coordonează grupuri de lucru tematice.",
]
BRASOV_SENTENCE = "Avem un centru de inovare în Brașov, lângă parcul industrial."
ORG_FORMS = ["SC", "SRL", "SA", "Universitatea", "Institutul", "Primăria", "Asociația",
             "Fundația", "Banca", "Fondul"]
ORG_WORDS = ["Tehnoprod", "Agrovest", "Electromureș", "Softîmbunătățit", "Lemnart", "Dacia",
             "Carpatica", "Infotim", "Bioenergia", "Textilrom", "Aerostar", "Medicala"]
HELIX_WEIGHTS = [("industry", 60), ("research", 15), ("public", 10), ("catalyst", 10),
                 ("finance", 5)]


def dataset_present(sizes: argparse.Namespace) -> bool:
    from clusters.models import Cluster, ClusterMember, Sector

    return (Cluster.objects.count() == sizes.clusters
            and Cluster.objects.filter(is_published=True).count() == sizes.clusters
            and Sector.objects.count() == sizes.sectors
            and ClusterMember.objects.count() == sizes.members)


def wipe() -> None:
    """Empty the cluster tables (and, through CASCADE, whatever references them)."""
    from django.db import connection

    from clusters.models import Cluster, Country, Region, Sector

    tables = ", ".join(connection.ops.quote_name(m._meta.db_table)
                       for m in (Cluster, Sector, Region, Country))
    with connection.cursor() as cur:
        cur.execute(f"TRUNCATE {tables} RESTART IDENTITY CASCADE")


def generate(sizes: argparse.Namespace) -> None:
    from django.db import transaction
    from django.utils import timezone

    from clusters.models import (
        Cluster,
        ClusterLabel,
        ClusterMember,
        Country,
        IndustrialEcosystem,
        Region,
        Sector,
        fold,
    )

    rng = random.Random(SEED)  # noqa: S311  (test data, not security)
    today = timezone.localdate()
    with transaction.atomic():
        wipe()
        countries = {code: Country(code=code, name_ro=ro, name_en=en)
                     for code, ro, en in COUNTRIES}
        Country.objects.bulk_create(countries.values())
        regions = [Region(country=countries[c], code=code, slug=slug, name_ro=ro, name_en=en)
                   for c, code, slug, ro, en, _cities, _w in REGIONS]
        Region.objects.bulk_create(regions)
        region_weights = [r[6] for r in REGIONS]

        sectors = []
        for i in range(sizes.sectors):
            (base_ro, base_en) = SECTOR_BASES[i % len(SECTOR_BASES)]
            var_ro, var_en, var_slug = SECTOR_VARIANTS[(i // len(SECTOR_BASES))
                                                       % len(SECTOR_VARIANTS)]
            suffix = f" {i + 1}" if i >= len(SECTOR_BASES) * len(SECTOR_VARIANTS) else ""
            slug = f"s{i + 1:03d}-{fold(base_ro).replace(' ', '-')}"
            slug = f"{slug}-{var_slug}" if var_slug else slug
            sectors.append(Sector(slug=slug[:80], name_ro=f"{base_ro}{var_ro}{suffix}",
                                  name_en=f"{base_en}{var_en}{suffix}"))
        Sector.objects.bulk_create(sectors, batch_size=BATCH)
        # Some sectors are much more popular than others.
        sector_weights = [1 / (1 + i % 37) for i in range(len(sectors))]

        # How many member records each cluster has: skewed, 5 % with none.
        member_weights = [0.0 if rng.random() < 0.05 else rng.expovariate(1.0)
                          for _ in range(sizes.clusters)]
        if not any(member_weights):
            member_weights = [1.0] * sizes.clusters
        member_of = rng.choices(range(sizes.clusters), weights=member_weights,
                                k=sizes.members)
        on_record = Counter(member_of)

        ecosystems = [v for v, _label in IndustrialEcosystem.choices]
        clusters = []
        for i in range(sizes.clusters):
            region_index = rng.choices(range(len(REGIONS)), weights=region_weights)[0]
            core = rng.choice(NAME_CORES)
            name = f"{rng.choice(NAME_PREFIXES)} {core} {i + 1}"
            acronym = "".join(w[0] for w in core.split() if w[0].isupper()) + str(i + 1)
            entity = f"{rng.choice(ENTITY_FORMS)} {core}"
            city = rng.choice(REGIONS[region_index][5])
            sentences = rng.sample(SENTENCES, rng.randint(3, 8))
            if rng.random() < 0.05:
                sentences.insert(rng.randrange(len(sentences) + 1), BRASOV_SENTENCE)
            description = " ".join(sentences)
            declared = rng.random() < 0.4
            cluster = Cluster(
                name=name, slug=f"cluster-{i + 1:06d}", acronym=acronym,
                management_entity=entity,
                date_established=None if rng.random() < 0.1 else
                date(2005, 1, 1) + timedelta(days=rng.randrange(19 * 365)),
                management_team_size=rng.randint(1, 12),
                region=regions[region_index], city=city,
                industrial_ecosystem=rng.choice(ecosystems),
                technology_fields=", ".join(rng.sample(
                    ["biomasă", "energie solară", "rețele inteligente", "IoT", "robotică",
                     "inteligență artificială", "imprimare 3D", "biotehnologie"], 3)),
                website=f"https://cluster-{i + 1}.example.ro", email=f"contact@c{i + 1}.example.ro",
                contact_person="Ana Popescu", description=description,
                members_total=on_record[i] + rng.randint(0, 30) if declared else None,
                is_published=True,
            )
            # bulk_create skips Cluster.save(): the same folded text it computes.
            cluster.search_text = fold(" ".join([cluster.name, cluster.acronym,
                                                 cluster.management_entity, cluster.city,
                                                 cluster.description]))
            clusters.append(cluster)
        Cluster.objects.bulk_create(clusters, batch_size=BATCH)

        through = Cluster.sectors.through
        links = []
        for cluster in clusters:
            chosen = set()
            wanted = rng.randint(1, 4)
            while len(chosen) < wanted:
                chosen.add(rng.choices(range(len(sectors)), weights=sector_weights)[0])
            links.extend(through(cluster_id=cluster.pk, sector_id=sectors[s].pk)
                         for s in sorted(chosen))
        through.objects.bulk_create(links, batch_size=BATCH)

        levels = (["gold"] * 20) + (["silver"] * 35) + (["bronze"] * 45)
        labels = []
        for cluster in clusters:
            roll = rng.random()
            if roll < 0.30:  # a current label: dated and valid, or undated
                if rng.random() < 0.7:
                    awarded = today - timedelta(days=rng.randrange(700))
                    until = max(awarded + timedelta(days=730),
                                today + timedelta(days=1 + rng.randrange(30)))
                else:
                    awarded = until = None
                labels.append(ClusterLabel(cluster=cluster, level=rng.choice(levels),
                                           awarded_on=awarded, valid_until=until,
                                           source_note="bench"))
            if roll < 0.15 or 0.30 <= roll < 0.42:  # an expired label in the history
                awarded = today - timedelta(days=800 + rng.randrange(2500))
                labels.append(ClusterLabel(cluster=cluster, level=rng.choice(levels),
                                           issuer=rng.choice(["esca", "eucles"]),
                                           awarded_on=awarded,
                                           valid_until=awarded + timedelta(days=730),
                                           source_note="bench"))
        ClusterLabel.objects.bulk_create(labels, batch_size=BATCH)

        helixes = [h for h, _w in HELIX_WEIGHTS]
        helix_weights = [w for _h, w in HELIX_WEIGHTS]
        members = []
        for n, index in enumerate(member_of):
            helix = rng.choices(helixes, weights=helix_weights)[0]
            cluster = clusters[index]
            members.append(ClusterMember(
                cluster_id=cluster.pk,
                organisation=f"{rng.choice(ORG_FORMS)} {rng.choice(ORG_WORDS)} {n + 1}",
                helix=helix, is_sme=rng.random() < 0.8 if helix == "industry" else None,
                country="RO" if rng.random() < 0.9 else rng.choice(["MD", "BG", "HU"]),
                city=cluster.city,
            ))
            if len(members) >= BATCH * 5:
                ClusterMember.objects.bulk_create(members, batch_size=BATCH)
                members = []
        ClusterMember.objects.bulk_create(members, batch_size=BATCH)


def vacuum_analyze() -> None:
    from django.db import connection

    with connection.cursor() as cur:  # autocommit: VACUUM cannot run in a transaction
        cur.execute("VACUUM (ANALYZE)")


# --- The requests ----------------------------------------------------------------------------

@dataclass
class Scenario:
    name: str
    params: dict[str, str]
    matches: int | None = None
    queries: int = 0
    samples: list[float] = field(default_factory=list)  # seconds
    slowest_sql: str = ""
    slowest_ms: float = 0.0
    sql_ms: float = 0.0  # all the request's queries, in the untimed run
    plan: str = ""

    @property
    def path(self) -> str:
        return "/clusters/" + (f"?{urlencode(self.params)}" if self.params else "")


def scenarios() -> list[Scenario]:
    from clusters import views
    from clusters.models import Cluster, Region, Sector

    region = Region.objects.get(slug="centru").slug
    sector = Sector.objects.order_by("pk").values_list("slug", flat=True)[1]
    last = math.ceil(Cluster.objects.filter(is_published=True).count() / views.PAGE_SIZE)
    return [
        Scenario("first page", {}),
        Scenario("page 50", {"page": "50"}),
        Scenario("last page", {"page": str(last)}),
        Scenario("region", {"region": region}),
        Scenario("sector", {"sector": sector}),
        Scenario("any current label", {"label": "any"}),
        Scenario("gold, most members first", {"label": "gold", "ordering": "-members"}),
        Scenario("highest label first", {"ordering": "-label"}),
        Scenario("search (no accents)", {"search": "brasov"}),
        Scenario("combination", {"search": "stefan", "country": "RO", "sector": sector,
                                 "label": "any", "ordering": "-members"}),
    ]


def check_filters(scenario: Scenario) -> None:
    """The filters must be valid (an invalid one gives an empty, meaninglessly fast page)."""
    from django.contrib.auth.models import AnonymousUser
    from django.http import QueryDict

    from clusters import selectors

    params = QueryDict(mutable=True)
    params.update(scenario.params)
    filterset, queryset = selectors.cluster_directory(AnonymousUser(), params)
    if not filterset.is_valid():
        sys.exit(f"{scenario.name}: invalid filters {dict(filterset.errors)}")
    scenario.matches = queryset.count()


def get(client, path: str):
    response = client.get(path)
    if response.status_code != 200:
        sys.exit(f"GET {path} answered {response.status_code}, not 200")
    return response


def count_queries(client, path: str) -> list[tuple[float, str]]:
    """One untimed request: its SQL queries (seconds each, SQL with the parameters in)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    timed = []

    def timer(execute, sql, params, many, context):
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            elapsed = time.perf_counter() - start
            timed.append((elapsed, connection.ops.last_executed_query(
                context["cursor"], sql, params)))

    with CaptureQueriesContext(connection) as ctx, connection.execute_wrapper(timer):
        get(client, path)
    if len(ctx.captured_queries) != len(timed):
        sys.exit(f"{path}: {len(ctx.captured_queries)} queries captured, {len(timed)} timed")
    return timed


def measure(scenario: Scenario, client, repeats: int) -> None:
    get(client, scenario.path)  # warm-up: templates, caches, the plan of every query
    timed = count_queries(client, scenario.path)
    scenario.queries = len(timed)
    scenario.sql_ms = sum(t for t, _sql in timed) * 1000
    if timed:
        slowest, scenario.slowest_sql = max(timed, key=lambda q: q[0])
        scenario.slowest_ms = slowest * 1000
    for _ in range(repeats):
        start = time.perf_counter()
        get(client, scenario.path)
        scenario.samples.append(time.perf_counter() - start)


def page_size_queries(client) -> dict[int, int]:
    """Queries of the first page at several page sizes: equal when nothing is per row."""
    from clusters import views

    counts = {}
    for size in (5, views.PAGE_SIZE, 50):
        with mock.patch.object(views, "PAGE_SIZE", size):
            get(client, "/clusters/")
            counts[size] = len(count_queries(client, "/clusters/"))
    return counts


def explain(sql: str) -> str:
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
        return "\n".join(row[0] for row in cur.fetchall())


# --- Statistics and the report ----------------------------------------------------------------

def percentile(samples: list[float], pct: float) -> float:
    """Nearest-rank percentile (p95 of 30 samples: the 29th smallest)."""
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(pct / 100 * len(ordered)) - 1)]


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f}"


def results_table(items: list[Scenario]) -> str:
    lines = ["| Request | URL | Clusters matched | SQL queries | Median ms | p95 ms | Max ms "
             "| SQL ms | Slowest query ms |",
             "|---|---|--:|--:|--:|--:|--:|--:|--:|"]
    for s in items:
        lines.append(f"| {s.name} | `{s.path}` | {s.matches} | {s.queries} "
                     f"| {ms(statistics.median(s.samples))} | {ms(percentile(s.samples, 95))} "
                     f"| {ms(max(s.samples))} | {s.sql_ms:.1f} | {s.slowest_ms:.1f} |")
    every = [t for s in items for t in s.samples]
    lines.append(f"| **all requests** | | | | **{ms(statistics.median(every))}** "
                 f"| **{ms(percentile(every, 95))}** | **{ms(max(every))}** | | |")
    return "\n".join(lines)


def machine_info() -> list[tuple[str, str]]:
    import django
    import psycopg2
    from django.conf import settings
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("SHOW server_version")
        pg_version = cur.fetchone()[0]
        cur.execute("SELECT name, current_setting(name) FROM pg_settings "
                    "WHERE name = ANY(%s) ORDER BY name",
                    [["jit", "jit_above_cost", "shared_buffers", "work_mem",
                      "random_page_cost"]])
        pg_settings = ", ".join(f"{name}={value}" for name, value in cur.fetchall())
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else "?"
    return [
        ("CPU", f"{cpu} (nproc {usable}, {os.cpu_count()} online)"),
        ("OS", platform.platform()),
        ("Python", platform.python_version()),
        ("Django", django.get_version()),
        ("PostgreSQL", f"{pg_version} (psycopg2 {psycopg2.__version__.split()[0]}); "
                       f"{pg_settings}"),
        ("Settings", f"{settings.SETTINGS_MODULE}, DEBUG={settings.DEBUG}, "
                     f"CONN_MAX_AGE={settings.DATABASES['default'].get('CONN_MAX_AGE')}"),
    ]


def code_version() -> str:
    """The commit measured, and whether the working tree differed from it (read-only git)."""
    import subprocess

    def git(*args: str) -> str:
        command = ["git", *args]  # fixed arguments, nothing from the outside
        done = subprocess.run(command, cwd=BENCH_DIR.parent, capture_output=True,  # noqa: S603
                              text=True, check=True, timeout=10)
        return done.stdout.strip()

    try:
        commit = git("rev-parse", "--short", "HEAD")
        dirty = git("status", "--porcelain", "--untracked-files=no")
    except (OSError, subprocess.SubprocessError):
        return "unknown (no git)"
    return f"{commit}{' with uncommitted changes' if dirty else ''}"


def command_line(argv: list[str]) -> str:
    url = os.environ.get("DATABASE_URL", "")
    if url:
        parts = urlsplit(url)
        if parts.password:
            netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
            url = urlunsplit(parts._replace(netloc=netloc))
        url = f"DATABASE_URL={url} "
    if os.environ.get("PGOPTIONS"):
        url = f"PGOPTIONS={shlex.quote(os.environ['PGOPTIONS'])} {url}"
    return f"{url}.venv/bin/python -m bench.clusters_directory {shlex.join(argv)}".strip()


def kept_findings(results_file: Path = RESULTS_FILE) -> str:
    """The hand-written "## Findings" section of the previous results, if any."""
    if not results_file.exists():
        return ""
    text = results_file.read_text(encoding="utf-8")
    start = text.find(f"\n{FINDINGS_HEADING}\n")
    return text[start + 1:].rstrip() + "\n" if start >= 0 else ""


def slowest_sql_lines(items) -> list[str]:
    """The report's "Slowest SQL query per request" section (Markdown lines)."""
    out = ["## Slowest SQL query per request", ""]
    for s in items:
        # The whole SQL with its plan; otherwise its beginning (--explain-over 0: all plans).
        sql = s.slowest_sql if s.plan or len(s.slowest_sql) <= 600 else (
            s.slowest_sql[:600] + " …")
        out += [f"### {s.name}: {s.slowest_ms:.1f} ms", "", "```sql", sql, "```", ""]
        if s.plan:
            out += ["EXPLAIN (ANALYZE, BUFFERS):", "", "```", s.plan, "```", ""]
    return out


def report(args, argv, items, per_page, timings) -> str:
    from django.utils import timezone

    out = [
        "# Cluster directory benchmark",
        "",
        f"- Date: {timezone.localtime():%Y-%m-%d %H:%M %Z}",
        *[f"- {k}: {v}" for k, v in machine_info()],
        f"- Code: {code_version()}",
        f"- Command: `{command_line(argv)}`",
        f"- Data set: {args.clusters:,} published clusters, {args.sectors} sectors, "
        f"{args.members:,} members ({timings})",
        f"- Each request: 1 warm-up, 1 untimed run counting SQL queries, {args.requests} timed "
        "runs (django.test.Client, in process: server time without network).",
        "",
        "## Server time per request",
        "",
        results_table(items),
        "",
        "p95 is the nearest-rank 95th percentile. \"SQL ms\" is the time of all the request's "
        "SQL queries and \"Slowest query ms\" that of its slowest one, both measured in the "
        "untimed counting run (the rest of the server time is Python: filters, pagination, "
        "template rendering). The numbers are for comparison between runs, not limits.",
        "",
        "## SQL queries of the first page by page size",
        "",
        "| Rows per page | " + " | ".join(str(k) for k in per_page) + " |",
        "|---|" + "--:|" * len(per_page),
        "| SQL queries | " + " | ".join(str(v) for v in per_page.values()) + " |",
        "",
    ]
    out += slowest_sql_lines(items)
    findings = kept_findings()
    if findings:
        out += [findings]
    return "\n".join(out).rstrip() + "\n"


# --- Main ------------------------------------------------------------------------------------

def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    args = parse_args(argv)
    setup_django()
    db = database_settings()
    if ensure_database(db):
        print(f"Created the database {db['NAME']}.")

    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client, override_settings

    started = time.perf_counter()
    call_command("migrate", interactive=False, verbosity=0)
    if not args.fresh and dataset_present(args):
        data_note = "reused"
        print("Data set of that size present: reused (--fresh rebuilds it).")
    else:
        print(f"Generating {args.clusters:,} clusters, {args.sectors} sectors, "
              f"{args.members:,} members...")
        generate(args)
        data_note = f"generated in {time.perf_counter() - started:.0f} s"
        print(f"  {data_note}")
    vacuum_analyze()

    items = scenarios()
    # The test client's host, and static files without collectstatic's manifest.
    with override_settings(
        ALLOWED_HOSTS=[*settings.ALLOWED_HOSTS, "testserver"],
        STORAGES={**settings.STORAGES, "staticfiles": {
            "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}},
    ):
        client = Client()
        for scenario in items:
            check_filters(scenario)
            measure(scenario, client, args.requests)
            print(f"  {scenario.name:28} p95 {ms(percentile(scenario.samples, 95)):>8} ms")
        per_page = page_size_queries(client)
    for scenario in items:
        if percentile(scenario.samples, 95) * 1000 > args.explain_over and scenario.slowest_sql:
            scenario.plan = explain(scenario.slowest_sql)

    text = report(args, argv, items, per_page, data_note)
    print()
    print(text)
    if not args.no_write:
        RESULTS_FILE.write_text(text, encoding="utf-8")
        print(f"Written to {RESULTS_FILE.relative_to(BENCH_DIR.parent)}")


if __name__ == "__main__":
    main()
