"""Structured logs: a request id in and out (X-Request-ID) and on every record of the request,
one JSON line per request with the user and the duration, and the task id on every record of
a Celery task."""

import json
import logging
import re

import pytest
from django.conf import settings as django_settings

from config.celery import app as celery_app
from core.logs import JSONFormatter, PlainFormatter, RequestIdFilter
from tests.config.test_settings import PRODUCTION_ENV, run


class JSONLines(logging.Handler):
    """What the production handler writes (the ids filter, the JSON formatter), in a list."""

    def __init__(self):
        super().__init__(level=logging.DEBUG)
        self.addFilter(RequestIdFilter())
        self.setFormatter(JSONFormatter())
        self.lines = []

    def emit(self, record):
        self.lines.append(json.loads(self.format(record)))


@pytest.fixture
def json_lines():
    handler = JSONLines()
    root = logging.getLogger()
    old_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    yield handler.lines
    root.removeHandler(handler)
    root.setLevel(old_level)


def request_lines(lines):
    return [line for line in lines if line["logger"] == "clusterpolicy.request"]


@pytest.mark.django_db
def test_a_sane_request_id_is_kept_and_returned(client):
    response = client.get("/", HTTP_X_REQUEST_ID="proxy-1234.abc_DEF")
    assert response["X-Request-ID"] == "proxy-1234.abc_DEF"


@pytest.mark.django_db
@pytest.mark.parametrize("incoming", [None, "", "a b", "x" * 65, "id\r\nX-Evil: 1", "ș"])
def test_a_missing_or_unsafe_request_id_is_replaced(client, incoming):
    extra = {} if incoming is None else {"HTTP_X_REQUEST_ID": incoming}
    first = client.get("/", **extra)["X-Request-ID"]
    second = client.get("/", **extra)["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", first)
    assert first != second


@pytest.mark.django_db
def test_one_json_line_per_request_with_user_and_duration(client, user, json_lines):
    client.force_login(user)
    response = client.get("/accounts/profile/", HTTP_X_REQUEST_ID="req-42")
    assert response.status_code == 200
    [line] = request_lines(json_lines)
    assert line["request_id"] == "req-42"
    assert line["method"] == "GET"
    assert line["path"] == "/accounts/profile/"
    assert line["status"] == 200
    assert line["user_id"] == user.pk
    assert isinstance(line["duration_ms"], float)
    assert line["duration_ms"] >= 0
    assert line["level"] == "INFO"


@pytest.mark.django_db
def test_anonymous_requests_log_no_user(client, json_lines):
    client.get("/")
    [line] = request_lines(json_lines)
    assert line["user_id"] is None
    assert line["status"] == 200


@pytest.mark.django_db
def test_every_record_of_a_request_carries_its_id(client, json_lines):
    # Django logs the 404 itself ("Not Found", on django.request), inside the request.
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    request_id = response["X-Request-ID"]
    django_line = next(line for line in json_lines if line["logger"] == "django.request")
    assert django_line["request_id"] == request_id
    # Outside a request there is no id.
    logging.getLogger("clusterpolicy.test").warning("after the request")
    assert "request_id" not in json_lines[-1]


@celery_app.task(name="tests.ops.log_inside_a_task")
def log_inside_a_task():
    logging.getLogger("clusterpolicy.test").warning("inside the task")


def test_celery_task_records_carry_the_task_id(json_lines):
    result = log_inside_a_task.apply()
    [line] = [line for line in json_lines if line["message"] == "inside the task"]
    assert line["task_id"] == result.id
    assert "request_id" not in line


def test_the_settings_install_the_ids_filter(settings):
    # The suite runs with the plain format (LOG_FORMAT's default): its handler has the filter.
    console = next(h for h in logging.getLogger().handlers
                   if any(isinstance(f, RequestIdFilter) for f in h.filters))
    assert isinstance(console.formatter, PlainFormatter)
    assert django_settings.LOGGING["handlers"]["console"]["formatter"] == "plain"


def test_celery_workers_keep_the_settings_logging():
    # With a setup_logging receiver, Celery does not replace the handlers of LOGGING.
    from celery.signals import setup_logging

    from config.celery import use_django_logging

    assert any(receiver() is use_django_logging for _, receiver in setup_logging.receivers)


def test_production_logs_one_json_object_per_line(tmp_path):
    code = ("import django, logging; django.setup(); "
            "logging.getLogger('clusterpolicy.test').warning('hello %s', 'world', "
            "extra={'user_id': 7})")
    result = run(code, {**PRODUCTION_ENV, "DATABASE_URL": f"sqlite:///{tmp_path / 'db'}"})
    assert result.returncode == 0, result.stderr
    [line] = [json.loads(text) for text in result.stderr.splitlines() if "hello" in text]
    assert line["message"] == "hello world"
    assert line["level"] == "WARNING"
    assert line["user_id"] == 7
    assert line["time"].endswith("+00:00")

    plain = run(code, {**PRODUCTION_ENV, "LOG_FORMAT": "plain",
                       "DATABASE_URL": f"sqlite:///{tmp_path / 'db'}"})
    assert "WARNING clusterpolicy.test hello world" in plain.stderr


def test_an_unknown_log_format_is_refused():
    result = run("import django; django.setup()", {**PRODUCTION_ENV, "LOG_FORMAT": "xml"})
    assert result.returncode != 0
    assert "LOG_FORMAT" in result.stderr
