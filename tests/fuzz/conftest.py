"""The world the API fuzzer runs against: the demo data (clusters, events, projects, institutions,
good practices, working groups with documents) plus a member and a staff user with API tokens.

The world is built once per module inside a transaction that is rolled back at the end, so no
row leaks into the rest of the suite; each generated request runs in a savepoint of its own that
is rolled back too (see `call_isolated` in test_api_schema.py), so a write never changes what the
next example sees.

Schemathesis sends its requests through the WSGI handler (werkzeug's test client), not Django's
test client, so the handler's `request_started`/`request_finished` signals reach
`close_old_connections`: inside our open transaction that would close the connection (on
PostgreSQL, losing the world). Django's own test client disconnects it for the same reason; the
world does so for as long as it exists."""

from dataclasses import dataclass
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from django.test import override_settings
from rest_framework.authtoken.models import Token

from documents.models import Document
from tests.factories import UserFactory
from workinggroups import services as group_services
from workinggroups.models import Membership, WorkingGroup


@dataclass(frozen=True)
class FuzzWorld:
    media_root: Path
    member_token: str
    staff_token: str


@pytest.fixture(scope="module")
def fuzz_world(django_db_setup, django_db_blocker, tmp_path_factory):
    media_root = tmp_path_factory.mktemp("fuzz-media")
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield from _build_world(django_db_blocker, media_root)
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def _build_world(django_db_blocker, media_root):
    with (django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media_root),
          transaction.atomic()):
        # seed_demo refuses to create its (known-password) accounts unless DEBUG is on.
        with override_settings(DEBUG=True):
            call_command("seed_demo", stdout=StringIO())
        member = UserFactory(email="fuzz-member@example.org")
        staff = UserFactory(staff=True, email="fuzz-staff@example.org")
        # The member coordinates the first group that has documents and belongs to every
        # other group: private documents, uploads and publishing are all reachable.
        groups = WorkingGroup.objects.filter(
            pk__in=Document.objects.values("group")).order_by("code")
        for index, group in enumerate(groups):
            role = Membership.Role.COORDINATOR if index == 0 else Membership.Role.MEMBER
            group_services.membership_add(group=group, user=member, by=None, role=role)
        try:
            yield FuzzWorld(
                media_root=media_root,
                member_token=Token.objects.create(user=member).key,
                staff_token=Token.objects.create(user=staff).key,
            )
        finally:
            transaction.set_rollback(True)


@pytest.fixture(autouse=True)
def _media_root(settings, fuzz_world):
    """Replaces the suite's per-test media folder: the world's files live in its own."""
    settings.MEDIA_ROOT = fuzz_world.media_root
