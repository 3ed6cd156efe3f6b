"""Fuzz the REST API from its own OpenAPI schema (issue 8): for every operation, requests that
schemathesis generates from the schema (valid ones and deliberately invalid ones) never get a
server error, and every response matches what the schema declares: status code, content type,
body and headers.

The schema is the one the site serves at /api/schema/, loaded in-process through Django's WSGI
application (no server). Each operation is fuzzed as an anonymous client, as an approved member
(`Authorization: Token <key>`) and as staff.

FUZZ_EXAMPLES sets the number of generated examples per operation and role (default 15: the
suite's and CI's short run; `make fuzz` runs 200); schemathesis adds its deterministic coverage
examples (boundary values, missing and wrongly typed fields) to every run. Runs of up to 50
examples are derandomized, so the suite and CI send the same requests every time. Longer runs
are random and keep Hypothesis's example database (.hypothesis/), so a failure found once is
replayed first next time; a failure names the run's seed, and FUZZ_SEED=<n> replays that run
(it also makes a short run random with that seed)."""

import os

import pytest
import schemathesis
from django.core.cache import cache
from django.core.wsgi import get_wsgi_application
from django.db import transaction
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES") or 15)
SEED = os.environ.get("FUZZ_SEED")
# Short runs (the suite, CI) send the same requests every time.
DERANDOMIZE = not SEED and EXAMPLES <= 50

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
]

fuzz_settings = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=DERANDOMIZE,
    database=None if DERANDOMIZE else settings.default.database,
    print_blob=True,
    # The function-scoped fixtures (settings, cache, language) hold nothing an example changes:
    # each example's writes are rolled back in `call_isolated` below.
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                           HealthCheck.filter_too_much, HealthCheck.data_too_large],
)

schema = schemathesis.openapi.from_wsgi("/api/schema/", get_wsgi_application())
if SEED:
    # Schemathesis mixes the seed with each operation's name; otherwise it draws one per run.
    schema.config.seed = int(SEED)

# Gives the tests the test database (pytest-django creates it only for tests that ask for it)
# and wraps each test in a transaction of its own, inside the world's (conftest.py).
pytestmark = pytest.mark.django_db


def fuzz(test):
    return fuzz_settings(test)


def call_isolated(case, token=None):
    """Send the case and check the response, in a savepoint rolled back afterwards: what one
    example creates, changes or deletes is gone before the next one runs."""
    headers = {"Accept-Language": "en"}
    if token is not None:
        headers["Authorization"] = f"Token {token}"
    with transaction.atomic():
        try:
            case.call_and_validate(headers=headers, checks=CHECKS)
        except Exception as failure:
            if not DERANDOMIZE:
                failure.add_note(f"Replay this run: FUZZ_SEED={schema.config.seed} "
                                 f"FUZZ_EXAMPLES={EXAMPLES} make fuzz")
            raise
        finally:
            # Set only now: a transaction marked for rollback refuses every further query.
            transaction.set_rollback(True)
            # Rate-limit counters live in the cache: they are state an example changes too.
            cache.clear()


@schema.parametrize()
@fuzz
def test_anonymous(case, fuzz_world):
    call_isolated(case)


@schema.parametrize()
@fuzz
def test_member(case, fuzz_world):
    call_isolated(case, token=fuzz_world.member_token)


@schema.parametrize()
@fuzz
def test_staff(case, fuzz_world):
    call_isolated(case, token=fuzz_world.staff_token)
