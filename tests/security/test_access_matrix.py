"""Access control, as one matrix (issue 8, "Attacks refused"): every URL pattern of the site is
classified here, and every private page and endpoint is requested by every role.

- `CASES` is the table: one or more cases per route name (a route whose answer depends on the
  object gets one case per kind of object, e.g. a published and an unpublished cluster), each
  with the roles allowed per HTTP method (`PUBLIC` = everyone) and, for objects some roles may
  not even know about, the roles that may *see* the object (`visible`): every other role gets a
  404, exactly like for an object that does not exist.
- A URL pattern the table does not name fails `test_every_url_pattern_is_classified`: add a
  case for it (the admin's own patterns are covered as a whole by `test_admin_*`).
- Every response to every role is searched for the secret titles (`SECRETS`) that role may not
  see: a leak on a public page, a list, a feed, an export or an error page fails the test.
- Pages are requested with a session (`force_login`), `/api/` endpoints with the role's
  `Authorization: Token` header, as clients of the real site would.

The world (users, groups, clusters, documents, events, reports...) is built once for the module
in a transaction rolled back at the end; each request runs in a savepoint rolled back after it,
so a POST never changes what the next test sees."""

import hashlib
import html
import io
import json
import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from django import forms
from django.contrib import admin
from django.contrib.auth.models import Group, Permission
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import transaction
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token

from accounts.models import User
from clusters import services as cluster_services
from clusters.models import Cluster, ClusterLabel, Country, Region, Sector
from documents import services as document_services
from documents.models import Document
from events import services as event_services
from events.models import CalendarFeedToken, Event
from goodpractices import services as practice_services
from goodpractices.models import GoodPractice
from institutions.models import Institution
from projects.models import (
    PROGRAMME_OFFICERS_GROUP,
    Competition,
    Project,
    StatusReport,
    StatusReportAttachment,
)
from tests.factories import UserFactory
from workinggroups import services as group_services
from workinggroups.models import JoinRequest, Membership, WorkingGroup

# --- Roles --------------------------------------------------------------------------------------

ROLES = (
    "anonymous",      # no session, no token
    "pending",        # signed up, not approved yet (a session or a token of theirs is refused)
    "plain",          # approved, no group, no cluster, no project
    "member_a",       # member of working group A (WG1)
    "coordinator_a",  # coordinator of working group A
    "member_b",       # member of working group B (WG2)
    "manager_x",      # manager of cluster X (unpublished), so a submitter of project P
    "manager_y",      # manager of cluster Y (published)
    "director",       # project P's director account (writes its status reports)
    "officer",        # programme officer: staff in the "Programme officers" group
    "staff",          # staff moderator: approved staff, no group, not a superuser
    "superuser",
)
APPROVED = frozenset(ROLES) - {"anonymous", "pending"}
STAFF = frozenset({"officer", "staff", "superuser"})  # staff are members of every group
GROUP_A = frozenset({"member_a", "coordinator_a"}) | STAFF
GROUP_A_COORD = frozenset({"coordinator_a"}) | STAFF
GROUPS_ANY = frozenset({"member_a", "coordinator_a", "member_b"}) | STAFF
CLUSTER_X = frozenset({"manager_x"}) | STAFF
CLUSTER_Y = frozenset({"manager_y"}) | STAFF
# Superusers pass guardian's object-permission check, so they may write reports too.
SUBMITTERS_P = frozenset({"director", "manager_x", "superuser"})
OFFICERS = frozenset({"officer", "superuser"})
REPORT_READERS = SUBMITTERS_P | OFFICERS
PUBLIC = "public"

# Secret markers in the titles of private objects, and who may see each one. No response to any
# other role may contain the marker.
SECRETS = {
    "Zsecret-doc-a": GROUP_A,            # a draft document of group A
    "Zsecret-trash-a": GROUP_A_COORD,    # a document in group A's trash
    "Zsecret-doc-b": GROUPS_ANY - {"member_a", "coordinator_a"},  # a draft of group B
    "Zsecret-cluster-x": CLUSTER_X,      # an unpublished cluster's profile
    "Zsecret-report-draft": REPORT_READERS,
    "Zsecret-report-submitted": REPORT_READERS,
    "Zsecret-event-a": GROUP_A,          # a group-only event of group A
    "Zsecret-practice-a": GROUP_A,       # a draft good practice of group A
    "Zsecret-institution": STAFF,        # an unpublished institution
}

PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00"
       b"\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N"
       b"\x00\x00\x00\x00IEND\xaeB`\x82")
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


# --- The world ------------------------------------------------------------------------------------

@dataclass
class World:
    users: dict
    tokens: dict
    o: SimpleNamespace = field(default_factory=SimpleNamespace)


def _txt(name="notes.txt", content=b"Analiza SWOT a regiunii"):
    return SimpleUploadedFile(name, content, "text/plain")


def _build_world() -> World:
    users = {
        "pending": UserFactory(pending=True, full_name="Pending Person",
                               email="pending@example.org"),
        "plain": UserFactory(email="plain@example.org"),
        "member_a": UserFactory(email="member-a@example.org"),
        "coordinator_a": UserFactory(email="coordinator-a@example.org"),
        "member_b": UserFactory(email="member-b@example.org"),
        "manager_x": UserFactory(email="manager-x@example.org"),
        "manager_y": UserFactory(email="manager-y@example.org"),
        "director": UserFactory(email="director@example.org"),
        "officer": UserFactory(staff=True, email="officer@example.org"),
        "staff": UserFactory(staff=True, email="moderator@example.org"),
        "superuser": UserFactory(staff=True, is_superuser=True, email="root@example.org"),
    }
    users["officer"].groups.add(Group.objects.get_or_create(name=PROGRAMME_OFFICERS_GROUP)[0])
    o = SimpleNamespace()
    o.group_a = WorkingGroup.objects.get(code="WG1")
    o.group_b = WorkingGroup.objects.get(code="WG2")
    group_services.membership_add(group=o.group_a, user=users["coordinator_a"], by=None,
                                  role=Membership.Role.COORDINATOR)
    o.membership_a = group_services.membership_add(group=o.group_a, user=users["member_a"],
                                                   by=None)
    group_services.membership_add(group=o.group_b, user=users["member_b"], by=None)
    o.join_request = group_services.join_request_create(group=o.group_a, user=users["plain"],
                                                        message="Vă rog")

    # Documents: a draft, a published one and a trashed one in A; a draft in B.
    o.doc_draft = document_services.document_create(
        group=o.group_a, user=users["member_a"], upload=_txt(), title="Zsecret-doc-a",
        category="swot")
    o.doc_published = document_services.document_create(
        group=o.group_a, user=users["coordinator_a"], upload=_txt(), title="Public report A",
        category="swot")
    for status in ("review", "final"):
        document_services.document_set_status(document=o.doc_published,
                                              user=users["coordinator_a"], status=status)
    o.doc_published = document_services.document_publish(document=o.doc_published,
                                                         user=users["coordinator_a"])
    o.doc_trashed = document_services.document_create(
        group=o.group_a, user=users["member_a"], upload=_txt(), title="Zsecret-trash-a",
        category="swot")
    document_services.document_trash(document=o.doc_trashed, user=users["coordinator_a"])
    o.doc_b = document_services.document_create(
        group=o.group_b, user=users["member_b"], upload=_txt(), title="Zsecret-doc-b",
        category="swot")

    # Clusters: X unpublished (managed by manager_x), Y published (managed by manager_y).
    romania = Country.objects.get_or_create(code="RO", defaults={"name_ro": "România",
                                                                 "name_en": "Romania"})[0]
    region = Region.objects.get_or_create(
        slug="nord-vest", defaults={"code": "RO11", "name_ro": "Nord-Vest",
                                    "name_en": "North-West", "country": romania})[0]
    o.romania, o.region = romania, region
    # Projects name their cluster whether or not its profile is published (projects/api.py):
    # the unpublished profile's secret is its description, not its name.
    o.cluster_x = Cluster.objects.create(slug="access-cluster-x", name="Cluster X",
                                         description="Zsecret-cluster-x", region=region,
                                         is_published=False)
    o.cluster_y = Cluster.objects.create(slug="access-cluster-y", name="Energy Cluster Y",
                                         region=region, is_published=True, phone="0264 000 000")
    cluster_services.cluster_manager_add(cluster=o.cluster_x, manager=users["manager_x"], by=None)
    cluster_services.cluster_manager_add(cluster=o.cluster_y, manager=users["manager_y"], by=None)
    # Files are assigned before the save: their stored names are made from their content.
    o.cluster_x.logo = ContentFile(PNG, name="logo.png")
    o.cluster_x.save()
    o.label_x = ClusterLabel.objects.create(
        cluster=o.cluster_x, level="bronze", awarded_on=date(2024, 1, 10),
        evidence_file=ContentFile(PDF, name="certificate.pdf"))
    o.label_y = ClusterLabel.objects.create(
        cluster=o.cluster_y, level="silver", awarded_on=date(2024, 1, 10),
        evidence_file=ContentFile(PDF, name="certificate.pdf"))

    # A competition, project P (cluster X, directed by `director`) and Q (cluster Y).
    o.competition = Competition.objects.create(
        slug="access-competition", name="Cluster Inovativ", funder="UEFISCDI",
        programme="PNCDI", subprogramme_code="2.1", subprogramme="Competitivitate",
        years="2018-2019", purpose="competitivitate", proposals_submitted=2,
        projects_funded=2, total_budget="1000", currency="RON")
    common = {"start_date": date(2018, 6, 1), "end_date": date(2020, 5, 31),
              "coordinator": "Asociația", "director": "Adrian Bot", "members_count": 10,
              "region": region, "objectives": "Cooperare.",
              "domain": Sector.objects.get_or_create(
                  slug="bioeconomie", defaults={"name_ro": "Bioeconomie",
                                                "name_en": "Bioeconomy"})[0]}
    o.project = Project.objects.create(
        competition=o.competition, cluster=o.cluster_x, number="91 CLS", acronym="ACCESSP",
        slug="accessp", title="Proiectul P", director_account=users["director"], **common)
    o.project_q = Project.objects.create(
        competition=o.competition, cluster=o.cluster_y, number="92 CLS", acronym="ACCESSQ",
        slug="accessq", title="Proiectul Q", **common)
    o.report_draft = StatusReport.objects.create(
        project=o.project, as_of=date(2020, 3, 31), state=StatusReport.State.DRAFT,
        source=StatusReport.Source.FORM, results="Zsecret-report-draft",
        created_by=users["director"])
    o.report_submitted = StatusReport.objects.create(
        project=o.project, as_of=date(2020, 1, 31), state=StatusReport.State.SUBMITTED,
        source=StatusReport.Source.FORM, results="Zsecret-report-submitted",
        created_by=users["director"], submitted_by=users["director"],
        submitted_at=timezone.now())
    o.report_accepted = StatusReport.objects.create(
        project=o.project, as_of=date(2019, 12, 31), state=StatusReport.State.ACCEPTED,
        source=StatusReport.Source.IMPORT, results="Public results", accepted_at=timezone.now())
    o.attachment = StatusReportAttachment.objects.create(
        report=o.report_draft, original_filename="annex.pdf", size=len(PDF),
        content_type="application/pdf", sha256=hashlib.sha256(PDF).hexdigest(),
        uploaded_by=users["director"], file=ContentFile(PDF, name="annex.pdf"))

    # Events: a public one (with a seat for member_a) and one for group A only.
    tz = ZoneInfo("Europe/Bucharest")
    day = (timezone.now() + timedelta(days=10)).astimezone(tz).date()
    start = datetime(day.year, day.month, day.day, 10, 0, tzinfo=tz)
    base = {"kind": Event.Kind.CONFERENCE, "start": start, "end": start + timedelta(hours=2),
            "time_zone": "Europe/Bucharest", "city": "Iași", "country": "RO",
            "takes_registrations": True}
    o.event_public = event_services.event_create(by=users["staff"], title="Public conference",
                                                 **base)
    o.event_group = event_services.event_create(
        by=users["coordinator_a"], title="Zsecret-event-a", visibility=Event.Visibility.GROUP,
        working_group=o.group_a, **base)
    event_services.register(event=o.event_public, user=users["member_a"])
    event_services.register(event=o.event_group, user=users["member_a"])
    o.feed_token = CalendarFeedToken.objects.create(user=users["plain"])

    # Good practices: a draft (by member_a) and a published one in group A.
    sections = {"practice": "Întâlniri B2B.", "context": "Regiunea Nord-Est.",
                "benefits": "Noi membri.", "lessons_learned": "Selecție.",
                "success_factors": "Analiză.", "risk_factors": "Buget."}
    fields = {"country": romania, "theme": "specialisation", "transferability": "medium",
              **sections}
    o.practice_draft = practice_services.practice_create(
        working_group=o.group_a, by=users["member_a"], title="Zsecret-practice-a", **fields)
    o.practice_published = practice_services.practice_create(
        working_group=o.group_a, by=users["member_a"], title="Published practice", **fields)
    o.practice_published = practice_services.practice_publish(
        good_practice=o.practice_published, by=users["coordinator_a"])

    o.institution_public = Institution.objects.create(
        name="Agenția Publică", slug="access-agency", kind=Institution.Kind.MINISTRY,
        country=romania)
    o.institution_hidden = Institution.objects.create(
        name="Zsecret-institution", slug="access-hidden-agency",
        kind=Institution.Kind.MINISTRY, country=romania, is_published=False)

    call_command("rebuild_search_index", stdout=io.StringIO())
    tokens = {role: Token.objects.create(user=user).key for role, user in users.items()}
    return World(users=users, tokens=tokens, o=o)


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    media_root = tmp_path_factory.mktemp("access-media")
    with (django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media_root),
          transaction.atomic()):
        built = _build_world()
        built.media_root = media_root
        yield built
        transaction.set_rollback(True)


@pytest.fixture(autouse=True)
def _media_root(settings, world):
    """Replaces the suite's per-test media folder: the world's files live in its own."""
    settings.MEDIA_ROOT = world.media_root


# Each test runs in a savepoint of the world's transaction, rolled back after it.
pytestmark = pytest.mark.django_db


# --- The table ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Case:
    route: str
    label: str = ""
    kwargs: object = None        # world -> URL kwargs
    get: object = None           # PUBLIC, a set of allowed roles, or None (method not tested)
    post: object = None
    patch: object = None
    delete: object = None
    visible: frozenset | None = None   # who may see the object; everyone else gets 404
    query: str = ""
    data: object = None          # (world, role) -> POST data
    missing: object = None       # world -> URL kwargs of an object that does not exist
    effect: object = None        # (world, user) -> did the POST change anything?
    unavailable_ok: bool = False  # 503 is a valid public answer (a service is down)
    session_free: bool = False    # answers without looking at the session (health probes)
    redirect_ok: bool = False     # an allowed GET may redirect (not to the login page)

    @property
    def api(self) -> bool:
        return self.route.startswith("api:")

    def methods(self):
        return [(m, spec) for m, spec in (("GET", self.get), ("POST", self.post),
                                          ("PATCH", self.patch), ("DELETE", self.delete))
                if spec is not None]

    def url(self, world, kwargs=None) -> str:
        kwargs = kwargs if kwargs is not None else (self.kwargs(world) if self.kwargs else {})
        url = reverse(self.route, kwargs=kwargs)
        return f"{url}?{self.query}" if self.query else url


def _doc(name):
    return lambda w: {"pk": getattr(w.o, name).pk}


def _doc_v(name):
    return lambda w: {"pk": getattr(w.o, name).pk, "number": 1}


def _report(name):
    return lambda w: {"slug": w.o.project.slug, "pk": getattr(w.o, name).pk}


def _missing_pk(w):
    return {"pk": 987654}


def _group_a(w):
    return {"code": w.o.group_a.code}


def _pk(user):
    return getattr(user, "pk", "anonymous")


def _refresh(obj):
    return type(obj).objects.get(pk=obj.pk)


def _event_data(w, role):
    start = timezone.now() + timedelta(days=30)
    return {"title": "Atelier nou", "kind": "workshop", "start": start.isoformat(),
            "end": (start + timedelta(hours=2)).isoformat(), "time_zone": "Europe/Bucharest",
            "city": "Cluj", "country": "RO", "visibility": "group", "working_group": "WG1"}


CASES = [
    # Core, language, open data.
    Case("core:home", get=PUBLIC),
    Case("healthz", get=PUBLIC, unavailable_ok=True, session_free=True),
    Case("core:open-data", get=PUBLIC),
    Case("core:sitemap", get=PUBLIC),
    Case("core:feed_latest", get=PUBLIC),
    Case("set_language", get=PUBLIC, post=PUBLIC, data=lambda w, r: {"language": "en"}),
    # Accounts (ours).
    Case("accounts:profile", get=APPROVED, post=APPROVED,
         data=lambda w, r: {"full_name": "Nume Nou", "organisation": "Org", "country": "RO",
                            "language": "en", "time_zone": "Europe/Bucharest"}),
    Case("accounts:moderation", get=STAFF),
    Case("accounts:moderation_decide", kwargs=lambda w: {"pk": w.users["pending"].pk},
         post=STAFF, data=lambda w, r: {"decision": "approved", "reason": ""},
         effect=lambda w, u: _refresh(w.users["pending"]).status != User.Status.PENDING),
    # Accounts (allauth): public forms, and the signed-in user's own settings.
    *[Case(name, get=PUBLIC) for name in (
        "account_login", "account_logout", "account_inactive", "account_signup",
        "account_email_verification_sent", "account_reset_password",
        "account_reset_password_done", "account_reset_password_from_key_done",
        "account_confirm_login_code")],
    Case("account_confirm_email", kwargs=lambda w: {"key": "not-a-key"}, get=PUBLIC),
    Case("account_reset_password_from_key", kwargs=lambda w: {"uidb36": "1", "key": "x-y"},
         get=PUBLIC),
    *[Case(name, get=APPROVED) for name in (
        "account_reauthenticate", "account_email", "account_change_password")],
    # Users with a password are sent on to "change password".
    Case("account_set_password", get=APPROVED, redirect_ok=True),
    # Clusters.
    Case("clusters:index", get=PUBLIC),
    Case("clusters:export", kwargs=lambda w: {"fmt": "csv"}, get=PUBLIC),
    Case("clusters:export", "json", kwargs=lambda w: {"fmt": "json"}, get=PUBLIC),
    Case("clusters:detail", "published", kwargs=lambda w: {"slug": w.o.cluster_y.slug},
         get=PUBLIC),
    Case("clusters:detail", "unpublished", kwargs=lambda w: {"slug": w.o.cluster_x.slug},
         get=CLUSTER_X, visible=CLUSTER_X, missing=lambda w: {"slug": "no-such-cluster"}),
    Case("clusters:logo", "unpublished", kwargs=lambda w: {"slug": w.o.cluster_x.slug},
         get=CLUSTER_X, visible=CLUSTER_X, missing=lambda w: {"slug": "no-such-cluster"}),
    Case("clusters:certificate", "published",
         kwargs=lambda w: {"slug": w.o.cluster_y.slug, "pk": w.o.label_y.pk}, get=PUBLIC),
    Case("clusters:certificate", "unpublished",
         kwargs=lambda w: {"slug": w.o.cluster_x.slug, "pk": w.o.label_x.pk},
         get=CLUSTER_X, visible=CLUSTER_X,
         missing=lambda w: {"slug": "no-such-cluster", "pk": w.o.label_x.pk}),
    *[Case(name, "published", kwargs=lambda w: {"slug": w.o.cluster_y.slug}, get=CLUSTER_Y,
           post=CLUSTER_Y, data=lambda w, r: {}) for name in (
        "clusters:edit", "clusters:members", "clusters:value_chain", "clusters:label_add")],
    Case("clusters:edit", "unpublished", kwargs=lambda w: {"slug": w.o.cluster_x.slug},
         get=CLUSTER_X, visible=CLUSTER_X, missing=lambda w: {"slug": "no-such-cluster"}),
    Case("clusters:history", "published", kwargs=lambda w: {"slug": w.o.cluster_y.slug},
         get=CLUSTER_Y),
    Case("clusters:history", "unpublished", kwargs=lambda w: {"slug": w.o.cluster_x.slug},
         get=CLUSTER_X, visible=CLUSTER_X, missing=lambda w: {"slug": "no-such-cluster"}),
    Case("clusters:partners", "published", kwargs=lambda w: {"slug": w.o.cluster_y.slug},
         get=PUBLIC),
    Case("clusters:partners", "unpublished", kwargs=lambda w: {"slug": w.o.cluster_x.slug},
         get=CLUSTER_X, visible=CLUSTER_X, missing=lambda w: {"slug": "no-such-cluster"}),
    # Working groups: the six groups are public facts; their private space is not.
    Case("workinggroups:index", get=PUBLIC),
    Case("workinggroups:detail", kwargs=_group_a, get=PUBLIC),
    Case("workinggroups:join", kwargs=_group_a, post=APPROVED, data=lambda w, r: {}),
    Case("workinggroups:leave", kwargs=_group_a, post=APPROVED),
    Case("workinggroups:notifications", kwargs=_group_a,
         post=frozenset({"member_a", "coordinator_a"}), data=lambda w, r: {"notify": "none"}),
    Case("workinggroups:members", kwargs=_group_a, get=GROUP_A_COORD, post=GROUP_A_COORD,
         data=lambda w, r: {"email": "plain@example.org", "role": "member"},
         effect=lambda w, u: Membership.objects.filter(user=w.users["plain"],
                                                       group=w.o.group_a).exists()),
    Case("workinggroups:set_role", kwargs=lambda w: {"code": "WG1", "pk": w.o.membership_a.pk},
         post=GROUP_A_COORD, data=lambda w, r: {"role": "coordinator"},
         effect=lambda w, u: _refresh(w.o.membership_a).role == Membership.Role.COORDINATOR),
    Case("workinggroups:remove", kwargs=lambda w: {"code": "WG1", "pk": w.o.membership_a.pk},
         post=GROUP_A_COORD,
         effect=lambda w, u: not Membership.objects.filter(pk=w.o.membership_a.pk).exists()),
    Case("workinggroups:decide", kwargs=lambda w: {"code": "WG1", "pk": w.o.join_request.pk},
         post=GROUP_A_COORD, data=lambda w, r: {"decision": "accept", "reason": ""},
         effect=lambda w, u: _refresh(w.o.join_request).status != JoinRequest.Status.PENDING),
    Case("workinggroups:trash", kwargs=_group_a, get=GROUP_A_COORD),
    Case("workinggroups:audit", kwargs=_group_a, get=GROUP_A_COORD),
    # Documents.
    Case("documents:index", get=PUBLIC),
    Case("documents:upload", kwargs=_group_a, get=GROUP_A, post=GROUP_A,
         data=lambda w, r: {"title": "Nou", "category": "swot", "language": "ro",
                            "file": _txt()}),
    Case("documents:detail", "draft", kwargs=_doc("doc_draft"), get=GROUP_A, visible=GROUP_A,
         missing=_missing_pk),
    Case("documents:detail", "published", kwargs=_doc("doc_published"), get=PUBLIC),
    Case("documents:detail", "trashed", kwargs=_doc("doc_trashed"), get=GROUP_A_COORD,
         visible=GROUP_A_COORD, missing=_missing_pk),
    Case("documents:edit", "draft", kwargs=_doc("doc_draft"), get=GROUP_A, post=GROUP_A,
         visible=GROUP_A, missing=_missing_pk,
         data=lambda w, r: {"title": "Changed", "category": "swot", "language": "ro"},
         effect=lambda w, u: _refresh(w.o.doc_draft).title == "Changed"),
    Case("documents:edit", "published", kwargs=_doc("doc_published"), get=GROUP_A,
         post=GROUP_A, data=lambda w, r: {"title": "Changed", "category": "swot",
                                          "language": "ro"},
         effect=lambda w, u: _refresh(w.o.doc_published).title == "Changed"),
    Case("documents:version_new", "draft", kwargs=_doc("doc_draft"), get=GROUP_A,
         post=GROUP_A, visible=GROUP_A, missing=_missing_pk,
         data=lambda w, r: {"file": _txt(content=b"a new version"), "note": "v2"}),
    Case("documents:version_new", "published", kwargs=_doc("doc_published"), get=GROUP_A,
         post=GROUP_A, data=lambda w, r: {"file": _txt(content=b"a new version"), "note": "v2"},
         effect=lambda w, u: w.o.doc_published.versions.count() > 1),
    Case("documents:download", "draft", kwargs=_doc_v("doc_draft"), get=GROUP_A,
         visible=GROUP_A, missing=lambda w: {"pk": 987654, "number": 1}),
    Case("documents:download", "published", kwargs=_doc_v("doc_published"), get=PUBLIC),
    Case("documents:restore", "draft", kwargs=_doc_v("doc_draft"), post=GROUP_A,
         visible=GROUP_A, missing=lambda w: {"pk": 987654, "number": 1}),
    Case("documents:restore", "published", kwargs=_doc_v("doc_published"), post=GROUP_A,
         effect=lambda w, u: w.o.doc_published.versions.count() > 1),
    Case("documents:compare", "draft", kwargs=_doc("doc_draft"), query="a=1&b=1",
         get=GROUP_A, visible=GROUP_A, missing=_missing_pk),
    Case("documents:compare", "published", kwargs=_doc("doc_published"), query="a=1&b=1",
         get=GROUP_A),
    Case("documents:lock", "draft", kwargs=_doc("doc_draft"), post=GROUP_A, visible=GROUP_A,
         missing=_missing_pk, effect=lambda w, u: _refresh(w.o.doc_draft).locked_by_id == _pk(u)),
    Case("documents:lock", "published", kwargs=_doc("doc_published"), post=GROUP_A,
         effect=lambda w, u: _refresh(w.o.doc_published).locked_by_id == _pk(u)),
    Case("documents:unlock", "draft", kwargs=_doc("doc_draft"), post=GROUP_A, visible=GROUP_A,
         missing=_missing_pk),
    Case("documents:unlock", "published", kwargs=_doc("doc_published"), post=GROUP_A),
    Case("documents:status", "draft", kwargs=_doc("doc_draft"), post=GROUP_A, visible=GROUP_A,
         missing=_missing_pk, data=lambda w, r: {"status": "review"},
         effect=lambda w, u: _refresh(w.o.doc_draft).status == "review"),
    Case("documents:status", "published", kwargs=_doc("doc_published"), post=GROUP_A_COORD,
         data=lambda w, r: {"status": "review"}),
    Case("documents:publish", "draft", kwargs=_doc("doc_draft"), post=GROUP_A_COORD,
         visible=GROUP_A, missing=_missing_pk),
    Case("documents:unpublish", "published", kwargs=_doc("doc_published"), post=GROUP_A_COORD,
         effect=lambda w, u: _refresh(w.o.doc_published).published_version_id is None),
    Case("documents:trash", "draft", kwargs=_doc("doc_draft"), post=GROUP_A, visible=GROUP_A,
         missing=_missing_pk, effect=lambda w, u: _refresh(w.o.doc_draft).is_trashed),
    Case("documents:trash", "published", kwargs=_doc("doc_published"), post=GROUP_A_COORD,
         effect=lambda w, u: _refresh(w.o.doc_published).is_trashed),
    Case("documents:untrash", "trashed", kwargs=_doc("doc_trashed"), post=GROUP_A_COORD,
         visible=GROUP_A_COORD, missing=_missing_pk,
         effect=lambda w, u: not _refresh(w.o.doc_trashed).is_trashed),
    # Events.
    Case("events:index", get=PUBLIC),
    Case("events:past", get=PUBLIC),
    Case("events:month_current", get=PUBLIC),
    Case("events:month", kwargs=lambda w: {"year": w.o.event_group.local_start.year,
                                           "month": w.o.event_group.local_start.month},
         get=PUBLIC),
    Case("events:week_current", get=PUBLIC),
    Case("events:week", kwargs=lambda w: dict(zip(
        ("year", "week"), w.o.event_group.local_start.isocalendar()[:2], strict=True)),
         get=PUBLIC),
    Case("events:detail", "public", kwargs=lambda w: {"pk": w.o.event_public.pk}, get=PUBLIC),
    Case("events:detail", "group", kwargs=lambda w: {"pk": w.o.event_group.pk}, get=GROUP_A,
         visible=GROUP_A, missing=_missing_pk),
    Case("events:register", "public", kwargs=lambda w: {"pk": w.o.event_public.pk},
         post=APPROVED),
    Case("events:register", "group", kwargs=lambda w: {"pk": w.o.event_group.pk},
         post=GROUP_A, visible=GROUP_A, missing=_missing_pk),
    Case("events:unregister", "public", kwargs=lambda w: {"pk": w.o.event_public.pk},
         post=APPROVED),
    Case("events:unregister", "group", kwargs=lambda w: {"pk": w.o.event_group.pk},
         post=GROUP_A, visible=GROUP_A, missing=_missing_pk),
    Case("events:mine", get=APPROVED),
    Case("events:feed_token_regenerate", post=APPROVED),
    Case("events:create", get=GROUP_A_COORD, post=GROUP_A_COORD, data=_event_data),
    *[Case(name, "group", kwargs=lambda w: {"pk": w.o.event_group.pk}, get=GROUP_A_COORD,
           visible=GROUP_A, missing=_missing_pk) for name in (
        "events:edit", "events:copy", "events:cancel", "events:attendees",
        "events:attendees_csv", "events:email_attendees")],
    *[Case(name, "public", kwargs=lambda w: {"pk": w.o.event_public.pk}, get=STAFF,
           post=STAFF, data=lambda w, r: {}) for name in (
        "events:edit", "events:copy", "events:cancel", "events:email_attendees")],
    Case("events:cancel", "group", kwargs=lambda w: {"pk": w.o.event_group.pk},
         post=GROUP_A_COORD, visible=GROUP_A, data=lambda w, r: {"scope": "this"},
         effect=lambda w, u: _refresh(w.o.event_group).is_cancelled),
    Case("events:feed_public", get=PUBLIC),
    Case("events:feed_group", kwargs=_group_a, get=PUBLIC),
    Case("events:feed_personal", kwargs=lambda w: {"token": w.o.feed_token.token}, get=PUBLIC),
    Case("events:ics", "public", kwargs=lambda w: {"pk": w.o.event_public.pk}, get=PUBLIC),
    Case("events:ics", "group", kwargs=lambda w: {"pk": w.o.event_group.pk}, get=GROUP_A,
         visible=GROUP_A, missing=_missing_pk),
    # Projects and their status reports.
    Case("projects:index", get=PUBLIC),
    Case("projects:review_queue", get=OFFICERS),
    Case("projects:mine", get=APPROVED),
    *[Case(name, kwargs=lambda w: {"slug": w.o.competition.slug}, get=PUBLIC) for name in (
        "projects:competition", "projects:report", "projects:report_pdf",
        "projects:report_docx", "projects:table_csv", "projects:table_xlsx")],
    Case("projects:detail", kwargs=lambda w: {"slug": w.o.project.slug}, get=PUBLIC),
    Case("projects:report_create", kwargs=lambda w: {"slug": w.o.project.slug},
         get=SUBMITTERS_P, post=SUBMITTERS_P,
         data=lambda w, r: {"as_of": "2020-06-30", "results": "R", "ongoing_activities": "A"},
         effect=lambda w, u: StatusReport.objects.filter(results="R").exists()),
    Case("projects:report_detail", "draft", kwargs=_report("report_draft"), get=REPORT_READERS,
         visible=REPORT_READERS, missing=lambda w: {"slug": w.o.project.slug, "pk": 987654}),
    Case("projects:report_detail", "accepted", kwargs=_report("report_accepted"), get=PUBLIC),
    Case("projects:report_edit", "draft", kwargs=_report("report_draft"), get=SUBMITTERS_P,
         post=SUBMITTERS_P, visible=REPORT_READERS,
         missing=lambda w: {"slug": w.o.project.slug, "pk": 987654},
         data=lambda w, r: {"as_of": "2020-03-31", "results": "Changed",
                            "ongoing_activities": "A"},
         effect=lambda w, u: _refresh(w.o.report_draft).results == "Changed"),
    Case("projects:report_edit", "accepted", kwargs=_report("report_accepted"), get=frozenset(),
         post=frozenset(), data=lambda w, r: {"as_of": "2019-12-31", "results": "Changed"},
         effect=lambda w, u: _refresh(w.o.report_accepted).results == "Changed"),
    Case("projects:report_submit", "draft", kwargs=_report("report_draft"), post=SUBMITTERS_P,
         visible=REPORT_READERS, missing=lambda w: {"slug": w.o.project.slug, "pk": 987654},
         effect=lambda w, u: _refresh(w.o.report_draft).state != StatusReport.State.DRAFT),
    Case("projects:report_review", "submitted", kwargs=_report("report_submitted"),
         post=OFFICERS, visible=REPORT_READERS,
         missing=lambda w: {"slug": w.o.project.slug, "pk": 987654},
         data=lambda w, r: {"action": "accept", "comment": "Bine"},
         effect=lambda w, u: _refresh(w.o.report_submitted).state
         == StatusReport.State.ACCEPTED),
    Case("projects:attachment_add", "draft", kwargs=_report("report_draft"),
         post=SUBMITTERS_P, visible=REPORT_READERS,
         missing=lambda w: {"slug": w.o.project.slug, "pk": 987654},
         data=lambda w, r: {"file": SimpleUploadedFile("annex2.pdf", PDF, "application/pdf")},
         effect=lambda w, u: w.o.report_draft.attachments.count() > 1),
    Case("projects:attachment_download", "draft",
         kwargs=lambda w: {"slug": w.o.project.slug, "pk": w.o.report_draft.pk,
                           "attachment_pk": w.o.attachment.pk},
         get=REPORT_READERS, visible=REPORT_READERS,
         missing=lambda w: {"slug": w.o.project.slug, "pk": 987654,
                            "attachment_pk": w.o.attachment.pk}),
    Case("projects:attachment_remove", "draft",
         kwargs=lambda w: {"slug": w.o.project.slug, "pk": w.o.report_draft.pk,
                           "attachment_pk": w.o.attachment.pk},
         post=SUBMITTERS_P, visible=REPORT_READERS,
         effect=lambda w, u: not StatusReportAttachment.objects.filter(
             pk=w.o.attachment.pk).exists()),
    # Institutions.
    Case("institutions:index", get=PUBLIC),
    Case("institutions:export", kwargs=lambda w: {"fmt": "csv"}, get=PUBLIC),
    Case("institutions:detail", "published", kwargs=lambda w: {"slug": "access-agency"},
         get=PUBLIC),
    Case("institutions:detail", "unpublished", kwargs=lambda w: {"slug": "access-hidden-agency"},
         get=STAFF, visible=STAFF, missing=lambda w: {"slug": "no-such-institution"}),
    # Good practices.
    Case("goodpractices:index", get=PUBLIC),
    Case("goodpractices:new", get=GROUPS_ANY, post=GROUPS_ANY, data=lambda w, r: {}),
    Case("goodpractices:detail", "draft", kwargs=lambda w: {"slug": w.o.practice_draft.slug},
         get=GROUP_A, visible=GROUP_A, missing=lambda w: {"slug": "no-such-practice"}),
    Case("goodpractices:detail", "published",
         kwargs=lambda w: {"slug": w.o.practice_published.slug}, get=PUBLIC),
    Case("goodpractices:edit", "draft", kwargs=lambda w: {"slug": w.o.practice_draft.slug},
         get=GROUP_A, post=GROUP_A, visible=GROUP_A, data=lambda w, r: {},
         missing=lambda w: {"slug": "no-such-practice"}),
    Case("goodpractices:edit", "published",
         kwargs=lambda w: {"slug": w.o.practice_published.slug}, get=GROUP_A_COORD,
         post=GROUP_A_COORD, data=lambda w, r: {}),
    Case("goodpractices:publish", "draft", kwargs=lambda w: {"slug": w.o.practice_draft.slug},
         post=GROUP_A_COORD, visible=GROUP_A, missing=lambda w: {"slug": "no-such-practice"},
         effect=lambda w, u: _refresh(w.o.practice_draft).is_published),
    Case("goodpractices:unpublish", "published",
         kwargs=lambda w: {"slug": w.o.practice_published.slug}, post=GROUP_A_COORD,
         effect=lambda w, u: not _refresh(w.o.practice_published).is_published),
    # Search: every secret matches the query; each role finds only what it may see.
    Case("search:index", query="q=Zsecret", get=PUBLIC),
    # The API (token authentication).
    Case("api:api-root", get=APPROVED),  # the API's default: approved users
    Case("api-schema", get=PUBLIC),
    Case("api-docs", get=PUBLIC),
    Case("api:auth-token", delete=APPROVED),
    Case("api:search", query="q=Zsecret", get=PUBLIC),
    Case("api:signup-list", get=STAFF),
    Case("api:signup-detail", kwargs=lambda w: {"pk": w.users["pending"].pk}, get=STAFF),
    Case("api:signup-approve", kwargs=lambda w: {"pk": w.users["pending"].pk}, post=STAFF,
         effect=lambda w, u: _refresh(w.users["pending"]).status == User.Status.APPROVED),
    Case("api:signup-reject", kwargs=lambda w: {"pk": w.users["pending"].pk}, post=STAFF,
         effect=lambda w, u: _refresh(w.users["pending"]).status == User.Status.REJECTED),
    Case("api:cluster-list", get=PUBLIC),
    Case("api:cluster-detail", "published", kwargs=lambda w: {"slug": w.o.cluster_y.slug},
         get=PUBLIC, patch=CLUSTER_Y, data=lambda w, r: {"phone": "0700 000 000"},
         effect=lambda w, u: _refresh(w.o.cluster_y).phone == "0700 000 000"),
    Case("api:cluster-detail", "unpublished", kwargs=lambda w: {"slug": w.o.cluster_x.slug},
         get=CLUSTER_X, patch=CLUSTER_X, visible=CLUSTER_X,
         data=lambda w, r: {"phone": "0700 000 000"},
         missing=lambda w: {"slug": "no-such-cluster"}),
    Case("api:region-list", get=PUBLIC),
    Case("api:sector-list", get=PUBLIC),
    Case("api:working-group-list", get=PUBLIC),
    Case("api:working-group-detail", kwargs=_group_a, get=PUBLIC),
    Case("api:document-list", get=PUBLIC, post=GROUP_A,
         data=lambda w, r: {"working_group": "WG1", "title": "Nou", "category": "swot",
                            "file": _txt()}),
    Case("api:document-detail", "draft", kwargs=_doc("doc_draft"), get=GROUP_A,
         visible=GROUP_A, missing=_missing_pk),
    Case("api:document-detail", "published", kwargs=_doc("doc_published"), get=PUBLIC),
    Case("api:document-detail", "trashed", kwargs=_doc("doc_trashed"), get=GROUP_A_COORD,
         visible=GROUP_A_COORD, missing=_missing_pk),
    Case("api:document-download", "draft", kwargs=_doc_v("doc_draft"), get=GROUP_A,
         visible=GROUP_A, missing=lambda w: {"pk": 987654, "number": 1}),
    Case("api:document-versions", "draft", kwargs=_doc("doc_draft"), get=GROUP_A,
         post=GROUP_A, visible=GROUP_A, missing=_missing_pk,
         data=lambda w, r: {"file": _txt(content=b"v2"), "note": "v2"}),
    Case("api:document-versions", "published", kwargs=_doc("doc_published"), get=PUBLIC,
         post=GROUP_A, data=lambda w, r: {"file": _txt(content=b"v2"), "note": "v2"},
         effect=lambda w, u: w.o.doc_published.versions.count() > 1),
    Case("api:document-publish", "draft", kwargs=_doc("doc_draft"), post=GROUP_A_COORD,
         visible=GROUP_A, missing=_missing_pk),
    Case("api:document-unpublish", "published", kwargs=_doc("doc_published"),
         post=GROUP_A_COORD,
         effect=lambda w, u: _refresh(w.o.doc_published).published_version_id is None),
    Case("api:event-list", get=PUBLIC, post=GROUP_A_COORD, data=_event_data),
    Case("api:event-detail", "public", kwargs=lambda w: {"pk": w.o.event_public.pk},
         get=PUBLIC, patch=STAFF, data=lambda w, r: {"city": "Brașov"},
         effect=lambda w, u: _refresh(w.o.event_public).city == "Brașov"),
    Case("api:event-detail", "group", kwargs=lambda w: {"pk": w.o.event_group.pk},
         get=GROUP_A, patch=GROUP_A_COORD, visible=GROUP_A, missing=_missing_pk,
         data=lambda w, r: {"city": "Brașov"},
         effect=lambda w, u: _refresh(w.o.event_group).city == "Brașov"),
    Case("api:event-registration", "public", kwargs=lambda w: {"pk": w.o.event_public.pk},
         post=APPROVED),
    Case("api:event-registration", "group", kwargs=lambda w: {"pk": w.o.event_group.pk},
         post=GROUP_A, delete=frozenset({"member_a"}), visible=GROUP_A, missing=_missing_pk),
    Case("api:competition-list", get=PUBLIC),
    Case("api:competition-detail", kwargs=lambda w: {"slug": w.o.competition.slug},
         get=PUBLIC),
    Case("api:project-list", get=PUBLIC),
    Case("api:project-detail", kwargs=lambda w: {"pk": w.o.project.pk}, get=PUBLIC),
    Case("api:institution-list", get=PUBLIC),
    Case("api:institution-detail", "unpublished",
         kwargs=lambda w: {"slug": "access-hidden-agency"}, get=STAFF, visible=STAFF,
         missing=lambda w: {"slug": "no-such-institution"}),
    Case("api:good-practice-list", get=PUBLIC),
    # The API publishes published practices only (open data): drafts are nobody's there.
    Case("api:good-practice-detail", "published",
         kwargs=lambda w: {"slug": w.o.practice_published.slug}, get=PUBLIC),
    Case("api:good-practice-detail", "draft",
         kwargs=lambda w: {"slug": w.o.practice_draft.slug}, get=frozenset(),
         visible=frozenset(), missing=lambda w: {"slug": "no-such-practice"}),
]


def _case_id(case: Case) -> str:
    return f"{case.route}[{case.label}]" if case.label else case.route


# --- Requests -----------------------------------------------------------------------------------

LOGIN_PATHS = ("/accounts/login/", "/admin/login/")


def _client(world, role, api: bool) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    user = world.users.get(role)
    if user is None:
        return client
    if api:
        client.defaults["HTTP_AUTHORIZATION"] = f"Token {world.tokens[role]}"
    else:
        client.force_login(user)
    return client


def _request(world, case: Case, role: str, method: str, kwargs=None):
    client = _client(world, role, case.api)
    url = case.url(world, kwargs)
    data = case.data(world, role) if case.data else {}
    if method == "GET":
        response = client.get(url)
    elif case.api and not any(hasattr(v, "read") for v in data.values()):
        response = client.generic(method, url, json.dumps(data),
                                  content_type="application/json")
    elif method == "POST":
        response = client.post(url, data)
    else:
        response = client.generic(method, url, json.dumps(data),
                                  content_type="application/json")
    return response


def _body(response) -> str:
    if getattr(response, "streaming", False):
        content = b"".join(response.streaming_content)
    else:
        content = response.content  # (the test client has closed the response already)
    return content.decode("utf-8", errors="replace")


def _to_login(response) -> bool:
    return response.status_code in (301, 302, 303) and response["Location"].split("?")[
        0].endswith(LOGIN_PATHS)


def _describe(response, body) -> str:
    where = f" -> {response['Location']}" if response.has_header("Location") else ""
    return f"{response.status_code}{where}: {body[:300]!r}"


def _assert_no_leak(role, body):
    leaked = [marker for marker, roles in SECRETS.items()
              if role not in roles and marker in body]
    assert not leaked, f"{role} was shown {leaked}"


PARAMS = [pytest.param(case, role, method, spec,
                       id=f"{_case_id(case)}-{method}-{role}")
          for case in CASES for method, spec in case.methods() for role in ROLES]


@pytest.mark.parametrize(("case", "role", "method", "spec"), PARAMS)
def test_access(world, case, role, method, spec):
    """One route, one role, one method: allowed roles get the page or their change made;
    the others a refusal (404 if they may not even see the object) and no secret."""
    response = _request(world, case, role, method)
    body = _body(response)
    status = response.status_code
    outcome = _describe(response, body)
    assert status < 500 or (case.unavailable_ok and status == 503), outcome
    _assert_no_leak(role, body)
    user = world.users.get(role)
    if role == "pending" and not case.session_free:
        # A pending user's session is ended and their token refused, on every page.
        if case.api:
            assert status == 401, outcome
        else:
            assert _to_login(response), outcome
        return
    if spec == PUBLIC:
        assert status < 400 or case.unavailable_ok or (method != "GET" and status == 400), outcome
        return
    changed = case.effect(world, user) if case.effect and method != "GET" else None
    if role in spec:
        assert status not in (401, 403, 404, 405), outcome
        assert not _to_login(response), outcome
        if method == "GET" and not case.redirect_ok:
            assert status == 200, outcome
        if changed is not None:
            assert changed, f"{role} was allowed but nothing changed: {outcome}"
        return
    # Denied.
    if changed is not None:
        assert not changed, f"{role} changed what they may not: {outcome}"
    if role == "anonymous":
        assert _to_login(response) or status in (401, 403, 404), outcome
    elif case.visible is not None and role not in case.visible:
        assert status == 404, outcome
    elif changed is not None and status in (301, 302, 303):
        pass  # the service refused (the effect check above proves it) and said why
    else:
        assert status in (403, 404), outcome


SEEN_ON = {  # a page where each secret is shown to a role allowed to see it
    "Zsecret-doc-a": ("member_a", "documents:detail", _doc("doc_draft")),
    "Zsecret-trash-a": ("coordinator_a", "workinggroups:trash", _group_a),
    "Zsecret-doc-b": ("member_b", "documents:detail", _doc("doc_b")),
    "Zsecret-cluster-x": ("manager_x", "clusters:detail",
                          lambda w: {"slug": w.o.cluster_x.slug}),
    "Zsecret-report-draft": ("director", "projects:report_detail", _report("report_draft")),
    "Zsecret-report-submitted": ("officer", "projects:report_detail",
                                 _report("report_submitted")),
    "Zsecret-event-a": ("member_a", "events:detail", lambda w: {"pk": w.o.event_group.pk}),
    "Zsecret-practice-a": ("coordinator_a", "goodpractices:index", lambda w: {}),
    "Zsecret-institution": ("staff", "institutions:index", lambda w: {}),
}


@pytest.mark.parametrize("marker", SECRETS)
def test_the_leak_check_would_see_each_secret(world, marker):
    """The leak assertions are not vacuous: each secret does appear, to a role allowed to see
    it, on a page of the site (so a page leaking it to another role would be caught)."""
    role, route, kwargs = SEEN_ON[marker]
    assert role in SECRETS[marker]
    response = _client(world, role, api=False).get(reverse(route, kwargs=kwargs(world)))
    assert response.status_code == 200
    assert marker in _body(response)


# --- A hidden object answers exactly like a missing one -----------------------------------------

CSRF = re.compile(r'(name="csrfmiddlewaretoken" value=")[^"]+|(nonce=")[^"]+|'
                  r'("csrfToken": ")[^"]+|(csrftoken=)[^;"\s]+')

HIDDEN = [pytest.param(case, role, method, id=f"{_case_id(case)}-{method}-{role}")
          for case in CASES if case.missing is not None
          for method, _spec in case.methods()[:1]
          for role in ("anonymous", "plain", "member_b", "manager_y")
          if role not in case.visible]


def _normalised(world, case, response, body, kwargs) -> tuple:
    body = CSRF.sub(lambda m: next(g for g in m.groups() if g) + "<token>", body)
    # The page may echo its own address (the language switcher, the login `next`).
    for echoed in (case.url(world, kwargs), reverse(case.route, kwargs=kwargs)):
        body = body.replace(html.escape(echoed), "<url>").replace(echoed, "<url>")
    location = response.get("Location", "")
    if _to_login(response):
        location = location.split("?")[0]  # `?next=` echoes the address asked for
    return response.status_code, location, body


@pytest.mark.parametrize(("case", "role", "method"), HIDDEN)
def test_hidden_object_answers_like_a_missing_one(world, case, role, method):
    existing = case.kwargs(world)
    missing = case.missing(world)
    seen = _request(world, case, role, method, existing)
    seen_body = _body(seen)
    absent = _request(world, case, role, method, missing)
    absent_body = _body(absent)
    assert seen.status_code in (302, 401, 403, 404)
    assert _normalised(world, case, seen, seen_body, existing) == _normalised(
        world, case, absent, absent_body, missing)
    _assert_no_leak(role, seen_body)


# --- Every URL pattern is classified --------------------------------------------------------------

def _patterns(patterns, prefix="", namespace=None):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace
            if pattern.namespace:
                inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            yield from _patterns(pattern.url_patterns, prefix + str(pattern.pattern), inner)
        elif isinstance(pattern, URLPattern):
            name = pattern.name and (f"{namespace}:{pattern.name}" if namespace else pattern.name)
            yield prefix + str(pattern.pattern), name, namespace


def test_every_url_pattern_is_classified():
    """A new URL pattern fails here until it has a case in CASES (or is the admin's)."""
    classified = {case.route for case in CASES}
    unclassified = []
    seen = set()
    for route, name, namespace in _patterns(get_resolver().url_patterns):
        if namespace == "admin" or route.startswith("admin/"):
            continue  # the admin as a whole: test_admin_requires_staff_and_permissions
        if name is None or name not in classified:
            unclassified.append(f"{route} (name={name})")
        seen.add(name)
    assert not unclassified, "classify this URL in CASES: " + ", ".join(unclassified)
    assert not classified - seen, f"CASES names routes that no longer exist: {classified - seen}"


# --- The admin --------------------------------------------------------------------------------

ADMIN_PAGES = ["admin:index", *sorted(
    f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist"
    for model in admin.site._registry)]


@pytest.mark.parametrize("role", ROLES)
def test_admin_requires_staff_and_permissions(world, role):
    """Every admin page goes through AdminSite.admin_view: non-staff are sent to the admin's
    login; staff see only what their model permissions allow (none: the programme officer and
    the moderator hold none); superusers see every list."""
    client = _client(world, role, api=False)
    for name in ADMIN_PAGES:
        response = client.get(reverse(name))
        body = _body(response)
        outcome = f"{name}: {_describe(response, body)}"
        if role in ("anonymous", "pending") or role not in STAFF:
            assert _to_login(response), outcome
        elif role == "superuser" or name == "admin:index":
            assert response.status_code == 200, outcome
        else:
            assert response.status_code == 403, outcome
        if role != "superuser":
            _assert_no_leak(role, body)


# --- Extra fields cannot escalate -----------------------------------------------------------------

ESCALATION = {
    "owner": "", "status": "final", "state": "accepted", "managers": "", "working_group": "",
    "group": "", "is_staff": "on", "is_superuser": "on", "is_active": "on", "approved": "on",
    "is_published": "on", "created_by": "", "uploaded_by": "", "author": "", "user": "",
    "project": "", "submitted_by": "", "reviewer": "", "locked_by": "", "published_version": "",
    "trashed_at": "2020-01-01", "slug": "hijacked", "email": "hijack@example.org",
    "groups": "", "user_permissions": "", "role": "coordinator", "visibility": "public",
}


def _escalation(world, **ids) -> dict:
    """The extra fields, pointing at objects the user has no right to."""
    victim = world.users["superuser"].pk
    values = {**ESCALATION, "owner": victim, "managers": victim, "created_by": victim,
              "uploaded_by": victim, "author": victim, "user": victim,
              "submitted_by": victim, "reviewer": victim, "locked_by": victim,
              "working_group": world.o.group_b.pk, "group": world.o.group_b.pk,
              "project": world.o.project_q.pk, "published_version": "",
              "groups": Group.objects.get(name=PROGRAMME_OFFICERS_GROUP).pk,
              "user_permissions": Permission.objects.get(codename="change_document").pk}
    values.update(ids)
    return values


def _form_data(response) -> dict:
    """What the page's form would submit unchanged (its initial values)."""
    form = response.context["form"]
    data = {}
    for name in form.fields:
        bound = form[name]
        value = bound.value()
        if value is None or value is False or isinstance(bound.field, forms.FileField):
            continue
        if value is True:
            value = "on"
        elif isinstance(value, (list, tuple)):
            value = [getattr(v, "pk", v) for v in value]
        elif isinstance(value, (date, datetime)):
            value = bound.field.widget.format_value(value) or value.isoformat()
        data[bound.html_name] = getattr(value, "pk", value)
    return data


def _fields(obj, names):
    obj = _refresh(obj)
    return {name: getattr(obj, name) for name in names}


def _post_form(world, role, url, changes):
    client = _client(world, role, api=False)
    page = client.get(url)
    assert page.status_code == 200
    data = {**_form_data(page), **_escalation(world), **changes}
    return client.post(url, data)


def test_profile_form_ignores_privilege_fields(world):
    user = world.users["plain"]
    response = _post_form(world, "plain", reverse("accounts:profile"),
                          {"full_name": "Nume Schimbat"})
    assert response.status_code == 302
    saved = _refresh(user)
    assert saved.full_name == "Nume Schimbat"  # the form did save
    assert (saved.is_staff, saved.is_superuser, saved.status, saved.email) == (
        False, False, User.Status.APPROVED, "plain@example.org")
    assert not saved.groups.exists()
    assert not saved.user_permissions.exists()


def test_cluster_profile_edit_by_its_manager_ignores_extra_fields(world):
    cluster = world.o.cluster_y
    before = _fields(cluster, ["slug", "is_published", "region_id", "logo"])
    response = _post_form(world, "manager_y", reverse("clusters:edit", args=[cluster.slug]),
                          {"is_published": "", "phone": "0722 111 222"})
    assert response.status_code == 302, response.content[:500]
    assert _refresh(cluster).phone == "0722 111 222"
    assert _fields(cluster, ["slug", "is_published", "region_id", "logo"]) == before
    # No manager was added (the `managers` field named the superuser) or removed.
    from clusters.permissions import cluster_managers
    assert set(cluster_managers(cluster)) == {world.users["manager_y"]}


def test_cluster_api_patch_refuses_extra_fields(world):
    cluster = world.o.cluster_y
    client = _client(world, "manager_y", api=True)
    before = _fields(cluster, ["slug", "is_published", "name", "phone"])
    for extra in ({"is_published": False}, {"slug": "hijacked"},
                  {"managers": [world.users["plain"].pk]}, {"is_published": True}):
        response = client.patch(reverse("api:cluster-detail", args=[cluster.slug]),
                                json.dumps({"phone": "0799", **extra}),
                                content_type="application/json")
        assert response.status_code == 400, response.content
    assert _fields(cluster, ["slug", "is_published", "name", "phone"]) == before


def test_document_edit_by_a_member_ignores_extra_fields(world):
    document = world.o.doc_draft
    names = ["group_id", "status", "created_by_id", "published_version_id", "locked_by_id",
             "trashed_at"]
    before = _fields(document, names)
    response = _post_form(world, "member_a", reverse("documents:edit", args=[document.pk]),
                          {"title": "Titlu nou"})
    assert response.status_code == 302, response.content[:500]
    assert _refresh(document).title == "Titlu nou"
    assert _fields(document, names) == before


def test_document_upload_by_a_member_ignores_extra_fields(world):
    member = world.users["member_a"]
    client = _client(world, "member_a", api=False)
    data = {"title": "Încărcat", "category": "swot", "language": "ro", "file": _txt(),
            **_escalation(world)}
    response = client.post(reverse("documents:upload", args=["WG1"]), data)
    assert response.status_code == 302, response.content[:500]
    document = Document.objects.get(title="Încărcat")
    assert (document.group_id, document.status, document.created_by_id,
            document.published_version_id, document.locked_by_id, document.trashed_at) == (
        world.o.group_a.pk, Document.Status.DRAFT, member.pk, None, None, None)
    assert document.versions.get().uploaded_by_id == member.pk


def test_document_api_create_ignores_extra_fields(world):
    member = world.users["member_a"]
    client = _client(world, "member_a", api=True)
    data = {**_escalation(world), "working_group": "WG1", "title": "Prin API",
            "category": "swot", "file": _txt()}
    response = client.post(reverse("api:document-list"), data)
    assert response.status_code == 201, response.content
    document = Document.objects.get(title="Prin API")
    assert (document.group_id, document.status, document.created_by_id,
            document.published_version_id) == (world.o.group_a.pk, Document.Status.DRAFT,
                                               member.pk, None)
    assert document.versions.get().uploaded_by_id == member.pk


def test_status_report_edit_ignores_extra_fields(world):
    report = world.o.report_draft
    names = ["project_id", "state", "created_by_id", "submitted_by_id", "reviewer_id",
             "accepted_at", "source"]
    before = _fields(report, names)
    url = reverse("projects:report_edit", args=[world.o.project.slug, report.pk])
    response = _post_form(world, "director", url, {"results": "Rezultate noi"})
    assert response.status_code == 302, response.content[:500]
    assert _refresh(report).results == "Rezultate noi"
    assert _fields(report, names) == before


def test_status_report_create_ignores_extra_fields(world):
    manager = world.users["manager_x"]
    url = reverse("projects:report_create", args=[world.o.project.slug])
    response = _post_form(world, "manager_x", url, {
        "as_of": "2020-05-31", "results": "Raport nou", "ongoing_activities": "Activități"})
    assert response.status_code == 302, response.content[:500]
    report = StatusReport.objects.get(results="Raport nou")
    assert (report.project_id, report.state, report.created_by_id, report.submitted_by_id,
            report.accepted_at) == (world.o.project.pk, StatusReport.State.DRAFT, manager.pk,
                                    None, None)


def test_good_practice_edit_cannot_move_it_to_another_group_or_publish(world):
    practice = world.o.practice_draft
    url = reverse("goodpractices:edit", args=[practice.slug])
    response = _post_form(world, "member_a", url, {"title": "Practică nouă"})
    saved = _refresh(practice)
    # The working_group field named group B, where the author is not a member: refused
    # (the form re-rendered with an error) or ignored; never moved, never published.
    assert response.status_code in (200, 302)
    assert (saved.working_group_id, saved.state, saved.author_id) == (
        world.o.group_a.pk, GoodPractice.State.DRAFT, world.users["member_a"].pk)


def test_event_edit_by_a_coordinator_cannot_move_it_to_another_group(world):
    event = world.o.event_group
    names = ["working_group_id", "visibility", "created_by_id"]
    before = _fields(event, names)
    url = reverse("events:edit", args=[event.pk])
    _post_form(world, "coordinator_a", url, {"working_group": world.o.group_b.code})
    assert _fields(event, names) == before
    client = _client(world, "coordinator_a", api=True)
    response = client.patch(reverse("api:event-detail", args=[event.pk]),
                            json.dumps({"working_group": "WG2",
                                        "created_by": world.users["superuser"].pk}),
                            content_type="application/json")
    assert response.status_code == 403, response.content
    assert _fields(event, names) == before


def test_join_request_and_notifications_cannot_grant_a_role(world):
    plain, member = world.users["plain"], world.users["member_a"]
    _client(world, "member_b", api=False).post(
        reverse("workinggroups:join", args=["WG1"]), _escalation(world))
    assert not Membership.objects.filter(user=world.users["member_b"],
                                         group=world.o.group_a).exists()
    _client(world, "member_a", api=False).post(
        reverse("workinggroups:notifications", args=["WG1"]),
        {**_escalation(world), "notify": "none"})
    assert _refresh(world.o.membership_a).role == Membership.Role.MEMBER
    assert not Membership.objects.filter(user=plain, group=world.o.group_a).exists()
    assert Membership.objects.filter(user=member).count() == 1


# --- No model-wide permissions outside superusers ------------------------------------------------

PRIVATE_APPS = {"accounts", "clusters", "workinggroups", "documents", "events", "projects",
                "goodpractices", "institutions", "notifications", "search", "authtoken",
                "account", "guardian", "auth", "admin", "sessions"}


def test_no_model_wide_permissions_outside_superusers(world, capture_commits):
    """After the demo data, a sign-up and its approval, joining a group and becoming a cluster
    manager, no user but a superuser and no auth group holds any model permission (in
    particular none on the private models): access comes from group memberships and
    django-guardian object permissions (clusters.manage_cluster on one cluster), and a
    model-wide permission would reveal every row. Staff moderate sign-ups on
    /accounts/moderation/ by being staff, not through admin permissions."""
    with override_settings(DEBUG=True):
        call_command("seed_demo", stdout=io.StringIO())
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    from tests.accounts.helpers import signup_data

    with capture_commits():
        response = client.post(reverse("account_signup"),
                               signup_data(email="newcomer@example.org"))
    assert response.status_code == 302
    newcomer = User.objects.get(email="newcomer@example.org")
    staff = _client(world, "staff", api=False)
    response = staff.post(reverse("accounts:moderation_decide", args=[newcomer.pk]),
                          {"decision": "approved", "reason": ""})
    newcomer = _refresh(newcomer)
    assert newcomer.status == User.Status.APPROVED
    group_services.membership_add(group=world.o.group_a, user=newcomer, by=None)
    cluster_services.cluster_manager_add(cluster=world.o.cluster_y, manager=newcomer, by=None)

    holders = {user.email: sorted(user.user_permissions.values_list("codename", flat=True))
               for user in User.objects.filter(is_superuser=False,
                                               user_permissions__isnull=False).distinct()}
    assert holders == {}
    groups = {group.name: sorted(group.permissions.values_list("codename", flat=True))
              for group in Group.objects.filter(permissions__isnull=False).distinct()}
    assert groups == {}
    # The rule that matters, stated per model: nobody but superusers may, model-wide, view or
    # change a private model's rows.
    for user in User.objects.filter(is_superuser=False, is_active=True):
        perms = {p for p in user.get_all_permissions() if p.split(".")[0] in PRIVATE_APPS}
        assert not perms, (user.email, perms)
    # And what they do hold: the cluster managers' object permissions, nothing model-wide.
    assert newcomer.has_perm("clusters.manage_cluster", world.o.cluster_y)
    assert not newcomer.has_perm("clusters.manage_cluster")
