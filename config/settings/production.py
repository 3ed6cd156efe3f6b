"""Production: DEBUG off, HTTPS only, secrets and services from the environment (no defaults).

Works behind gunicorn serving TLS itself (--certfile/--keyfile) and behind a TLS-terminating
proxy that sets X-Forwarded-Proto (SECURE_PROXY_SSL_HEADER)."""

import os

os.environ["DEBUG"] = os.environ.get("DEBUG", "false")
# Logs for a collector by default: one JSON object per line (LOG_FORMAT=plain for people).
os.environ.setdefault("LOG_FORMAT", "json")

from .base import *  # noqa: F403
from .base import STORAGES, env

if DEBUG:  # noqa: F405
    raise RuntimeError("config.settings.production must not run with DEBUG on")

# Required, with no default: production never falls back to a development value.
SECRET_KEY = env("SECRET_KEY")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")
SITE_URL = env("SITE_URL").rstrip("/")  # links in e-mails
DATABASES = {"default": env.db("DATABASE_URL")}
vars().update(env.email_url("EMAIL_URL"))
CELERY_BROKER_URL = env("CELERY_BROKER_URL")  # production runs real workers
CELERY_TASK_ALWAYS_EAGER = False
# Shared by every web process (allauth's rate limits live here). Use another Redis database
# than the broker's, so that clearing the cache never drops queued tasks.
CACHES = {"default": env.cache("CACHE_URL")}

SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
# Load balancers probe /healthz over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
if env.bool("TRUST_X_FORWARDED_PROTO", default=True):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
LANGUAGE_COOKIE_SECURE = True
SESSION_COOKIE_NAME = "__Host-sessionid"
CSRF_COOKIE_NAME = "__Host-csrftoken"
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # An unreachable database fails a request within seconds (a 503, see core.errors) instead
    # of holding a worker for the operating system's TCP timeout.
    DATABASES["default"].setdefault("OPTIONS", {})["connect_timeout"] = env.int(
        "DB_CONNECT_TIMEOUT", default=5)
    # As in base.py (the database was rebuilt from DATABASE_URL above): no JIT for short queries.
    DATABASES["default"]["OPTIONS"].setdefault("options", "-c jit=off")

STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

ADMINS = [("Operators", a) for a in env.list("ADMIN_EMAILS", default=[])]
