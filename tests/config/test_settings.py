"""Settings come from the environment; production settings are safe and pass check --deploy."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "config.settings.production",
    "SECRET_KEY": "a-long-random-production-secret-key-for-this-test-only-0123456789",
    "ALLOWED_HOSTS": "clusterpolicy.example.org",
    "CELERY_BROKER_URL": "redis://127.0.0.1:6379/0",
    "CACHE_URL": "redis://127.0.0.1:6379/1",
    "DATABASE_URL": "postgres://portal@127.0.0.1:5432/portal",
    "EMAIL_URL": "smtp+tls://mailer:secret@smtp.example.org:587",
    "SITE_URL": "https://clusterpolicy.example.org",
}


def run(code_or_args, env_overrides, *, unset=()):
    # A clean environment: only what a shell needs, not the test run's own settings.
    env = {k: v for k, v in os.environ.items()
           if k in ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR") and k not in unset}
    env.update(env_overrides)
    args = code_or_args if isinstance(code_or_args, list) else ["-c", code_or_args]
    return subprocess.run([sys.executable, *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=120, check=False)


def settings_of(env, *names, unset=()):
    code = ("import django, json; django.setup(); from django.conf import settings; "
            f"print(json.dumps({{n: str(getattr(settings, n, None)) for n in {list(names)!r}}}))")
    result = run(code, env, unset=unset)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_production_passes_the_deploy_check():
    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_is_https_only():
    values = settings_of(PRODUCTION_ENV, "DEBUG", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE",
                         "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS", "SECURE_PROXY_SSL_HEADER",
                         "CELERY_TASK_ALWAYS_EAGER", "X_FRAME_OPTIONS")
    assert values == {
        "DEBUG": "False",
        "SESSION_COOKIE_SECURE": "True",
        "CSRF_COOKIE_SECURE": "True",
        "SECURE_SSL_REDIRECT": "True",
        "SECURE_HSTS_SECONDS": "31536000",
        "SECURE_PROXY_SSL_HEADER": "('HTTP_X_FORWARDED_PROTO', 'https')",
        "CELERY_TASK_ALWAYS_EAGER": "False",
        "X_FRAME_OPTIONS": "DENY",
    }


@pytest.mark.parametrize("missing", ["SECRET_KEY", "ALLOWED_HOSTS", "CELERY_BROKER_URL",
                                     "CACHE_URL", "DATABASE_URL", "EMAIL_URL", "SITE_URL"])
def test_production_refuses_to_start_without_its_secrets(missing):
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != missing}
    result = run("import django; django.setup()", env, unset=[missing])
    assert result.returncode != 0
    assert missing in result.stderr


def test_production_refuses_debug():
    result = run("import django; django.setup()", {**PRODUCTION_ENV, "DEBUG": "true"})
    assert result.returncode != 0
    assert "DEBUG" in result.stderr


def test_embedded_default_needs_nothing_installed():
    values = settings_of({"DJANGO_SETTINGS_MODULE": "config.settings.local"},
                         "DEBUG", "CELERY_TASK_ALWAYS_EAGER", "EMAIL_BACKEND",
                         unset=["DATABASE_URL", "CACHE_URL"])
    assert values["DEBUG"] == "True"
    assert values["CELERY_TASK_ALWAYS_EAGER"] == "True"
    assert values["EMAIL_BACKEND"] == "django.core.mail.backends.console.EmailBackend"


def test_environment_configures_smtp_broker_and_database():
    values = settings_of({
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "EMAIL_URL": "smtp://mailer:s3cret@smtp.example.org:2525",
        "CELERY_BROKER_URL": "redis://127.0.0.1:6379/3",
        "DATABASE_URL": "postgres://portal@db.example.org:5433/portal",
    }, "EMAIL_BACKEND", "EMAIL_HOST", "EMAIL_PORT", "EMAIL_HOST_USER",
       "CELERY_TASK_ALWAYS_EAGER", "CELERY_BROKER_URL", "DATABASES")
    assert values["EMAIL_BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"
    assert values["EMAIL_HOST"] == "smtp.example.org"
    assert values["EMAIL_PORT"] == "2525"
    assert values["EMAIL_HOST_USER"] == "mailer"
    assert values["CELERY_TASK_ALWAYS_EAGER"] == "False"
    assert values["CELERY_BROKER_URL"] == "redis://127.0.0.1:6379/3"
    assert "'HOST': 'db.example.org'" in values["DATABASES"]
    assert "postgresql" in values["DATABASES"]


def test_no_secret_is_committed():
    base = (ROOT / "config/settings/base.py").read_text()
    production = (ROOT / "config/settings/production.py").read_text()
    assert 'SECRET_KEY = env("SECRET_KEY")\n' in base
    assert 'SECRET_KEY = env("SECRET_KEY")\n' in production
    assert "SECRET_KEY =" not in production.replace('SECRET_KEY = env("SECRET_KEY")\n', "")
