"""Benchmark: the working-group documents (group space, public archive, uploads and downloads)
on PostgreSQL with a large data set.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/clusterpolicy_bench \\
        .venv/bin/python -m bench.documents \\
        [--documents 50000 --versions 3 --users 300 --requests 30] [--fresh]

What it does:

1. Django with DEBUG off (DJANGO_SETTINGS_MODULE defaults to config.settings.local). Only
   PostgreSQL is accepted, and only a database whose name contains "bench": the script empties
   the document and working-group tables (never the six groups themselves, never the cluster
   tables) and deletes the users it created (e-mail addresses @bench.example).
2. Creates the database when it does not exist (through the server's "postgres" database,
   with the same credentials), then runs `migrate`.
3. Generates the data set (fixed seed, bulk inserts): the users, their memberships of the six
   groups (one benchmark user, a plain member of WG1, WG2 and WG3), the documents, their
   versions (the files are never written: list pages must not touch storage) and their audit
   trail. When a data set of exactly that size is already there it is reused; --fresh
   rebuilds it.
4. VACUUM ANALYZE, then for each representative request (the group space as the benchmark
   user, the public archive as an anonymous visitor, a document's page as both): one warm-up,
   one run counting the SQL queries and the storage calls (never timed), then --requests timed
   runs with django.test.Client, in process (as bench/clusters_directory.py).
5. Uploads and downloads in a separate server process (gunicorn, one sync worker, like the
   Docker image): a 50 MB upload through the web form and through the API, and a 100 MB
   download, each in a freshly started server whose peak resident memory (VmHWM) is compared
   with its resident memory just before. The files live in a temporary directory, removed
   afterwards, as are the documents these requests create.
6. Prints a Markdown report and writes it to bench/RESULTS-documents.md with the date, the
   machine and the command line. A "## Findings" section already in that file (written by
   hand) is kept.

The numbers are for comparing runs (before/after a change, ratios between requests), never
pass/fail limits.
"""

from __future__ import annotations

import argparse
import hashlib
import http.client
import os
import random
import shlex
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from unittest import mock
from urllib.parse import urlencode, urlsplit, urlunsplit

from bench.clusters_directory import (
    code_version,
    count_queries,
    ensure_database,
    explain,
    kept_findings,
    machine_info,
    ms,
    percentile,
    setup_django,
    slowest_sql_lines,
)

BENCH_DIR = Path(__file__).resolve().parent
RESULTS_FILE = BENCH_DIR / "RESULTS-documents.md"
SEED = 20251124
BATCH = 2000
CHUNK = 2500  # documents generated (with their versions and events) per round of inserts
EMAIL_DOMAIN = "bench.example"
BENCH_EMAIL = f"bench.member@{EMAIL_DOMAIN}"
BENCH_GROUPS = ("WG1", "WG2", "WG3")
MEMORY_MARKER = "[bench-memory]"  # title prefix of the documents the memory runs create
MB = 1024 * 1024


# --- Command line and Django ----------------------------------------------------------------

def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench.documents",
        description="Server time of the group space and the public archive on PostgreSQL "
                    "with a large data set; server memory of uploads and downloads.",
    )
    parser.add_argument("--documents", type=int, default=50_000)
    parser.add_argument("--versions", type=int, default=3, help="versions per document")
    parser.add_argument("--users", type=int, default=300)
    parser.add_argument("--requests", type=int, default=30,
                        help="timed repetitions of each request (after one warm-up)")
    parser.add_argument("--fresh", action="store_true",
                        help="rebuild the data set even when one of that size exists")
    parser.add_argument("--explain-over", type=float, default=300.0, metavar="MS",
                        help="EXPLAIN ANALYZE the slowest query of every request whose p95 "
                        "exceeds MS milliseconds (0: of every request); default 300")
    parser.add_argument("--upload-mb", type=int, default=50,
                        help="size of the uploaded file in MiB (default 50, the default "
                        "upload limit DOCUMENT_MAX_UPLOAD_MB, which the limit accepts)")
    parser.add_argument("--download-mb", type=int, default=100,
                        help="size of the downloaded version in MiB (default 100)")
    parser.add_argument("--no-memory", action="store_true",
                        help="skip the upload and download measurements")
    parser.add_argument("--no-write", action="store_true",
                        help="print the results without writing bench/RESULTS-documents.md")
    args = parser.parse_args(argv)
    if (args.documents < 100 or args.versions < 2 or args.users < 30 or args.requests < 1
            or args.upload_mb < 1 or args.download_mb < 1):
        parser.error("need at least 100 documents, 2 versions, 30 users, 1 request, 1 MiB")
    return args


def database_settings() -> dict:
    from django.conf import settings

    db = settings.DATABASES["default"]
    if db["ENGINE"] != "django.db.backends.postgresql":
        sys.exit(
            f"This benchmark runs on PostgreSQL only; the database is {db['ENGINE']}.\n"
            "Set DATABASE_URL, e.g.\n"
            "  DATABASE_URL=postgres://postgres@127.0.0.1:5432/clusterpolicy_bench "
            ".venv/bin/python -m bench.documents"
        )
    if "bench" not in db["NAME"]:
        sys.exit(
            f"Refusing to use the database {db['NAME']!r}: the benchmark empties the document "
            "and working-group tables and bulk-loads its own, so it only runs on a database "
            "whose name contains 'bench' (e.g. clusterpolicy_bench)."
        )
    return db


# --- The data set ----------------------------------------------------------------------------

GROUP_WEIGHTS = {"WG1": 22, "WG2": 18, "WG3": 17, "WG4": 15, "WG5": 15, "WG6": 13}
# category → (weight, Romanian title prefix, English title prefix)
CATEGORIES = {
    "policy-guide": (10, "Ghid de politici privind", "Policy guide on"),
    "swot": (10, "Analiza SWOT:", "SWOT analysis:"),
    "evaluation": (8, "Raport de evaluare privind", "Evaluation report on"),
    "foresight": (5, "Studiu de prospectivă:", "Foresight study:"),
    "study-visit": (9, "Raportul vizitei de studiu:", "Study-visit report:"),
    "benchmarking": (6, "Benchmarking:", "Benchmarking:"),
    "good-practice": (12, "Bună practică:", "Good practice:"),
    "strategy-plan": (8, "Planul strategic pentru", "Strategy plan for"),
    "training": (7, "Material de formare:", "Training material:"),
    "minutes": (20, "Minuta ședinței despre", "Minutes of the meeting on"),
    "other": (5, "Notă de lucru:", "Working note:"),
}
TOPICS = [
    ("internaționalizarea clusterelor", "the internationalisation of clusters"),
    ("specializarea inteligentă regională", "regional smart specialisation"),
    ("economia circulară în industria lemnului", "the circular economy in the wood industry"),
    ("digitalizarea IMM-urilor", "the digitalisation of SMEs"),
    ("transferul tehnologic și inovarea", "technology transfer and innovation"),
    ("finanțarea inovării prin fonduri europene", "financing innovation with EU funds"),
    ("lanțurile valorice regionale", "regional value chains"),
    ("eficiența energetică a clădirilor publice", "the energy efficiency of public buildings"),
    ("formarea profesională în turism", "vocational training in tourism"),
    ("colaborarea dintre universități și firme", "university-business collaboration"),
    ("guvernanța clusterelor", "cluster governance"),
    ("mobilitatea electrică și logistica urbană", "electric mobility and urban logistics"),
    ("bioeconomia și agricultura ecologică", "the bioeconomy and organic farming"),
    ("securitatea cibernetică în administrație", "cybersecurity in public administration"),
]
PLACES = ["Nord-Est", "Centru", "Sud-Muntenia", "București-Ilfov", "Vest", "Nord-Vest",
          "Sud-Est", "Sud-Vest Oltenia", "Republica Moldova", "Bulgaria", "Brașov", "Iași",
          "Timișoara", "Cluj-Napoca", "Constanța", "Chișinău", "Târgu Mureș", "Suceava"]
SENTENCES = [
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
    "Textul trebuie validat de coordonatorii grupului înainte de publicare.",
    "Bugetul estimat și sursele de finanțare sunt detaliate în ultimul capitol.",
]
TAGS = ["SWOT", "Nord-Est", "energie", "inovare", "digitalizare", "turism", "ESCA",
        "finanțare", "politici publice", "Interreg", "economie circulară", "IMM", "formare",
        "transfer tehnologic", "Moldova", "Bulgaria", "Brașov", "monitorizare"]
NOTES = ["Comentariile de la întâlnirea din Iași", "Capitolul 3 rescris după consultare",
         "Corecturi de formă și diacritice", "Date actualizate pentru 2025",
         "Anexa cu indicatori adăugată", "Observațiile coordonatorului integrate",
         "Traducere revizuită", "Tabelele financiare corectate", "Versiune pentru validare"]
# extension → (weight, content type); the comparable ones (documents.text) get extracted text
EXTENSIONS = {
    "pdf": (45, "application/pdf"),
    "docx": (25, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    "xlsx": (8, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "pptx": (8, "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
    "odt": (4, "application/vnd.oasis.opendocument.text"),
    "md": (3, "text/markdown; charset=utf-8"),
    "zip": (4, "application/zip"),
    "png": (3, "image/png"),
}
COMPARABLE = {"pdf", "docx", "odt", "txt", "md", "csv"}
FIRST_NAMES = ["Andrei", "Ana", "Ștefan", "Ioana", "Mihai", "Elena", "Bogdan", "Cristina",
               "Răzvan", "Irina", "Tudor", "Oana", "Florin", "Mădălina", "Gheorghe",
               "Alexandra", "Radu", "Simona", "Cătălin", "Roxana", "Dragoș", "Laura", "Vlad",
               "Anca", "Ionuț", "Diana", "Petru", "Iulia"]
LAST_NAMES = ["Popescu", "Ionescu", "Mureșan", "Țurcanu", "Stănescu", "Dumitrescu",
              "Constantinescu", "Munteanu", "Păun", "Lungu", "Ciobanu", "Rusu", "Marinescu",
              "Șerban", "Bălan", "Nistor", "Tănase", "Vasilescu", "Georgescu", "Cojocaru",
              "Moldovan", "Bîrsan"]
ORGANISATIONS = ["ADR Nord-Est", "ADR Centru", "Universitatea Transilvania din Brașov",
                 "Clusterul Mobilier Transilvan", "Agenția pentru Inovare Chișinău",
                 "Primăria Municipiului Iași", "Camera de Comerț Constanța",
                 "Clusterul Regional Agro-Food", "Institutul de Cercetare Timișoara",
                 "Ministerul Investițiilor și Proiectelor Europene", "Asociația ROSENC",
                 "Bulgarian Cluster Association"]


def owned_models() -> list:
    """The tables the script empties: documents and working-group memberships and requests
    (never the six groups, which come from a migration)."""
    from documents.models import Document, DocumentEvent, DocumentVersion
    from workinggroups.models import JoinRequest, Membership

    return [DocumentEvent, DocumentVersion, Document, JoinRequest, Membership]


def dataset_present(args: argparse.Namespace) -> bool:
    from accounts.models import User
    from documents.models import Document, DocumentVersion
    from workinggroups.models import Membership

    bench_groups = set(Membership.objects.filter(user__email=BENCH_EMAIL, role="member")
                       .values_list("group__code", flat=True))
    # bench.production adds documents of its own ("[bench-history] ..."): not counted.
    ours = Document.objects.exclude(title__startswith="[bench-")
    return (ours.count() == args.documents
            and DocumentVersion.objects.filter(document__in=ours).count()
            == args.documents * args.versions
            and Document.objects.filter(published_version__isnull=False).exists()
            and User.objects.filter(email__endswith=f"@{EMAIL_DOMAIN}").count() == args.users
            and bench_groups == set(BENCH_GROUPS))


def wipe() -> None:
    """Empty the tables the script owns, then delete the benchmark's users. CASCADE: later
    apps link to documents (good practices), and those links go with them; database_settings()
    only lets this run on a database whose name contains 'bench'."""
    from django.db import connection

    from accounts.models import User

    tables = ", ".join(connection.ops.quote_name(m._meta.db_table) for m in owned_models())
    with connection.cursor() as cur:
        cur.execute(f"TRUNCATE {tables} RESTART IDENTITY CASCADE")
    User.objects.filter(email__endswith=f"@{EMAIL_DOMAIN}").delete()


def weighted(rng: random.Random, weights: dict):
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def make_users(rng: random.Random, count: int, now) -> list:
    from django.contrib.auth.hashers import make_password

    from accounts.models import User

    users = []
    for i in range(count):
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        email = BENCH_EMAIL if i == 0 else f"user{i:04d}@{EMAIL_DOMAIN}"
        joined = now - timedelta(days=400 + rng.randrange(1000))
        users.append(User(
            email=email, full_name=f"{first} {last}" if i else "Benchmark Membru Simplu",
            organisation=rng.choice(ORGANISATIONS), country=rng.choice(["RO", "RO", "MD", "BG"]),
            requested_role=User.RequestedRole.WORKING_GROUP_MEMBER, language="ro",
            status=User.Status.APPROVED, status_changed_at=joined,
            password=make_password(None), date_joined=joined,
        ))
    return User.objects.bulk_create(users, batch_size=BATCH)


def make_memberships(rng: random.Random, users: list, groups: dict) -> dict:
    """Each user in 1-3 groups, two coordinators per group; the benchmark user (users[0]) a
    plain member of WG1, WG2 and WG3. Returns {group code: [member users]} and coordinators."""
    from workinggroups.models import Membership

    notify = {Membership.Notify.IMMEDIATELY: 60, Membership.Notify.DAILY: 25,
              Membership.Notify.NONE: 15}
    of_group: dict[str, list] = {code: [] for code in groups}
    rows = []
    for n, user in enumerate(users):
        if n == 0:
            codes = list(BENCH_GROUPS)
        else:
            wanted = rng.choices([1, 2, 3], weights=[50, 35, 15])[0]
            codes = set()
            while len(codes) < wanted:
                codes.add(weighted(rng, GROUP_WEIGHTS))
            codes = sorted(codes)
        for code in codes:
            of_group[code].append(user)
            rows.append(Membership(
                group=groups[code], user=user, role=Membership.Role.MEMBER,
                notify=Membership.Notify.IMMEDIATELY if n == 0 else weighted(rng, notify),
                joined_at=user.date_joined + timedelta(days=rng.randrange(60))))
    coordinators: dict[str, list] = {}
    for code, members in of_group.items():
        chosen = rng.sample([u for u in members if u is not users[0]], 2)
        coordinators[code] = chosen
        for row in rows:
            if row.group_id == groups[code].pk and row.user in chosen:
                row.role = Membership.Role.COORDINATOR
    Membership.objects.bulk_create(rows, batch_size=BATCH)
    return {"members": of_group, "coordinators": coordinators}


def paragraph_pool(rng: random.Random) -> list[str]:
    pool = []
    for _ in range(300):
        pool.append(" ".join(rng.sample(SENTENCES, rng.randint(3, 7))))
    return pool


def version_text(rng: random.Random, pool: list[str]) -> str:
    """Extracted text of a published version: a few KB to ~150 KB (median ~12 KB)."""
    wanted = min(150_000, int(rng.lognormvariate(9.4, 0.9)))
    parts, size = [], 0
    while size < wanted:
        part = rng.choice(pool)
        parts.append(part)
        size += len(part) + 2
    return "\n\n".join(parts)


class Clock:
    """Moments after `start`, never after `now`."""

    def __init__(self, rng: random.Random, now):
        self.rng, self.now = rng, now

    def after(self, moment, mean_days: float):
        later = moment + timedelta(seconds=self.rng.expovariate(1 / (mean_days * 86400)))
        return min(later, self.now - timedelta(seconds=self.rng.randrange(60, 3600)))

    def between(self, start, end):
        if end <= start:
            return start
        return start + (end - start) * self.rng.random()


def generate(args: argparse.Namespace) -> None:
    from django.core.management.color import no_style
    from django.db import connection, transaction
    from django.utils import timezone

    from core.text import fold
    from documents.models import Document, DocumentEvent, DocumentVersion
    from workinggroups.models import WorkingGroup

    rng = random.Random(SEED)  # noqa: S311  (test data, not security)
    now = timezone.now()
    clock = Clock(rng, now)
    groups = {g.code: g for g in WorkingGroup.objects.all()}
    if set(groups) != set(GROUP_WEIGHTS):
        sys.exit(f"Expected the six groups WG1..WG6 (migration workinggroups/0002), found "
                 f"{sorted(groups)}")
    status_label = {value: str(label) for value, label in Document.Status.choices}
    Action = DocumentEvent.Action
    pool = paragraph_pool(rng)
    category_weights = {k: v[0] for k, v in CATEGORIES.items()}
    ext_weights = {k: v[0] for k, v in EXTENSIONS.items()}
    span_seconds = 4 * 365 * 86400

    with transaction.atomic():
        wipe()
        users = make_users(rng, args.users, now)
        people = make_memberships(rng, users, groups)
        members, coordinators = people["members"], people["coordinators"]

        version_id = 0
        documents, versions, events = [], [], []

        def event(document, user, action, at, version=None, detail=""):
            # Explicit ids (the tables were emptied with RESTART IDENTITY), like the others.
            events.append(DocumentEvent(pk=len(events) + event_base[0] + 1,
                                        document_id=document.pk,
                                        version_id=version.pk if version else None,
                                        user_id=user.pk if user else None,
                                        action=action, detail=detail, at=at))

        event_base = [0]
        for first in range(0, args.documents, CHUNK):
            for doc_id in range(first + 1, min(first + CHUNK, args.documents) + 1):
                code = weighted(rng, GROUP_WEIGHTS)
                group, team = groups[code], members[code]
                category = weighted(rng, category_weights)
                language = rng.choices(["ro", "en", "other"], weights=[75, 20, 5])[0]
                topic_ro, topic_en = rng.choice(TOPICS)
                place = rng.choice(PLACES)
                prefix_ro, prefix_en = CATEGORIES[category][1:]
                if language == "en":
                    title = f"{prefix_en} {topic_en} ({place})"
                else:
                    title = f"{prefix_ro} {topic_ro} ({place})"
                description = " ".join(rng.sample(SENTENCES, rng.randint(1, 3)))
                tags = ", ".join(rng.sample(TAGS, rng.randint(0, 4)))
                created_at = now - timedelta(seconds=rng.randrange(86400, span_seconds))
                creator = rng.choice(team)
                document = Document(
                    pk=doc_id, group=group, title=title, description=description,
                    category=category, language=language, tags=tags,
                    status=rng.choices(["draft", "review", "final"], weights=[45, 25, 30])[0],
                    created_by=creator, created_at=created_at,
                    search_text=fold(" ".join([title, description, tags])),  # as save() does
                )
                event(document, creator, Action.CREATED, created_at)

                ext = weighted(rng, ext_weights)
                content_type = EXTENSIONS[ext][1]
                stem = title.replace(":", "").replace("/", "-")[:90]
                base_size = int(min(45 * MB, max(2048, rng.lognormvariate(12.8, 1.2))))
                doc_versions = []
                at = created_at
                restore = rng.random() < 0.03
                for number in range(1, args.versions + 1):
                    version_id += 1
                    if number > 1:
                        at = clock.after(at, 20)
                    uploader = creator if number == 1 else rng.choice(team)
                    restored_from = doc_versions[0] if restore and number == args.versions \
                        else None
                    source = restored_from
                    version = DocumentVersion(
                        pk=version_id, document_id=doc_id, number=number,
                        original_filename=(source.original_filename if source
                                           else f"{stem} v{number}.{ext}"),
                        size=source.size if source else int(base_size * rng.uniform(0.8, 1.2)),
                        content_type=content_type,
                        sha256=source.sha256 if source else f"{rng.getrandbits(256):064x}",
                        note=("Versiunea 1 restaurată" if source
                              else rng.choice(NOTES) if number > 1
                              else rng.choice(["", "Prima variantă"])),
                        restored_from=restored_from, uploaded_by=uploader, created_at=at,
                    )
                    # A stored name that is never written: lists must not touch storage.
                    version.file.name = (f"documents/{group.pk}/{doc_id}/"
                                         f"{rng.getrandbits(128):032x}")
                    doc_versions.append(version)
                    if source:
                        event(document, uploader, Action.RESTORED, at, version,
                              f"v{source.number} → v{number}")
                    else:
                        event(document, uploader, Action.UPLOADED, at, version, f"v{number}")
                versions.extend(doc_versions)
                activity = doc_versions[-1].created_at
                coordinator = rng.choice(coordinators[code])

                published = None
                if document.status in ("review", "final"):
                    review_at = clock.between(created_at, activity)
                    event(document, rng.choice(team), Action.STATUS, review_at,
                          detail=f"{status_label['draft']} → {status_label['review']}")
                    activity = max(activity, review_at)
                if document.status == "final":
                    early = rng.random() < 0.15  # published before the last version
                    if early:
                        final_at = clock.between(doc_versions[-2].created_at, activity)
                        published = doc_versions[-2]
                    else:
                        final_at = clock.after(activity, 5)
                        published = doc_versions[-1]
                    event(document, coordinator, Action.STATUS, final_at,
                          detail=f"{status_label['review']} → {status_label['final']}")
                    activity = max(activity, final_at)
                    if rng.random() < 0.7:
                        published_at = (clock.between(final_at, doc_versions[-1].created_at)
                                        if early else clock.after(final_at, 3))
                        document.published_version_id = published.pk
                        document.published_at = published_at
                        event(document, coordinator, Action.PUBLISHED, published_at, published,
                              f"v{published.number}")
                        activity = max(activity, published_at)
                        if published.extension in COMPARABLE:
                            published.text = version_text(rng, pool)
                        for _ in range(rng.choice([0, 0, 1, 1, 2, 3])):
                            when = clock.after(published_at, 60)
                            event(document, None if rng.random() < 0.7 else rng.choice(team),
                                  Action.DOWNLOADED, when, published, f"v{published.number}")
                    else:
                        published = None
                document.activity_at = activity
                if rng.random() < 0.1:
                    event(document, rng.choice(team), Action.EDITED,
                          clock.between(created_at, activity), detail="description, tags")
                roll = rng.random()
                if roll < 0.03:  # in the trash: gone from the archive, activity not bumped
                    document.trashed_at = clock.after(activity, 10)
                    document.trashed_by = rng.choice([creator, coordinator])
                    document.published_version_id = document.published_at = None
                    event(document, document.trashed_by, Action.TRASHED, document.trashed_at)
                elif roll < 0.05:  # checked out by a member
                    document.locked_by = rng.choice(team)
                    document.locked_at = now - timedelta(seconds=rng.randrange(60, 10 * 86400))
                    event(document, document.locked_by, Action.LOCKED, document.locked_at)
                documents.append(document)

            # Documents first: their published_version constraint is deferred to the commit.
            Document.objects.bulk_create(documents, batch_size=BATCH)
            DocumentVersion.objects.bulk_create(versions, batch_size=BATCH)
            DocumentEvent.objects.bulk_create(events, batch_size=BATCH)
            event_base[0] += len(events)
            documents.clear()
            versions.clear()
            events.clear()

        with connection.cursor() as cur:
            for statement in connection.ops.sequence_reset_sql(
                    no_style(), [Document, DocumentVersion, DocumentEvent]):
                cur.execute(statement)


def vacuum_analyze() -> None:
    from django.db import connection

    from accounts.models import User

    tables = [m._meta.db_table for m in owned_models()] + [User._meta.db_table]
    with connection.cursor() as cur:  # autocommit: VACUUM cannot run in a transaction
        cur.execute("VACUUM (ANALYZE) " + ", ".join(connection.ops.quote_name(t)
                                                    for t in tables))


def dataset_summary() -> str:
    from django.db.models import Count

    from documents.models import Document, DocumentEvent, DocumentVersion
    from workinggroups.models import Membership

    docs = Document.objects.aggregate(total=Count("pk"), published=Count("published_version"),
                                      trashed=Count("trashed_at"), locked=Count("locked_by"))
    per_group = dict(Document.objects.values_list("group__code").annotate(n=Count("pk"))
                     .order_by("group__code"))
    return (f"{docs['total']:,} documents ({', '.join(f'{k} {v:,}' for k, v in per_group.items())}"
            f"; {docs['published']:,} published, {docs['trashed']:,} in the trash, "
            f"{docs['locked']:,} checked out), {DocumentVersion.objects.count():,} versions, "
            f"{DocumentEvent.objects.count():,} audit events, "
            f"{Membership.objects.count():,} memberships")


# --- The requests ----------------------------------------------------------------------------

@dataclass
class Scenario:
    name: str
    page: str  # "group" (the group space), "archive", "member detail", "public detail"
    url: str
    params: dict[str, str] = field(default_factory=dict)
    matches: int | None = None
    queries: int = 0
    storage_calls: int = 0
    samples: list[float] = field(default_factory=list)  # seconds
    slowest_sql: str = ""
    slowest_ms: float = 0.0
    sql_ms: float = 0.0  # all the request's queries, in the untimed run
    plan: str = ""

    @property
    def path(self) -> str:
        return self.url + (f"?{urlencode(self.params)}" if self.params else "")

    @property
    def anonymous(self) -> bool:
        return self.page in ("archive", "public detail")


def scenarios(bench_user) -> list[Scenario]:
    import math

    from documents import selectors
    from documents import views as document_views
    from documents.models import Document
    from workinggroups import views as group_views
    from workinggroups.models import WorkingGroup

    group = WorkingGroup.objects.get(code="WG1")
    space = group.get_absolute_url()
    in_space = selectors.group_space_documents(bench_user, group).count()
    space_last = math.ceil(in_space / group_views.DOCUMENTS_PAGE_SIZE)
    published = selectors.public_archive().count()
    archive_last = math.ceil(published / document_views.ARCHIVE_PAGE_SIZE)
    years = selectors.archive_years()
    year = str(years[1] if len(years) > 1 else years[0])
    document = (Document.objects.filter(group=group, trashed_at__isnull=True,
                                        locked_by__isnull=True, published_version__isnull=False)
                .order_by("pk").first())
    if document is None:
        sys.exit("No published document in WG1: the data set is too small.")
    detail = document.get_absolute_url()
    return [
        Scenario("group space, first page", "group", space),
        Scenario("group space, page 100", "group", space, {"page": "100"}),
        Scenario("group space, last page", "group", space, {"page": str(space_last)}),
        Scenario("group space, status review", "group", space, {"status": "review"}),
        Scenario("group space, search (no accents)", "group", space,
                 {"search": "swot nord-est"}),
        Scenario("group space, final + search", "group", space,
                 {"status": "final", "search": "circulara"}),
        Scenario("document page, member", "member detail", detail),
        Scenario("document page, anonymous", "public detail", detail),
        Scenario("archive, first page", "archive", "/documents/"),
        Scenario("archive, page 250", "archive", "/documents/", {"page": "250"}),
        Scenario("archive, last page", "archive", "/documents/", {"page": str(archive_last)}),
        Scenario("archive, group", "archive", "/documents/", {"group": "WG2"}),
        Scenario("archive, category", "archive", "/documents/", {"category": "good-practice"}),
        Scenario("archive, year", "archive", "/documents/", {"year": year}),
        Scenario("archive, search (no accents)", "archive", "/documents/",
                 {"q": "economia circulara"}),
        Scenario("archive, combination", "archive", "/documents/",
                 {"q": "brasov", "group": "WG1", "category": "minutes", "year": year}),
    ]


def check_filters(scenario: Scenario, bench_user) -> None:
    """Every filter must be valid (an invalid one is ignored, or gives an empty, meaninglessly
    fast page); record how many rows the request matches."""
    from django.http import QueryDict

    from documents import selectors
    from documents.forms import ArchiveFilterForm
    from documents.models import Document
    from workinggroups.forms import DocumentFilterForm
    from workinggroups.models import WorkingGroup

    params = QueryDict(mutable=True)
    params.update({k: v for k, v in scenario.params.items() if k != "page"})
    if scenario.page == "group":
        form = DocumentFilterForm(params)
        if params and not form.is_valid():
            sys.exit(f"{scenario.name}: invalid filters {dict(form.errors)}")
        filters = form.filters() if params else {"status": None, "search": ""}
        group = WorkingGroup.objects.get(code="WG1")
        scenario.matches = selectors.group_space_documents(bench_user, group, **filters).count()
    elif scenario.page == "archive":
        form = ArchiveFilterForm(params, years=selectors.archive_years())
        if not form.is_valid():
            sys.exit(f"{scenario.name}: invalid filters {dict(form.errors)}")
        filters = form.filters()
        if sum(1 for v in filters.values() if v) != len(params):
            sys.exit(f"{scenario.name}: a filter was dropped: {filters}")
        scenario.matches = selectors.public_archive(**filters).count()
    else:
        pk = int(scenario.url.strip("/").rsplit("/", 1)[-1])
        document = Document.objects.get(pk=pk)
        scenario.matches = (document.versions.count() if scenario.page == "member detail"
                            else int(document.is_published))
    if not scenario.matches:
        sys.exit(f"{scenario.name}: matches no row; the measurement would be meaningless")


def get(client, path: str):
    response = client.get(path)
    if response.status_code != 200:
        sys.exit(f"GET {path} answered {response.status_code}, not 200")
    return response


def check_page(scenario: Scenario, response) -> None:
    """The page lists documents (list pages) or its versions (a member's document page)."""
    import re

    html = response.content.decode()
    if scenario.page in ("group", "archive"):
        found = len(re.findall(r'href="/documents/\d+/"', html))
    elif scenario.page == "member detail":
        found = len(re.findall(r'<tr id="v\d+"', html))
    else:
        found = len(re.findall(r"/versions/\d+/download/", html))
    if not found:
        sys.exit(f"{scenario.name}: {scenario.path} answered 200 but shows no document")


@contextmanager
def storage_calls() -> Iterator[list[str]]:
    """Count the calls to the default storage's methods (a list page must make none)."""
    from contextlib import ExitStack

    from django.core.files.storage import storages

    default = storages["default"]  # what default_storage wraps
    cls = type(default)
    calls: list[str] = []
    with ExitStack() as stack:
        for name in ("open", "exists", "size", "url", "path", "listdir", "save", "delete",
                     "get_modified_time", "get_created_time", "get_accessed_time"):
            original = getattr(cls, name, None)
            if original is None:
                continue

            def wrapper(self, *args, _original=original, _name=name, **kwargs):
                if self is default:  # not the static files' storage, a subclass
                    calls.append(_name)
                return _original(self, *args, **kwargs)

            stack.enter_context(mock.patch.object(cls, name, wrapper))
        yield calls


def measure(scenario: Scenario, client, repeats: int) -> None:
    check_page(scenario, get(client, scenario.path))  # warm-up (templates, caches, plans)
    with storage_calls() as calls:
        timed = count_queries(client, scenario.path)
    scenario.storage_calls = len(calls)
    scenario.queries = len(timed)
    scenario.sql_ms = sum(t for t, _sql in timed) * 1000
    if timed:
        slowest, scenario.slowest_sql = max(timed, key=lambda q: q[0])
        scenario.slowest_ms = slowest * 1000
    for _ in range(repeats):
        start = time.perf_counter()
        get(client, scenario.path)
        scenario.samples.append(time.perf_counter() - start)


def page_size_queries(member, anonymous, space: str) -> dict[str, dict[int, int]]:
    """Queries of the first page at several page sizes: equal when nothing is per row."""
    from documents import views as document_views
    from workinggroups import views as group_views

    counts: dict[str, dict[int, int]] = {"Group space": {}, "Public archive": {}}
    for size in (5, 20, 50):
        with mock.patch.object(group_views, "DOCUMENTS_PAGE_SIZE", size):
            get(member, space)
            counts["Group space"][size] = len(count_queries(member, space))
        with mock.patch.object(document_views, "ARCHIVE_PAGE_SIZE", size):
            get(anonymous, "/documents/")
            counts["Public archive"][size] = len(count_queries(anonymous, "/documents/"))
    return counts


# --- Uploads and downloads in a server process ------------------------------------------------

@dataclass
class Transfer:
    name: str
    via: str
    size: int  # bytes of the file
    status: int = 0
    seconds: float = 0.0
    rss_before: int = 0  # kB
    hwm_after: int = 0  # kB: the worker's peak resident memory
    rss_after: int = 0  # kB
    hwm_reset: bool = False  # VmHWM was reset after the warm-up (else: since the start)

    @property
    def growth_mb(self) -> float:
        return (self.hwm_after - self.rss_before) / 1024


def write_file(path: Path, size: int) -> str:
    """A real ZIP archive of about `size` bytes (stored, incompressible members, so it passes
    the upload checks of documents.uploads); returns its SHA-256."""
    path.parent.mkdir(parents=True, exist_ok=True)
    member = 8 * MB
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_STORED) as archive:
        n, written = 0, 0
        while written < size:
            length = max(1, min(member, size - written - 200))  # headers: ~100 bytes each
            with archive.open(f"data/part-{n:04d}.bin", "w", force_zip64=True) as out:
                remaining = length
                while remaining:
                    chunk = os.urandom(min(MB, remaining))
                    out.write(chunk)
                    remaining -= len(chunk)
            written += length + 200
            n += 1
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(MB), b""):
            digest.update(chunk)
    return digest.hexdigest()


def multipart(fields: dict[str, str], filename: str, path: Path,
              content_type: str = "application/zip") -> tuple[str, int, Iterator[bytes]]:
    """A multipart/form-data body streamed from disk: (content type, length, chunks)."""
    boundary = f"bench{os.urandom(12).hex()}"
    head = b"".join(
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
        .encode() for name, value in fields.items())
    head += (f'--{boundary}\r\nContent-Disposition: form-data; name="file"; '
             f'filename="{filename}"\r\nContent-Type: {content_type}\r\n\r\n').encode()
    tail = f"\r\n--{boundary}--\r\n".encode()

    def chunks() -> Iterator[bytes]:
        yield head
        with path.open("rb") as source:
            while chunk := source.read(256 * 1024):
                yield chunk
        yield tail

    return (f"multipart/form-data; boundary={boundary}",
            len(head) + path.stat().st_size + len(tail), chunks())


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    size: int
    sha256: str
    body: bytes  # the first 64 KiB


def send(port: int, method: str, path: str, headers: dict[str, str] | None = None,
         body: tuple[str, int, Iterator[bytes]] | None = None) -> Answer:
    """One HTTP request to the server; the answer is read in 1 MiB chunks and not kept."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    try:
        conn.putrequest(method, path, skip_accept_encoding=True)
        for name, value in (headers or {}).items():
            conn.putheader(name, value)
        if body is not None:
            conn.putheader("Content-Type", body[0])
            conn.putheader("Content-Length", str(body[1]))
        conn.endheaders()
        if body is not None:
            try:
                for chunk in body[2]:
                    conn.send(chunk)
            except (BrokenPipeError, ConnectionResetError):
                pass  # answered before the whole body was sent: the answer says why
        response = conn.getresponse()
        digest, size, kept = hashlib.sha256(), 0, b""
        while chunk := response.read(MB):
            digest.update(chunk)
            size += len(chunk)
            if len(kept) < 65536:
                kept += chunk[: 65536 - len(kept)]
        return Answer(response.status, dict(response.getheaders()), size, digest.hexdigest(),
                      kept)
    finally:
        conn.close()


def proc_status(pid: int) -> dict[str, int]:
    """VmRSS and VmHWM of a process, in kB."""
    values = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            values[key] = int(value.split()[0])
    return values


def reset_peak(pid: int) -> bool:
    """Reset the process's VmHWM to its current VmRSS (Linux >= 4.0)."""
    try:
        Path(f"/proc/{pid}/clear_refs").write_text("5")
    except OSError:
        return False
    return True


def children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Server:
    port: int
    process: subprocess.Popen
    worker: int
    log: Path


def server_env(tmp: Path, limit_mb: int) -> dict[str, str]:
    return {
        **os.environ,
        "DEBUG": "false",
        "MEDIA_ROOT": str(tmp / "media"),
        "TMPDIR": str(tmp),  # Django's temporary upload files, on the same file system
        "DOCUMENT_MAX_UPLOAD_MB": str(limit_mb),
        "EMAIL_URL": "dummymail://",  # the upload's notifications are queued, not printed
        "CELERY_BROKER_URL": "",  # tasks in process (text extraction: none for a .zip)
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
    }


def gunicorn_command(port: int) -> list[str]:
    return [sys.executable, "-m", "gunicorn", "config.wsgi:application",
            "--bind", f"127.0.0.1:{port}", "--workers", "1", "--worker-class", "sync",
            "--timeout", "600", "--access-logfile", "-", "--error-logfile", "-"]


@contextmanager
def server(tmp: Path, limit_mb: int, name: str) -> Iterator[Server]:
    """gunicorn with one sync worker (the Docker image's server), started for one
    measurement and stopped after it."""
    port = free_port()
    log = tmp / f"gunicorn-{name}.log"
    with log.open("wb") as out:
        process = subprocess.Popen(gunicorn_command(port), cwd=BENCH_DIR.parent,  # noqa: S603
                                   env=server_env(tmp, limit_mb), stdout=out,
                                   stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                sys.exit(f"gunicorn stopped (exit {process.returncode}):\n"
                         f"{log.read_text(errors='replace')[-3000:]}")
            try:
                if send(port, "GET", "/api/v1/working-groups/",
                        {"Accept": "application/json"}).status == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                sys.exit(f"gunicorn did not answer within 60 s:\n"
                         f"{log.read_text(errors='replace')[-3000:]}")
            time.sleep(0.2)
        workers = children(process.pid)
        if len(workers) != 1:
            sys.exit(f"Expected one gunicorn worker, found {workers}")
        yield Server(port, process, workers[0], log)
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@dataclass
class Credentials:
    cookie: str
    csrf: str
    token: str


def credentials(bench_user) -> Credentials:
    from django.conf import settings
    from django.test import Client
    from django.utils.crypto import get_random_string
    from rest_framework.authtoken.models import Token

    client = Client()
    client.force_login(bench_user)  # a database session, which the server reads too
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    # A CSRF secret of our own: the cookie and the form field carry the same 32 characters.
    csrf = get_random_string(32)
    cookie = f"{settings.SESSION_COOKIE_NAME}={session}; {settings.CSRF_COOKIE_NAME}={csrf}"
    token = Token.objects.get_or_create(user=bench_user)[0].key
    return Credentials(cookie, csrf, token)


def web_upload(port: int, creds: Credentials, path: Path, title: str) -> Answer:
    fields = {"csrfmiddlewaretoken": creds.csrf, "title": title, "category": "other",
              "language": "ro", "description": "Încărcare de test (benchmark).", "tags": "",
              "note": ""}
    return send(port, "POST", "/documents/new/WG1/",
                {"Cookie": creds.cookie, "X-CSRFToken": creds.csrf},
                multipart(fields, "Arhivă de lucru.zip", path))


def api_upload(port: int, creds: Credentials, path: Path, title: str) -> Answer:
    fields = {"working_group": "WG1", "title": title, "category": "other", "language": "ro"}
    return send(port, "POST", "/api/v1/documents/",
                {"Authorization": f"Token {creds.token}", "Accept": "application/json"},
                multipart(fields, "Arhivă de lucru.zip", path))


def web_download(port: int, creds: Credentials, pk: int, number: int = 1) -> Answer:
    return send(port, "GET", f"/documents/{pk}/versions/{number}/download/",
                {"Cookie": creds.cookie})


def expect(answer: Answer, status: int, what: str) -> Answer:
    if answer.status != status:
        sys.exit(f"{what}: answered {answer.status}, expected {status}:\n"
                 f"{answer.body[:2000].decode(errors='replace')}")
    return answer


def create_big_version(tmp: Path, bench_user, size: int) -> tuple[int, str]:
    """A document in WG1 whose version 1 is a `size`-byte file, stored through the storage
    (not over HTTP: it is above the upload limit). Returns (document id, SHA-256)."""
    from django.core.files import File
    from django.core.files.storage import FileSystemStorage

    from documents.models import Document, DocumentVersion, version_path
    from workinggroups.models import WorkingGroup

    source = tmp / "source" / "download.zip"
    sha256 = write_file(source, size)
    document = Document(group=WorkingGroup.objects.get(code="WG1"), created_by=bench_user,
                        title=f"{MEMORY_MARKER} Arhivă de descărcat ({size // MB} MB)",
                        category="other")
    document.save()
    storage = FileSystemStorage(location=tmp / "media")  # the server's MEDIA_ROOT
    with source.open("rb") as handle:
        name = storage.save(version_path(DocumentVersion(document=document), ""), File(handle))
    source.unlink()
    version = DocumentVersion(document=document, number=1, size=size, sha256=sha256,
                              original_filename="Arhivă proiect.zip",
                              content_type="application/zip", uploaded_by=bench_user)
    version.file.name = name
    version.save()
    document.activity_at = version.created_at
    document.save(update_fields=["activity_at"])
    return document.pk, sha256


def remove_memory_documents() -> int:
    """Delete the documents the memory measurements created (as documents.services
    .document_purge does) and the e-mails queued for the benchmark's users."""
    from django.db import transaction

    from documents.models import Document, DocumentEvent, DocumentVersion
    from notifications.models import OutboxEmail

    ids = list(Document.objects.filter(title__startswith=MEMORY_MARKER)
               .values_list("pk", flat=True))
    if ids:
        with transaction.atomic():
            Document.objects.filter(pk__in=ids).update(published_version=None)
            DocumentEvent.objects.filter(document__in=ids).delete()
            versions = DocumentVersion.objects.filter(document__in=ids)
            versions.update(restored_from=None)
            versions.delete()  # a queryset delete: the instances' own delete() refuses
            Document.objects.filter(pk__in=ids).delete()
    OutboxEmail.objects.filter(to__endswith=f"@{EMAIL_DOMAIN}").delete()
    return len(ids)


def measure_transfers(args: argparse.Namespace, bench_user) -> tuple[list[Transfer], dict]:
    """Each measurement in its own server: warm-up (a small upload through the web form and
    the API, a small download), VmHWM reset, VmRSS read, the transfer, VmHWM and VmRSS read."""
    from django.conf import settings

    from documents.models import Document, DocumentVersion

    limit_mb = max(settings.DOCUMENT_MAX_UPLOAD_BYTES // MB, args.upload_mb)
    tmp = Path(tempfile.mkdtemp(prefix="bench-documents-"))
    info = {"limit_mb": limit_mb, "tmp": str(tmp)}
    try:
        (tmp / "media").mkdir()
        small = tmp / "source" / "small.zip"
        write_file(small, 4096)
        upload = tmp / "source" / "upload.zip"
        write_file(upload, args.upload_mb * MB)
        big_pk, big_sha = create_big_version(tmp, bench_user, args.download_mb * MB)
        creds = credentials(bench_user)
        plan = [
            Transfer("upload", "web form `POST /documents/new/WG1/`", args.upload_mb * MB),
            Transfer("upload", "API `POST /api/v1/documents/` (token)", args.upload_mb * MB),
            Transfer("download", f"web `GET /documents/{big_pk}/versions/1/download/`",
                     args.download_mb * MB),
        ]
        for n, transfer in enumerate(plan):
            with server(tmp, limit_mb, str(n)) as srv:
                warm = expect(web_upload(srv.port, creds, small, f"{MEMORY_MARKER} warm-up"),
                              302, "small upload (web form)")
                pk = int(warm.headers["Location"].rstrip("/").rsplit("/", 1)[-1])
                expect(api_upload(srv.port, creds, small, f"{MEMORY_MARKER} warm-up"), 201,
                       "small upload (API)")
                expect(web_download(srv.port, creds, pk), 200, "small download")
                transfer.hwm_reset = reset_peak(srv.worker)
                transfer.rss_before = proc_status(srv.worker)["VmRSS"]
                start = time.perf_counter()
                title = f"{MEMORY_MARKER} {args.upload_mb} MB"
                if transfer.name == "download":
                    answer = expect(web_download(srv.port, creds, big_pk), 200, "download")
                    if answer.size != transfer.size or answer.sha256 != big_sha:
                        sys.exit("The download differs from the stored file")
                elif transfer.via.startswith("web"):
                    answer = expect(web_upload(srv.port, creds, upload, title), 302, "upload")
                else:
                    answer = expect(api_upload(srv.port, creds, upload, title), 201, "upload")
                transfer.seconds = time.perf_counter() - start
                transfer.status = answer.status
                after = proc_status(srv.worker)
                transfer.hwm_after, transfer.rss_after = after["VmHWM"], after["VmRSS"]
            if transfer.name == "upload":
                stored = DocumentVersion.objects.filter(document__title=title).order_by("-pk")
                if [v.size for v in stored[:1]] != [transfer.size]:
                    sys.exit(f"The {args.upload_mb} MiB upload was not stored as a version")
                Document.objects.filter(title=title).update(title=f"{title} (done)")
            print(f"  {transfer.name} via {transfer.via.split('`')[0].strip():9} "
                  f"{transfer.seconds:6.2f} s, peak growth {transfer.growth_mb:6.1f} MB")
        import gunicorn

        info["gunicorn"] = gunicorn.__version__
        return plan, info
    finally:
        remove_memory_documents()
        shutil.rmtree(tmp, ignore_errors=True)


# --- The report ------------------------------------------------------------------------------

def results_table(items: list[Scenario]) -> str:
    lines = ["| Request | As | URL | Rows matched | SQL queries | Storage calls | Median ms "
             "| p95 ms | Max ms | SQL ms | Slowest query ms |",
             "|---|---|---|--:|--:|--:|--:|--:|--:|--:|--:|"]
    for s in items:
        who = "anonymous" if s.anonymous else "member"
        lines.append(f"| {s.name} | {who} | `{s.path}` | {s.matches} | {s.queries} "
                     f"| {s.storage_calls} | {ms(statistics.median(s.samples))} "
                     f"| {ms(percentile(s.samples, 95))} | {ms(max(s.samples))} "
                     f"| {s.sql_ms:.1f} | {s.slowest_ms:.1f} |")
    every = [t for s in items for t in s.samples]
    lines.append(f"| **all requests** | | | | | | **{ms(statistics.median(every))}** "
                 f"| **{ms(percentile(every, 95))}** | **{ms(max(every))}** | | |")
    return "\n".join(lines)


def transfers_table(transfers: list[Transfer]) -> str:
    lines = ["| Transfer | Through | File MiB | Answer | Time s | MiB/s | RSS before MB "
             "| Peak RSS MB | **Peak growth MB** | RSS after MB |",
             "|---|---|--:|--:|--:|--:|--:|--:|--:|--:|"]
    for t in transfers:
        lines.append(f"| {t.name} | {t.via} | {t.size / MB:.0f} | {t.status} "
                     f"| {t.seconds:.2f} | {t.size / MB / t.seconds:.0f} "
                     f"| {t.rss_before / 1024:.1f} | {t.hwm_after / 1024:.1f} "
                     f"| **{t.growth_mb:.1f}** | {t.rss_after / 1024:.1f} |")
    return "\n".join(lines)


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
    return f"{url}.venv/bin/python -m bench.documents {shlex.join(argv)}".strip()


def report(args, argv, items, per_page, data_note, summary, transfers, transfer_info) -> str:
    from django.conf import settings
    from django.utils import timezone

    out = [
        "# Working-group documents benchmark",
        "",
        f"- Date: {timezone.localtime():%Y-%m-%d %H:%M %Z}",
        *[f"- {k}: {v}" for k, v in machine_info()],
        f"- Code: {code_version()}",
        f"- Command: `{command_line(argv)}`",
        f"- Data set: {summary}; {args.users} users, the benchmark user a plain member of "
        f"{', '.join(BENCH_GROUPS)} ({data_note})",
        f"- Each request: 1 warm-up, 1 untimed run counting SQL queries and storage calls, "
        f"{args.requests} timed runs (django.test.Client, in process: server time without "
        "network). \"member\": logged in as the benchmark user; \"anonymous\": not logged in.",
        "",
        "## Server time per request",
        "",
        results_table(items),
        "",
        "p95 is the nearest-rank 95th percentile. \"SQL ms\" is the time of all the request's "
        "SQL queries and \"Slowest query ms\" that of its slowest one, both measured in the "
        "untimed counting run (the rest of the server time is Python: forms, pagination, "
        "template rendering). \"Storage calls\": calls to the default storage (open, exists, "
        "size, url, …) during that run; the versions' files do not exist, so a page that "
        "needed them would fail. The numbers are for comparison between runs, not limits.",
        "",
        "## SQL queries of the first page by page size",
        "",
        "| Page | 5 rows | 20 rows | 50 rows |",
        "|---|--:|--:|--:|",
        *[f"| {page} | " + " | ".join(str(v) for v in counts.values()) + " |"
          for page, counts in per_page.items()],
        "",
        "Equal numbers mean no query per row.",
        "",
    ]
    if transfers:
        peak_note = ("VmHWM reset (`/proc/<pid>/clear_refs`) after the warm-up"
                     if all(t.hwm_reset for t in transfers)
                     else "VmHWM could not be reset: the peak includes the warm-up")
        out += [
            "## Uploads and downloads: the server process's memory",
            "",
            transfers_table(transfers),
            "",
            f"Each transfer in a freshly started `gunicorn config.wsgi:application` "
            f"({transfer_info.get('gunicorn', '?')}, 1 sync worker, "
            f"{settings.SETTINGS_MODULE}, DEBUG off) on 127.0.0.1, logged in as the benchmark "
            "user (session cookie for the web form and the download, API token for the API). "
            "Warm-up first: a 4 KiB upload through the web form and the API and a 4 KiB "
            f"download; then {peak_note}. \"RSS before\": the worker's VmRSS just before the "
            "transfer; \"Peak RSS\": its VmHWM after it; \"Peak growth\" = Peak RSS - RSS "
            "before. Time: from the first byte sent to the last byte of the answer, measured "
            "by the client (Python's http.client, the request body streamed from disk in "
            "256 KiB chunks, the answer read in 1 MiB chunks and checked against the file's "
            "SHA-256).",
            "",
            f"The uploaded file is a ZIP archive (no text to extract) of exactly "
            f"{args.upload_mb} MiB; the upload limit was DOCUMENT_MAX_UPLOAD_MB="
            f"{transfer_info['limit_mb']}, which accepts a file of exactly that size. "
            f"FILE_UPLOAD_MAX_MEMORY_SIZE={settings.FILE_UPLOAD_MAX_MEMORY_SIZE:,} bytes "
            "(larger uploads go to a temporary file). Tasks ran in process "
            "(CELERY_BROKER_URL empty) and e-mail went to Django's dummy backend. The "
            f"{args.download_mb} MiB version was stored through the storage directly (it is "
            "above the upload limit). The files lived in a temporary directory (MEDIA_ROOT and "
            "TMPDIR), removed afterwards with the documents these requests created.",
            "",
        ]
    out += slowest_sql_lines(items)
    findings = kept_findings(RESULTS_FILE)
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

    from accounts.models import User

    started = time.perf_counter()
    call_command("migrate", interactive=False, verbosity=0)
    if remove_memory_documents():
        print("Removed the documents an interrupted run left behind.")
    if not args.fresh and dataset_present(args):
        data_note = "reused"
        print("Data set of that size present: reused (--fresh rebuilds it).")
    else:
        print(f"Generating {args.documents:,} documents x {args.versions} versions, "
              f"{args.users} users...")
        generate(args)
        data_note = f"generated in {time.perf_counter() - started:.0f} s"
        print(f"  {data_note}")
    vacuum_analyze()
    summary = dataset_summary()
    print(f"  {summary}")

    bench_user = User.objects.get(email=BENCH_EMAIL)
    items = scenarios(bench_user)
    # The test client's host, and static files without collectstatic's manifest.
    with override_settings(
        ALLOWED_HOSTS=[*settings.ALLOWED_HOSTS, "testserver"],
        STORAGES={**settings.STORAGES, "staticfiles": {
            "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}},
    ):
        member, anonymous = Client(), Client()
        member.force_login(bench_user)
        for scenario in items:
            check_filters(scenario, bench_user)
            measure(scenario, anonymous if scenario.anonymous else member, args.requests)
            print(f"  {scenario.name:34} p95 {ms(percentile(scenario.samples, 95)):>8} ms")
        per_page = page_size_queries(member, anonymous, items[0].url)
    for scenario in items:
        if percentile(scenario.samples, 95) * 1000 > args.explain_over and scenario.slowest_sql:
            scenario.plan = explain(scenario.slowest_sql)

    transfers, transfer_info = [], {}
    if not args.no_memory:
        print("Uploads and downloads (one gunicorn server each)...")
        transfers, transfer_info = measure_transfers(args, bench_user)

    text = report(args, argv, items, per_page, data_note, summary, transfers, transfer_info)
    print()
    print(text)
    if not args.no_write:
        RESULTS_FILE.write_text(text, encoding="utf-8")
        print(f"Written to {RESULTS_FILE.relative_to(BENCH_DIR.parent)}")


if __name__ == "__main__":
    main()
