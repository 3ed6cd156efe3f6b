"""Benchmark: the whole site under gunicorn with the production settings, on the large data set.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/clusterpolicy_bench \\
        .venv/bin/python -m bench.production [--scale 1] [--regenerate] [--requests 30] \\
        [--only pages,throughput,transfers,queries]

One command (`make bench` runs it last) that:

1. Generates the data set on PostgreSQL unless it is already there (each part is detected by
   its row counts; --regenerate rebuilds every part): 10,000 clusters and 100,000 members
   (bench.clusters_directory), 50,000 documents x 3 versions, 2,000 users in the six groups
   (bench.documents; every version gets extracted text), the search index (bench.search),
   5,000 events, two programmes (competitions) of 5 and 50 projects with accepted reports,
   and the query-count fixtures (documents with 5 and 50 versions, months with 5 and 50
   events). --scale 0.1 makes everything ten times smaller for a quick check.
2. Starts `gunicorn config.wsgi:application --workers 2` with config.settings.production
   (DEBUG off, a Redis cache, plain HTTP with `X-Forwarded-Proto: https` as the TLS proxy
   sends it) and, with BENCH_BARE_VIEW=1, the bare view `/bench/bare/` (config/urls.py).
3. Server time of each main page and API list: gunicorn's own request duration (access-log
   atom %(D)s, microseconds from the parsed request to the last byte written), matched to
   each request by an X-Bench-Id header; the client's time is shown beside it. Anonymous
   pages that the public page cache (core.pagecache) serves are timed twice: as cache hits
   and as misses (its generation bumped from this process before each timed request).
4. Throughput of the directory and of a logged-in group space with --clients concurrent
   client threads, as a ratio to the bare view, in the same run and server, with the page
   cache's hit ratio.
5. A 50 MiB version upload (web form, session + CSRF) and a 100 MiB download: time, and the
   serving worker's peak memory growth (/proc/<pid>/status VmHWM after, VmRSS before, with
   VmHWM reset through /proc/<pid>/clear_refs).
6. SQL queries of every page with 5 and with 50 rows (in process, django.test.Client and
   CaptureQueriesContext, same settings and database).
7. Writes bench/RESULTS.md (targets met or not) and prints it. With --only, the sections of
   the parts not measured are copied from the previous bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from unittest import mock

from bench.documents import Credentials, credentials

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
RESULTS_FILE = BENCH_DIR / "RESULTS.md"
MB = 1024 * 1024
EVENT_MARKER = "bench-production"  # Event.organiser of the generated events
PROGRAMME_SLUGS = {5: "bench-programme-5", 50: "bench-programme-50"}
HISTORY_MARKER = "[bench-history]"  # titles of the documents with 5 and 50 versions
FIXTURE_MONTHS = {5: (2031, 1), 50: (2031, 3)}  # months holding exactly 5 and 50 events
P95_TARGET_MS = 100.0
THROUGHPUT_TARGET = 0.5
MEMORY_TARGET_MB = 20.0
PARTS = ("pages", "throughput", "transfers", "queries")  # what --only can choose


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.production", description=__doc__
                                     .split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=1.0,
                        help="size of the data set relative to the issue's (default 1)")
    parser.add_argument("--regenerate", action="store_true",
                        help="rebuild the data set even when it is present")
    parser.add_argument("--requests", type=int, default=30,
                        help="timed requests per page (after 2 warm-ups); default 30")
    parser.add_argument("--clients", type=int, default=4,
                        help="concurrent client threads of the throughput runs; default 4")
    parser.add_argument("--seconds", type=float, default=8.0,
                        help="duration of each throughput run; default 8")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers; default 2")
    parser.add_argument("--upload-mb", type=int, default=50)
    parser.add_argument("--download-mb", type=int, default=100)
    parser.add_argument("--no-transfers", action="store_true",
                        help="skip the upload and download measurements (--only without "
                        "transfers)")
    parser.add_argument("--only", default=",".join(PARTS), metavar="PARTS",
                        help="comma-separated parts to measure, of: " + ", ".join(PARTS)
                        + " (default: all). The sections of the parts not measured are "
                        "copied from the existing bench/RESULTS.md")
    parser.add_argument("--no-write", action="store_true",
                        help="print the results without writing bench/RESULTS.md")
    args = parser.parse_args(argv)
    if not 0.01 <= args.scale <= 10 or args.requests < 2 or args.clients < 1:
        parser.error("--scale between 0.01 and 10, at least 2 requests and 1 client")
    args.parts = {part.strip() for part in args.only.split(",") if part.strip()}
    if not args.parts or args.parts - set(PARTS):
        parser.error(f"--only takes a comma-separated list of: {', '.join(PARTS)}")
    if args.no_transfers:
        args.parts.discard("transfers")
    s = args.scale
    args.sizes = {"clusters": max(200, round(10_000 * s)), "members": max(2000, round(100_000 * s)),
                  "documents": max(500, round(50_000 * s)), "versions": 3,
                  "users": max(60, round(2_000 * s)), "events": max(100, round(5_000 * s))}
    return args


# --- Settings: the production settings, in this process too ------------------------------------

def production_env(tmp: Path) -> dict[str, str]:
    """What config.settings.production needs; shared by this process and gunicorn."""
    redis_url = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/7")
    database_url = os.environ.get("DATABASE_URL", "")
    if not database_url.startswith(("postgres://", "postgresql://")):
        sys.exit("Set DATABASE_URL to a PostgreSQL database whose name contains 'bench', e.g.\n"
                 "  DATABASE_URL=postgres://postgres@127.0.0.1:5432/clusterpolicy_bench "
                 ".venv/bin/python -m bench.production")
    return {
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DEBUG": "false",
        "SECRET_KEY": "bench-only-" + "x" * 50,
        "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "SITE_URL": "https://127.0.0.1",
        "DATABASE_URL": database_url,
        "CACHE_URL": redis_url,
        # Tasks queue in the same Redis database (no worker runs: nothing sends the e-mails).
        "CELERY_BROKER_URL": redis_url,
        "EMAIL_URL": "dummymail://",
        "STATIC_ROOT": str(tmp / "static"),
        "MEDIA_ROOT": str(tmp / "media"),
        "LOG_LEVEL": "WARNING",
    }


def setup_django(env: dict[str, str]) -> None:
    os.environ.update(env)
    import django

    django.setup()


def redis_flush() -> None:
    """Empty the benchmark's own Redis database (cache and queued tasks of earlier runs)."""
    from django.core.cache import cache

    cache.clear()


# --- The data set ---------------------------------------------------------------------------------

def ns(**values) -> argparse.Namespace:
    return argparse.Namespace(**values)


def generate(args: argparse.Namespace) -> list[str]:
    """Each part generated unless present; returns what was done, for the report."""
    from bench import clusters_directory as bc
    from bench import documents as bd
    from bench import search as bs

    sz, done = args.sizes, []
    cluster_sizes = ns(clusters=sz["clusters"], sectors=100, members=sz["members"])
    doc_sizes = ns(documents=sz["documents"], versions=sz["versions"], users=sz["users"])

    def step(name: str, present: bool, make) -> None:
        if present and not args.regenerate:
            done.append(f"{name}: reused")
            return
        started = time.perf_counter()
        print(f"Generating {name}...", flush=True)
        make()
        done.append(f"{name}: generated in {time.perf_counter() - started:.0f} s")
        print(f"  {done[-1]}", flush=True)

    step("clusters and members", bc.dataset_present(cluster_sizes),
         lambda: bc.generate(cluster_sizes))
    documents_present = documents_present_(doc_sizes)
    step("documents, versions, users, memberships", documents_present,
         lambda: bd.generate(doc_sizes))
    step("extracted text of every version", texts_present(), fill_texts)
    step("document history fixtures (5 and 50 versions)",
         history_present() and documents_present, make_history_documents)
    step("search index", search_present(sz["documents"]),
         lambda: bs.generate(sz["documents"]))
    step("events", events_present(sz["events"]), lambda: make_events(sz["events"]))
    step("programmes and projects", programmes_present(), make_programmes)
    with_vacuum()
    return done


def with_vacuum() -> None:
    from django.db import connection

    with connection.cursor() as cur:  # autocommit: VACUUM cannot run in a transaction
        cur.execute("VACUUM (ANALYZE)")


def documents_present_(sizes: argparse.Namespace) -> bool:
    """bench.documents' data set (not counting this script's history fixtures)."""
    from accounts.models import User
    from bench import documents as bd
    from documents.models import Document, DocumentVersion

    ours = Document.objects.exclude(title__startswith=HISTORY_MARKER)
    return (ours.count() == sizes.documents
            and DocumentVersion.objects.filter(document__in=ours).count()
            == sizes.documents * sizes.versions
            and User.objects.filter(email=bd.BENCH_EMAIL).exists()
            and User.objects.filter(email__endswith=f"@{bd.EMAIL_DOMAIN}").count()
            >= sizes.users)


def search_present(n: int) -> bool:
    """bench.search's entries (the site may have indexed a few more rows of its own)."""
    from bench.search import URL_PREFIX
    from search.models import SearchEntry

    ours = SearchEntry.objects.filter(url__startswith=URL_PREFIX)
    return ours.count() == n and not ours.filter(vector__isnull=True).exists()


def texts_present() -> bool:
    from documents.models import DocumentVersion

    return not DocumentVersion.objects.filter(text="").exists()


def fill_texts() -> None:
    """bench.documents gives text only to published versions; the issue wants every version
    with extracted text: about 1 KB each, in one UPDATE."""
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute(
            "UPDATE documents_documentversion SET text = 'Versiunea ' || number || ' a "
            "documentului ' || document_id || '. ' || repeat('Analiza ecosistemului de "
            "inovare al clusterelor din regiunea Nord-Est și finanțarea specializării "
            "inteligente. ', 10) WHERE text = ''")


def history_present() -> bool:
    from documents.models import Document

    counts = sorted(Document.objects.filter(title__startswith=HISTORY_MARKER)
                    .values_list("versions__number", flat=True).distinct().order_by())
    return len(counts) == 50 and Document.objects.filter(
        title__startswith=HISTORY_MARKER).count() == 2


def make_history_documents() -> None:
    """Two published documents of WG1 with 5 and 50 versions (the history's query count)."""
    from django.db import transaction
    from django.utils import timezone

    from accounts.models import User
    from bench.documents import BENCH_EMAIL
    from documents.models import Document, DocumentVersion
    from workinggroups.models import WorkingGroup

    user = User.objects.get(email=BENCH_EMAIL)
    group = WorkingGroup.objects.get(code="WG1")
    now = timezone.now()
    with transaction.atomic():
        old = Document.objects.filter(title__startswith=HISTORY_MARKER)
        old.update(published_version=None)
        DocumentVersion.objects.filter(document__in=old).delete()
        old.delete()
        for n in (5, 50):
            document = Document.objects.create(
                group=group, title=f"{HISTORY_MARKER} Istoric cu {n} versiuni",
                category="other", status="final", created_by=user, search_text="",
                activity_at=now)
            versions = DocumentVersion.objects.bulk_create([
                DocumentVersion(document=document, number=k, size=1000 + k,
                                original_filename=f"Raport v{k}.pdf",
                                content_type="application/pdf", sha256=f"{k:064x}",
                                note=f"Versiunea {k}", uploaded_by=user, text="Text extras.",
                                created_at=now - timedelta(hours=n - k),
                                file=f"documents/{group.pk}/{document.pk}/{uuid.uuid4().hex}")
                for k in range(1, n + 1)])
            document.published_version = versions[-1]
            document.published_at = now
            document.save(update_fields=["published_version", "published_at"])


def events_present(count: int) -> bool:
    from events.models import Event

    fixtures = sum(FIXTURE_MONTHS)
    return Event.objects.filter(organiser=EVENT_MARKER).count() == count + fixtures


def make_events(count: int) -> None:
    """`count` events over two years before and after today (70 % public, the others for
    one group), and the query-count fixtures: 5 and 50 public events in two future months."""
    import random
    from zoneinfo import ZoneInfo

    from django.db import transaction
    from django.utils import timezone

    from core.text import fold
    from events.models import Event
    from workinggroups.models import WorkingGroup

    rng = random.Random(20260101)  # noqa: S311  (test data)
    groups = list(WorkingGroup.objects.all())
    kinds = [k for k, _ in Event.Kind.choices]
    cities = ["Iași", "Brașov", "Cluj-Napoca", "Timișoara", "Chișinău", "Craiova", "Constanța"]
    tz = ZoneInfo("Europe/Bucharest")
    today = timezone.localdate()

    def event(start: datetime, n: int) -> Event:
        group = rng.choice(groups)
        public = rng.random() < 0.7
        title = f"{rng.choice(['Atelier', 'Conferința', 'Vizită de studiu', 'Webinar'])} " \
                f"despre inovare în clustere {n}"
        city = rng.choice(cities)
        return Event(title=title, kind=rng.choice(kinds), start=start,
                     end=start + timedelta(hours=rng.choice([1, 2, 3, 8])),
                     description="Întâlnire a membrilor clusterelor și a agenției.",
                     venue="Centrul de afaceri", city=city, organiser=EVENT_MARKER,
                     visibility="public" if public else "group",
                     working_group=None if public else group,
                     search_text=fold(f"{title} {city} {EVENT_MARKER}"))

    rows = []
    for n in range(count):
        day = today + timedelta(days=rng.randrange(-730, 730))
        rows.append(event(datetime(day.year, day.month, day.day, rng.randrange(8, 18),
                                   tzinfo=tz), n))
    for size, (year, month) in FIXTURE_MONTHS.items():
        for n in range(size):
            row = event(datetime(year, month, 1 + n % 28, 9 + n % 8, tzinfo=tz), n)
            row.visibility, row.working_group = "public", None
            rows.append(row)
    with transaction.atomic():
        Event.objects.filter(organiser=EVENT_MARKER).delete()
        Event.objects.bulk_create(rows, batch_size=2000)


def programmes_present() -> bool:
    from projects.models import Competition

    return all(Competition.objects.filter(slug=slug, projects__isnull=False).count() == n
               for n, slug in PROGRAMME_SLUGS.items())


def make_programmes() -> None:
    """Two competitions of 5 and 50 projects on the generated clusters, each project with
    two accepted status reports (the programme report reads the latest one)."""
    from django.db import transaction
    from django.utils import timezone

    from clusters.models import Cluster
    from projects.models import Competition, Project, StatusReport

    now = timezone.now()
    clusters = list(Cluster.objects.select_related("region").prefetch_related("sectors")
                    .order_by("pk")[:55])
    with transaction.atomic():
        for n, slug in PROGRAMME_SLUGS.items():
            old = Competition.objects.filter(slug=slug)
            Project.objects.filter(competition__in=old).delete()
            old.delete()
            competition = Competition.objects.create(
                name=f"Cluster inovativ (benchmark, {n} proiecte)", slug=slug,
                years="2024-2026", purpose="Sprijinirea clusterelor inovative.")
            projects = []
            for k in range(n):
                cluster = clusters[k]
                projects.append(Project(
                    competition=competition, number=f"{k + 1} CLS", sequence=k + 1,
                    acronym=f"BENCH{k + 1}", slug=f"{slug}-{k + 1}",
                    title=f"Proiect de inovare {k + 1} al clusterului {cluster.name}",
                    start_date=date(2024, 1, 1), end_date=date(2026, 12, 31),
                    coordinator=cluster.management_entity or cluster.name,
                    director="Ana Popescu", cluster=cluster, members_count=20 + k,
                    region=cluster.region, domain=cluster.sectors.all()[0],
                    objectives="- Obiectiv 1\n- Obiectiv 2"))
            Project.objects.bulk_create(projects)
            StatusReport.objects.bulk_create([
                StatusReport(project=p, as_of=as_of, members_count=20, state="accepted",
                             source="import", accepted_at=now,
                             results="- Studiu de piață\n- Prototip testat",
                             ongoing_activities="- Diseminare")
                for p in projects for as_of in (date(2024, 12, 31), date(2025, 12, 31))])


def dataset_summary() -> list[tuple[str, int]]:
    from accounts.models import User
    from clusters.models import Cluster, ClusterMember
    from documents.models import Document, DocumentVersion
    from events.models import Event
    from projects.models import Project
    from search.models import SearchEntry
    from workinggroups.models import Membership

    return [
        ("clusters", Cluster.objects.count()),
        ("cluster members", ClusterMember.objects.count()),
        ("documents", Document.objects.count()),
        ("document versions (all with extracted text)", DocumentVersion.objects.count()),
        ("published documents (public archive)",
         Document.objects.filter(published_version__isnull=False).count()),
        ("events", Event.objects.count()),
        ("users", User.objects.count()),
        ("working-group memberships", Membership.objects.count()),
        ("projects", Project.objects.count()),
        ("search index entries", SearchEntry.objects.count()),
    ]


# --- The server -----------------------------------------------------------------------------------

@dataclass
class Server:
    port: int
    process: subprocess.Popen
    workers: list[int]
    access_log: Path
    log: Path


def start_server(tmp: Path, env: dict[str, str], workers: int) -> Server:
    from bench.documents import children, free_port, send

    port = free_port()
    access_log, log = tmp / "access.log", tmp / "gunicorn.log"
    command = [sys.executable, "-m", "gunicorn", "config.wsgi:application",
               "--bind", f"127.0.0.1:{port}", "--workers", str(workers),
               "--worker-class", "sync", "--timeout", "600",
               "--access-logfile", str(access_log),
               # the request id the client sent, the status, and the server time in µs
               "--access-logformat", "%({x-bench-id}i)s %(s)s %(D)s",
               "--error-logfile", str(log)]
    server_env = {**os.environ, **env, "BENCH_BARE_VIEW": "1", "TMPDIR": str(tmp)}
    with (tmp / "gunicorn.out").open("wb") as out:
        process = subprocess.Popen(command, cwd=ROOT, env=server_env,  # noqa: S603
                                   stdout=out, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 90
    while True:
        if process.poll() is not None:
            sys.exit(f"gunicorn stopped:\n{log.read_text(errors='replace')[-3000:]}")
        try:
            if send(port, "GET", "/bench/bare/", PROXY).status == 200:
                break
        except OSError:
            pass
        if time.monotonic() > deadline:
            stop_server_process(process)
            sys.exit(f"gunicorn did not answer in 90 s:\n{log.read_text(errors='replace')}")
        time.sleep(0.3)
    pids = children(process.pid)
    while len(pids) < workers and time.monotonic() < deadline:
        time.sleep(0.2)
        pids = children(process.pid)
    return Server(port, process, pids, access_log, log)


def stop_server_process(process: subprocess.Popen) -> None:
    import signal

    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


PROXY = {"X-Forwarded-Proto": "https"}  # what the TLS-terminating proxy adds


class Requester:
    """One HTTP request per connection (gunicorn's sync workers close after each answer)."""

    def __init__(self, port: int):
        self.port = port

    def get(self, path: str, cookie: str = "", headers: dict | None = None,
            bench_id: str = "-") -> tuple[int, float, int, str]:
        """Status, client seconds, body bytes and the X-Cache header ("" when absent)."""
        import http.client

        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        try:
            start = time.perf_counter()
            heads = {**PROXY, "X-Bench-Id": bench_id, **(headers or {})}
            if cookie:
                heads["Cookie"] = cookie
            conn.request("GET", path, headers=heads)
            response = conn.getresponse()
            size = len(response.read())
            return (response.status, time.perf_counter() - start, size,
                    response.getheader("X-Cache", ""))
        finally:
            conn.close()


def server_times(access_log: Path) -> dict[str, float]:
    """{X-Bench-Id: seconds} from gunicorn's access log."""
    times = {}
    for line in access_log.read_text(errors="replace").splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[0] != "-":
            times[parts[0]] = int(parts[2]) / 1e6
    return times


# --- Pages ----------------------------------------------------------------------------------------

@dataclass
class Page:
    name: str
    path: str
    who: str  # "anonymous" or "member" (session cookie) or "token" (API token)
    server: list[float] = field(default_factory=list)
    client: list[float] = field(default_factory=list)
    bytes: int = 0
    # The X-Cache answers of the timed requests (core.pagecache): {"hit": n, "miss": n}.
    cache: dict[str, int] = field(default_factory=dict)
    fresh: bool = False  # the page cache's generation bumped before each timed request

    @property
    def x_cache(self) -> str:
        """The X-Cache column: "hit", "miss", "hit 29/30", or "—" for pages never cached."""
        if not self.cache:
            return "—"
        total = sum(self.cache.values())
        top, n = max(self.cache.items(), key=lambda kv: kv[1])
        return top if n == total else f"{top} {n}/{total}"


def pages(sz) -> list[Page]:
    from clusters.models import Cluster
    from documents.models import Document

    today = date.today()
    cluster = Cluster.objects.filter(is_published=True).order_by("pk")[
        Cluster.objects.count() // 2]
    history = Document.objects.get(title__startswith=f"{HISTORY_MARKER} Istoric cu 50")
    return [
        Page("cluster directory", "/clusters/", "anonymous"),
        Page("cluster directory, search + filter", "/clusters/?search=brasov&label=any",
             "anonymous"),
        Page("cluster profile", f"/clusters/{cluster.slug}/", "anonymous"),
        Page("group space WG1 (member)", "/groups/WG1/", "member"),
        Page("document history, 50 versions (member)", f"/documents/{history.pk}/", "member"),
        Page("public archive", "/documents/", "anonymous"),
        Page("calendar month", f"/events/month/{today.year}/{today.month}/", "anonymous"),
        Page("programme report (50 projects)",
             f"/projects/programme/{PROGRAMME_SLUGS[50]}/report/", "anonymous"),
        Page("search, common word", "/search/?q=clusterelor", "anonymous"),
        Page("search, rare word", "/search/?q=hidrogenului", "anonymous"),
        Page("API clusters", "/api/v1/clusters/", "token"),
        Page("API documents (member)", "/api/v1/documents/", "token"),
        Page("API events", "/api/v1/events/", "token"),
        Page("API projects", "/api/v1/projects/", "token"),
    ]


def auth_headers(page: Page, creds: Credentials) -> tuple[str, dict]:
    if page.who == "member":
        return creds.cookie, {}
    if page.who == "token":
        return "", {"Authorization": f"Token {creds.token}", "Accept": "application/json"}
    return "", {}


def measure_pages(server: Server, items: list[Page], creds: Credentials,
                  repeats: int) -> list[Page]:
    """Times every page; returns the list to report: each page the public page cache answers
    (X-Cache in its answer) twice, as cache hits (the plain sequential run after the
    warm-ups) and as misses (the cache's generation bumped before each timed request, from
    this process through the same Redis cache as the server, so every request renders the
    page afresh and stores it again, as after any write to public content)."""
    done = []
    for page in items:
        measure_page(server, page, creds, repeats)
        done.append(page)
        if page.cache:
            fresh = Page(page.name, page.path, page.who, fresh=True)
            measure_page(server, fresh, creds, repeats)
            done.append(fresh)
    return done


def measure_page(server: Server, page: Page, creds: Credentials, repeats: int) -> None:
    from core.pagecache import bump_generation

    client = Requester(server.port)
    cookie, headers = auth_headers(page, creds)
    for _ in range(2):  # warm-up: templates, plans, caches
        status, _t, _n, _c = client.get(page.path, cookie, headers)
        if status != 200:
            sys.exit(f"GET {page.path} ({page.who}) answered {status}, not 200")
    ids = []
    for n in range(repeats):
        bench_id = f"{uuid.uuid4().hex[:12]}-{n}"
        if page.fresh:
            bump_generation()
        status, seconds, size, x_cache = client.get(page.path, cookie, headers, bench_id)
        if status != 200:
            sys.exit(f"GET {page.path} answered {status}")
        page.client.append(seconds)
        page.bytes = size
        if x_cache:
            page.cache[x_cache] = page.cache.get(x_cache, 0) + 1
        ids.append(bench_id)
    time.sleep(0.2)  # the access log line is written after the answer
    logged = server_times(server.access_log)
    page.server = [logged[i] for i in ids if i in logged]
    if len(page.server) < len(ids):
        print(f"  warning: {len(ids) - len(page.server)} requests of {page.name} "
              "missing from the access log", flush=True)
    print(f"  {page.name:42} {page.x_cache:>6} p95 "
          f"{percentile(page.server, 95) * 1000:7.1f} ms (server), "
          f"{percentile(page.client, 95) * 1000:7.1f} ms (client)", flush=True)


def percentile(samples: list[float], pct: float) -> float:
    from bench.clusters_directory import percentile as nearest_rank

    return nearest_rank(samples, pct) if samples else float("nan")


# --- Throughput -----------------------------------------------------------------------------------

@dataclass
class Throughput:
    name: str
    path: str
    member: bool
    done: int = 0
    errors: int = 0
    seconds: float = 0.0
    hits: int = 0  # answers with X-Cache: hit
    cached: int = 0  # answers with an X-Cache header (hit or miss)

    @property
    def rate(self) -> float:
        return self.done / self.seconds if self.seconds else 0.0

    @property
    def hit_ratio(self) -> str:
        """The page cache's hit ratio over the run ("—": the page is never cached)."""
        return f"{self.hits / self.cached:.1%}" if self.cached else "—"


def run_throughput(server: Server, item: Throughput, cookie: str, clients: int,
                   seconds: float) -> None:
    requester = Requester(server.port)
    lock = threading.Lock()
    stop_at = time.perf_counter() + seconds

    def worker() -> None:
        done = errors = hits = cached = 0
        while time.perf_counter() < stop_at:
            try:
                status, _t, _n, x_cache = requester.get(item.path,
                                                        cookie if item.member else "")
            except OSError:
                errors += 1
                continue
            if status == 200:
                done += 1
            else:
                errors += 1
            if x_cache:
                cached += 1
                hits += x_cache == "hit"
        with lock:
            item.done += done
            item.errors += errors
            item.hits += hits
            item.cached += cached

    for _ in range(3):
        requester.get(item.path, cookie if item.member else "")
    threads = [threading.Thread(target=worker) for _ in range(clients)]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    item.seconds = time.perf_counter() - start
    print(f"  {item.name:42} {item.rate:7.1f} requests/s ({item.errors} errors, "
          f"cache hits {item.hit_ratio})", flush=True)


# --- Upload and download --------------------------------------------------------------------------

@dataclass
class Transfer:
    name: str
    via: str
    size: int
    seconds: float = 0.0
    growth_kb: int = 0
    reset: bool = False


def write_zip(path: Path, size: int) -> None:
    """A real ZIP archive (one stored entry of random bytes) of at most `size` bytes."""
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = size - 300  # local header, central directory and end record
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_STORED) as archive, \
            archive.open("date.bin", "w", force_zip64=False) as entry:
        left = payload
        while left > 0:
            chunk = os.urandom(min(MB, left))
            entry.write(chunk)
            left -= len(chunk)


def worker_memory(pids: list[int]) -> dict[int, dict[str, int]]:
    from bench.documents import proc_status

    return {pid: proc_status(pid) for pid in pids}


def measure_transfers(server: Server, tmp: Path, user, creds: Credentials,
                      args: argparse.Namespace) -> list[Transfer]:
    from bench.documents import (
        MEMORY_MARKER,
        create_big_version,
        multipart,
        remove_memory_documents,
        reset_peak,
        send,
    )
    from documents.models import Document, DocumentVersion

    remove_memory_documents()
    target = Document.objects.create(group_id=Document.objects.filter(
        title__startswith=HISTORY_MARKER).values_list("group_id", flat=True)[0],
        title=f"{MEMORY_MARKER} Țintă pentru versiuni noi", category="other",
        created_by=user)
    big_pk, big_sha = create_big_version(tmp, user, args.download_mb * MB)
    small, upload = tmp / "source" / "small.zip", tmp / "source" / "upload.zip"
    write_zip(small, 8192)
    write_zip(upload, args.upload_mb * MB)
    path = f"/documents/{target.pk}/versions/new/"
    heads = {**PROXY, "Cookie": creds.cookie, "Referer": f"https://127.0.0.1:{server.port}{path}"}

    def post(source: Path, note: str):
        body = multipart({"csrfmiddlewaretoken": creds.csrf, "note": note}, "Arhivă.zip", source)
        return send(server.port, "POST", path, heads, body)

    results = []
    for n in range(len(server.workers)):  # warm every worker
        answer = post(small, f"warm-up {n}")
        if answer.status != 302:
            sys.exit(f"small version upload answered {answer.status}: {answer.body[:1500]!r}")
        send(server.port, "GET", f"/documents/{target.pk}/versions/{n + 1}/download/", heads)
    plan = [Transfer("upload", f"web form `POST {path}` (session, CSRF)", upload.stat().st_size),
            Transfer("download", f"`GET /documents/{big_pk}/versions/1/download/`",
                     args.download_mb * MB)]
    for transfer in plan:
        transfer.reset = all(reset_peak(pid) for pid in server.workers)
        before = worker_memory(server.workers)
        start = time.perf_counter()
        if transfer.name == "upload":
            answer = post(upload, "versiunea mare")
            if answer.status != 302:
                sys.exit(f"upload answered {answer.status}: {answer.body[:1500]!r}")
            if DocumentVersion.objects.filter(document=target).order_by("-number")[0].size \
                    != transfer.size:
                sys.exit("the upload was not stored as a version of that size")
        else:
            answer = send(server.port, "GET", f"/documents/{big_pk}/versions/1/download/", heads)
            if answer.status != 200 or answer.sha256 != big_sha:
                sys.exit(f"download answered {answer.status}, or the bytes differ")
        transfer.seconds = time.perf_counter() - start
        after = worker_memory(server.workers)
        transfer.growth_kb = max(after[p]["VmHWM"] - before[p]["VmRSS"] for p in server.workers)
        print(f"  {transfer.name:9} {transfer.seconds:6.2f} s, worker peak growth "
              f"{transfer.growth_kb / 1024:6.1f} MB", flush=True)
        results.append(transfer)
    remove_memory_documents()
    return results


# --- Query counts (in process) --------------------------------------------------------------------

@dataclass
class QueryCount:
    name: str
    path_5: str
    path_50: str
    who: str
    patch: tuple | None = None  # (module or class, attribute): the page size set to 5 and 50
    counts: dict[int, int] = field(default_factory=dict)


def query_count_pages() -> list[QueryCount]:
    from rest_framework.pagination import PageNumberPagination

    from clusters import views as cluster_views
    from documents import views as document_views
    from documents.models import Document
    from search import views as search_views
    from workinggroups import views as group_views

    history = {n: Document.objects.get(title__startswith=f"{HISTORY_MARKER} Istoric cu {n} ").pk
               for n in (5, 50)}
    profiles = cluster_with_members()
    month = {n: f"/events/month/{y}/{m}/" for n, (y, m) in FIXTURE_MONTHS.items()}
    report = {n: f"/projects/programme/{slug}/report/" for n, slug in PROGRAMME_SLUGS.items()}
    paged = PageNumberPagination
    return [
        QueryCount("cluster directory", "/clusters/", "/clusters/", "anonymous",
                   (cluster_views, "PAGE_SIZE")),
        QueryCount("cluster profile (members)", f"/clusters/{profiles[5]}/",
                   f"/clusters/{profiles[50]}/", "anonymous"),
        QueryCount("group space (documents)", "/groups/WG1/", "/groups/WG1/", "member",
                   (group_views, "DOCUMENTS_PAGE_SIZE")),
        QueryCount("document history (versions)", f"/documents/{history[5]}/",
                   f"/documents/{history[50]}/", "member"),
        QueryCount("public archive", "/documents/", "/documents/", "anonymous",
                   (document_views, "ARCHIVE_PAGE_SIZE")),
        QueryCount("calendar month (events)", month[5], month[50], "anonymous"),
        QueryCount("programme report (projects)", report[5], report[50], "anonymous"),
        QueryCount("search (results)", "/search/?q=clusterelor", "/search/?q=clusterelor",
                   "anonymous", (search_views, "PAGE_SIZE")),
        QueryCount("API clusters", "/api/v1/clusters/", "/api/v1/clusters/", "member",
                   (paged, "page_size")),
        QueryCount("API documents", "/api/v1/documents/", "/api/v1/documents/", "member",
                   (paged, "page_size")),
        QueryCount("API events", "/api/v1/events/", "/api/v1/events/", "member",
                   (paged, "page_size")),
        QueryCount("API projects", "/api/v1/projects/", "/api/v1/projects/", "member",
                   (paged, "page_size")),
    ]


def cluster_with_members() -> dict[int, str]:
    from django.db.models import Count

    from clusters.models import Cluster

    found = {}
    for n in (5, 50):
        row = (Cluster.objects.filter(is_published=True).annotate(n=Count("members"))
               .filter(n__gte=n).order_by("n", "pk").values_list("slug", "n").first())
        if row is None:
            sys.exit(f"no cluster with {n} members or more")
        found[n] = row[0]
    return found


def measure_query_counts(items: list[QueryCount], user) -> None:
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    member, anonymous = Client(), Client()
    member.force_login(user)
    for item in items:
        for n in (5, 50):
            path = item.path_5 if n == 5 else item.path_50
            client = member if item.who == "member" else anonymous
            patcher = mock.patch.object(item.patch[0], item.patch[1], n) if item.patch \
                else mock.patch.dict({})
            with patcher:
                cache.clear()  # a cached page would count no query at all
                first = client.get(path, secure=True)
                if first.status_code != 200:
                    sys.exit(f"{path}: {first.status_code}")
                cache.clear()
                with CaptureQueriesContext(connection) as ctx:
                    client.get(path, secure=True)
            item.counts[n] = len(ctx.captured_queries)
        print(f"  {item.name:42} {item.counts[5]:3} / {item.counts[50]:3} queries", flush=True)


# --- Report ---------------------------------------------------------------------------------------

def verdict(ok: bool, why: str = "") -> str:
    return "met" if ok else f"**not met**: {why}"


def machine() -> list[str]:
    from bench.clusters_directory import code_version, machine_info

    mem = "?"
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            mem = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    return [f"- {k}: {v}" for k, v in machine_info()] + [f"- RAM: {mem}",
                                                           f"- Code: {code_version()}"]


def load_average() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "?"


SECTION_HEADINGS = {  # the report's section of each part (--only keeps the others)
    "pages": "## Server time per page",
    "throughput": "## Throughput",
    "transfers": "## Upload and download",
    "queries": "## SQL queries",
}
KEPT_NOTE = "_Kept from the previous run: not measured by this command._"


def report(args, argv, generated, summary, items, rates, bare, transfers, counts,
           load: str) -> str:
    from django.utils import timezone

    try:
        quiet = float(load.split()[0]) < 1.5
    except (ValueError, IndexError):
        quiet = False
    load_note = ("no other job ran beside it" if quiet else "the machine was shared with other "
                 "jobs; absolute times are pessimistic, ratios within one run hold")
    out = [
        "# Production benchmark",
        "",
        f"- Date: {timezone.localtime():%Y-%m-%d %H:%M %Z}",
        *machine(),
        f"- Load average before the measurements (1, 5, 15 min): {load} — {load_note}. "
        "Client and server share the machine's cores.",
        f"- Command: `DATABASE_URL=… .venv/bin/python -m bench.production {' '.join(argv)}`",
        f"- Server: gunicorn, {args.workers} sync workers, config.settings.production "
        "(DEBUG off, Redis cache, `X-Forwarded-Proto: https` as from the TLS proxy).",
        f"- Scale: {args.scale}",
        "",
        "## Data set",
        "",
        "| Rows | Count |",
        "|---|--:|",
        *[f"| {name} | {count:,} |" for name, count in summary],
        "",
        *[f"- {line}" for line in generated],
        "",
    ]
    writers = {"pages": lambda: pages_section(args, items),
               "throughput": lambda: throughput_section(args, rates, bare),
               "transfers": lambda: transfers_section(transfers),
               "queries": lambda: queries_section(counts)}
    previous = RESULTS_FILE.read_text(encoding="utf-8") if RESULTS_FILE.exists() else ""
    for part in PARTS:
        if part in args.parts:
            out += writers[part]()
        else:
            out += kept_section(previous, SECTION_HEADINGS[part])
    findings = kept_findings()
    if findings:
        out += [findings]
    return "\n".join(out).rstrip() + "\n"


def kept_section(previous: str, heading: str) -> list[str]:
    """The section of an earlier bench/RESULTS.md starting with `heading`, marked as kept."""
    lines = previous.splitlines()
    start = next((n for n, line in enumerate(lines) if line.startswith(heading)), None)
    if start is None:
        return []
    end = next((n for n in range(start + 1, len(lines)) if lines[n].startswith("## ")),
               len(lines))
    body = [line for line in lines[start + 1:end] if line != KEPT_NOTE]
    while body and not body[0].strip():
        body.pop(0)
    while body and not body[-1].strip():
        body.pop()
    return [lines[start], "", KEPT_NOTE, "", *body, ""]


def pages_section(args, items: list[Page]) -> list[str]:
    ms = lambda s: f"{s * 1000:.1f}"  # noqa: E731
    out = [
        f"## Server time per page (target: p95 < {P95_TARGET_MS:.0f} ms)",
        "",
        f"Server time: gunicorn's request duration (access-log `%(D)s`, from the parsed "
        f"request to the last byte sent), {args.requests} sequential requests per page after "
        "2 warm-ups; client time: the same requests timed by a client on the same host "
        "(one connection per request: gunicorn's sync workers do not keep connections alive).",
        "",
        "X-Cache: the public page cache's answer (`core.pagecache`; \"—\": the page never "
        "goes through it: logged-in, API, free-text search). Each anonymous page it serves is "
        "measured twice: `hit`, the plain run after the warm-ups, and `miss`, rendered afresh "
        "because the bench bumped the cache's generation (as every write to public content "
        "does) before each timed request.",
        "",
        "| Page | URL | As | X-Cache | Median ms | p95 ms | Client p95 ms | KB | Target |",
        "|---|---|---|---|--:|--:|--:|--:|---|",
    ]
    for page in items:
        p95 = percentile(page.server, 95) * 1000
        out.append(
            f"| {page.name} | `{page.path}` | {page.who} | {page.x_cache} "
            f"| {ms(statistics.median(page.server))} "
            f"| {p95:.1f} | {ms(percentile(page.client, 95))} | {page.bytes // 1024} | "
            f"{verdict(p95 < P95_TARGET_MS, 'slower than 100 ms at p95 (see Findings)')} |")
    return [*out, ""]


def throughput_section(args, rates: list[Throughput], bare: Throughput) -> list[str]:
    out = [
        f"## Throughput with {args.clients} concurrent clients, {args.seconds:.0f} s each "
        f"(target: public pages ≥ {THROUGHPUT_TARGET} x the bare view)",
        "",
        "The bare view (`/bench/bare/`, only with `BENCH_BARE_VIEW=1`) returns `ok` through "
        "the whole middleware stack: the framework's ceiling on this server. Cache hits: the "
        "share of answers with `X-Cache: hit` (nothing was written during the run).",
        "",
        "| Page | Requests/s | Errors | Cache hits | Ratio to bare | Target |",
        "|---|--:|--:|--:|--:|---|",
        f"| bare Django view | {bare.rate:.1f} | {bare.errors} | — | 1.00 | |",
    ]
    for item in rates:
        ratio = item.rate / bare.rate if bare.rate else 0.0
        target = (verdict(ratio >= THROUGHPUT_TARGET,
                          "a full page (queries + template) per request; see Findings")
                  if not item.member else "(logged in: reported, no target)")
        out.append(f"| {item.name} | {item.rate:.1f} | {item.errors} | {item.hit_ratio} "
                   f"| {ratio:.2f} | {target} |")
    return [*out, ""]


def transfers_section(transfers: list[Transfer]) -> list[str]:
    out = [
        f"## Upload and download (target: download memory growth < {MEMORY_TARGET_MB:.0f} MB)",
        "",
        "Peak growth: the worker's `VmHWM` after the transfer minus its `VmRSS` before "
        "(VmHWM reset through `/proc/<pid>/clear_refs` first), the larger of the workers.",
        "",
        "| Transfer | Via | MiB | Seconds | Worker peak growth MB | Target |",
        "|---|---|--:|--:|--:|---|",
    ]
    for t in transfers:
        growth = t.growth_kb / 1024
        target = verdict(growth < MEMORY_TARGET_MB, "the file is held in memory") \
            if t.name == "download" else "(reported)"
        out.append(f"| {t.name} | {t.via} | {t.size / MB:.1f} | {t.seconds:.2f} | "
                   f"{growth:.1f} | {target} |")
    return [*out, ""]


def queries_section(counts: list[QueryCount]) -> list[str]:
    out = [
        "## SQL queries with 5 and with 50 rows (target: equal)",
        "",
        "In process (django.test.Client, the same settings and database, cache emptied before "
        "each counted request). Paged lists: the page size patched to 5 and 50; other pages: "
        "a cluster with ≥ 5 / ≥ 50 members, a document with 5 / 50 versions, a month with "
        "5 / 50 events, a programme with 5 / 50 projects.",
        "",
        "| Page | 5 rows | 50 rows | Target |",
        "|---|--:|--:|---|",
    ]
    for c in counts:
        out.append(f"| {c.name} | {c.counts[5]} | {c.counts[50]} | "
                   f"{verdict(c.counts[5] == c.counts[50], 'a query per row')} |")
    return [*out, ""]


def kept_findings() -> str:
    from bench.clusters_directory import kept_findings as kept

    return kept(RESULTS_FILE).rstrip()


# --- Main -----------------------------------------------------------------------------------------

def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    args = parse_args(argv)
    tmp = Path(tempfile.mkdtemp(prefix="bench-production-"))
    server = None
    try:
        (tmp / "media").mkdir()
        env = production_env(tmp)
        setup_django(env)
        from bench.clusters_directory import database_settings, ensure_database

        db = database_settings()
        if ensure_database(db):
            print(f"Created the database {db['NAME']}.")
        from django.core.management import call_command

        call_command("migrate", interactive=False, verbosity=0)
        generated = generate(args)
        summary = dataset_summary()
        print("Collecting static files...", flush=True)
        call_command("collectstatic", interactive=False, verbosity=0)
        redis_flush()

        from accounts.models import User
        from bench.documents import BENCH_EMAIL

        user = User.objects.get(email=BENCH_EMAIL)
        counts, items, rates, bare, transfers = [], [], [], None, []
        if "queries" in args.parts:
            print("Query counts with 5 and 50 rows (in process)...", flush=True)
            counts = query_count_pages()
            measure_query_counts(counts, user)
            redis_flush()

        load = load_average()
        if args.parts & {"pages", "throughput", "transfers"}:
            print(f"Starting gunicorn ({args.workers} workers)...", flush=True)
            server = start_server(tmp, env, args.workers)
            creds = credentials(user)
        if "pages" in args.parts:
            print("Server time per page...", flush=True)
            items = measure_pages(server, pages(args.sizes), creds, args.requests)

        if "throughput" in args.parts:
            print(f"Throughput, {args.clients} clients...", flush=True)
            bare = Throughput("bare Django view", "/bench/bare/", False)
            rates = [Throughput("cluster directory (anonymous)", "/clusters/", False),
                     Throughput("public archive (anonymous)", "/documents/", False),
                     Throughput("group space WG1 (logged in)", "/groups/WG1/", True)]
            for item in [bare, *rates]:
                run_throughput(server, item, creds.cookie, args.clients, args.seconds)

        if "transfers" in args.parts:
            print("Upload and download...", flush=True)
            transfers = measure_transfers(server, tmp, user, creds, args)
    finally:
        if server is not None:
            stop_server_process(server.process)
        shutil.rmtree(tmp, ignore_errors=True)

    text = report(args, argv, generated, summary, items, rates, bare, transfers, counts, load)
    print()
    print(text)
    if not args.no_write:
        RESULTS_FILE.write_text(text, encoding="utf-8")
        print(f"Written to {RESULTS_FILE.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
