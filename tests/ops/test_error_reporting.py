"""Error reporting to a Sentry-compatible server: off without SENTRY_DSN; with one, an
exception in a view is sent, without personal data. A capturing transport stands in for the
network, so nothing leaves the machine."""

import json

import sentry_sdk

from tests.config.test_settings import PRODUCTION_ENV, run

DSN = "https://0123456789abcdef@sentry.example.invalid/42"

# Runs in a fresh process with the production settings: the settings have initialised Sentry
# (or not) from the environment; the script swaps the transport before anything is sent.
SCRIPT = """
import json, sys, types
import django
django.setup()
import sentry_sdk
from sentry_sdk.transport import Transport
from django.test import Client, override_settings
from django.urls import path

client = sentry_sdk.get_client()
envelopes = []

class Capture(Transport):
    def capture_envelope(self, envelope):
        envelopes.append(envelope)

if client.is_active():
    client.transport = Capture(client.options)

def boom(request):
    raise RuntimeError("boom in a view")

urls = types.ModuleType("boom_urls")
urls.urlpatterns = [path("boom/", boom)]
sys.modules["boom_urls"] = urls
with override_settings(ROOT_URLCONF="boom_urls"):
    response = Client(raise_request_exception=False).post(
        "/boom/?token=abc", {"draft": "unpublished policy text"}, secure=True,
        HTTP_COOKIE="preferences=secret-cookie-value", REMOTE_ADDR="198.51.100.7")
sentry_sdk.flush(timeout=5)
events = [item.payload.json for envelope in envelopes for item in envelope.items
          if item.type == "event"]
print(json.dumps({
    "active": client.is_active(),
    "status": response.status_code,
    "options": {key: client.options.get(key) for key in
                ("environment", "release", "send_default_pii", "traces_sample_rate")},
    "integrations": sorted(getattr(client, "integrations", {})),
    "events": events,
}))
"""


def run_script(tmp_path, **env):
    result = run(SCRIPT, {**PRODUCTION_ENV, "DATABASE_URL": f"sqlite:///{tmp_path / 'db'}",
                          "CACHE_URL": "locmemcache://", "ALLOWED_HOSTS": "testserver",
                          **env})
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_the_suite_reports_nothing():
    assert not sentry_sdk.get_client().is_active()


def test_off_without_a_dsn(tmp_path):
    outcome = run_script(tmp_path)
    assert outcome["active"] is False
    assert outcome["status"] == 500
    assert outcome["events"] == []


def test_an_exception_in_a_view_is_sent_without_personal_data(tmp_path):
    outcome = run_script(tmp_path, SENTRY_DSN=DSN, SENTRY_ENVIRONMENT="staging",
                         SENTRY_RELEASE="1.4.2")
    assert outcome["active"] is True
    assert outcome["options"] == {"environment": "staging", "release": "1.4.2",
                                  "send_default_pii": False, "traces_sample_rate": 0.0}
    assert {"django", "celery"} <= set(outcome["integrations"])
    assert outcome["status"] == 500

    [event] = outcome["events"]
    [exception] = event["exception"]["values"]
    assert exception["type"] == "RuntimeError"
    assert exception["value"] == "boom in a view"
    assert event["transaction"] == "/boom/"
    assert event["environment"] == "staging"
    assert event["release"] == "1.4.2"
    sent = json.dumps(event)
    for private in ("secret-cookie-value", "unpublished policy text", "198.51.100.7"):
        assert private not in sent
