"""Settings shared by every environment. Values come from the environment (see README)."""

import os
from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

from config.media_storage import media_storage

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
# A local .env file is read when present (never committed); real environment variables win.
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env("SECRET_KEY")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# Absolute address of the site, used for links in e-mails sent outside a request.
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
SITE_NAME = "Cluster Policy Platform"

# --- Applications -------------------------------------------------------------------------
DJANGO_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
]
THIRD_PARTY_APPS = [
    "allauth",
    "allauth.account",
    "guardian",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "django_countries",
    "csp",
]
LOCAL_APPS = [
    "core",
    "accounts",
    "notifications",
    "clusters",
    "workinggroups",
    "documents",
    "events",
    "projects",
    "institutions",
    "goodpractices",
    "search",
]
INSTALLED_APPS = DJANGO_APPS + THIRD_PARTY_APPS + LOCAL_APPS

MIDDLEWARE = [
    # Outermost: the request id and log line cover every other middleware, and a database
    # outage anywhere below becomes a 503 (with handler500 in config/urls.py).
    "core.middleware.RequestContextMiddleware",
    # The container's own health probe (loopback only), before Host validation and redirects.
    "core.middleware.LoopbackHealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # ?lang=ro|en: each language version of a page has its own address (hreflang).
    "core.i18n.QueryLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "accounts.middleware.ApprovedUsersOnlyMiddleware",
    "core.timezones.ViewerTimezoneMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Innermost: anonymous public pages from the cache, every middleware above still applies.
    "core.pagecache.PublicPageCacheMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "core.context_processors.site",
            ],
        },
    },
]

# --- Database -----------------------------------------------------------------------------
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Short OLTP queries: PostgreSQL's JIT compiler costs more than it saves here (bench/
    # measured 480 ms of JIT on a 600 ms directory query).
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# URLs typed without a scheme get https:// (the Django 6 default, chosen now).
FORMS_URLFIELD_ASSUME_HTTPS = True

# --- Cache (allauth keeps its rate-limit counters here: production needs a shared one) -----
CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://")}
# Anonymous public pages are cached whole and dropped at the next write to public content
# (core.pagecache); this bounds what changes with the clock alone ("upcoming"). 0 turns it off.
PUBLIC_PAGE_CACHE_SECONDS = env.int("PUBLIC_PAGE_CACHE_SECONDS", default=300)

# --- Authentication -------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
    "guardian.backends.ObjectPermissionBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
     "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "core:home"

# django-allauth (65.x setting names)
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
# Confirming the address must not log the user in: approval comes first.
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = False
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = f"[{SITE_NAME}] "
ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
ACCOUNT_FORMS = {
    "signup": "accounts.forms.SignupForm",
    "login": "accounts.forms.LoginForm",
}
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "confirm_email": "1/3m/key",
    "change_password": "5/m/user",
    # Django admin's login (not an allauth view): every attempt counts (accounts/admin.py).
    "admin_login": env("ADMIN_LOGIN_RATE_LIMIT", default="10/m/ip,5/5m/key"),
}
# Number of proxies in front of the site whose X-Forwarded-For allauth may trust.
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)

# django-guardian: no anonymous user row (object permissions are for approved users only).
ANONYMOUS_USER_NAME = None

# --- REST API -----------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.authentication.ApprovedTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["accounts.permissions.IsApprovedUser"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 25,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    # drf-spectacular's, documenting the error answers too (core/api.py).
    "DEFAULT_SCHEMA_CLASS": "core.api.AutoSchema",
    "DEFAULT_THROTTLE_RATES": {"auth-token": env("API_TOKEN_THROTTLE_RATE", default="10/min")},
    # Throttles key on the client's address: trust X-Forwarded-For as far as allauth does.
    "NUM_PROXIES": ALLAUTH_TRUSTED_PROXY_COUNT,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Cluster Policy Platform API",
    "DESCRIPTION": "Public and member API of the Cluster Policy Platform. "
    "Authenticate with `Authorization: Token <key>` (POST /api/v1/auth/token/).",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
}

# --- Internationalisation ---------------------------------------------------------------------
LANGUAGE_CODE = "ro"
LANGUAGES = [("ro", _("Romanian")), ("en", _("English"))]
# The project's catalogues (makemessages writes to the first path), then Romanian for
# django-allauth's texts with proper diacritics (allauth's own catalogue mostly omits them).
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "locale_overrides"]
TIME_ZONE = "Europe/Bucharest"
USE_I18N = True
USE_TZ = True
LANGUAGE_COOKIE_AGE = 60 * 60 * 24 * 365
LANGUAGE_COOKIE_SAMESITE = "Lax"

# --- Static and media files -----------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
# User files: under MEDIA_ROOT (MEDIA_STORAGE=filesystem, the default: one host) or in an S3 or
# S3-compatible bucket (MEDIA_STORAGE=s3 and the S3_* variables: any number of hosts); see
# config/media_storage.py.
STORAGES = {
    "default": media_storage(os.environ),
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# Largest document version accepted; enforced while the upload streams.
DOCUMENT_MAX_UPLOAD_BYTES = env.int("DOCUMENT_MAX_UPLOAD_MB", default=50) * 1024 * 1024
# Zip containers (DOCX, XLSX, PPTX, ODT, ODS, ODP, ZIP) are checked from their central directory
# before anything unpacks them: at most this many entries, this many bytes once unpacked, and
# no member larger than 1 MB compressed more than this ratio (documents.uploads).
UPLOAD_ZIP_MAX_ENTRIES = env.int("UPLOAD_ZIP_MAX_ENTRIES", default=2000)
UPLOAD_ZIP_MAX_UNCOMPRESSED = env.int("UPLOAD_ZIP_MAX_UNCOMPRESSED_MB", default=500) * 1024 * 1024
UPLOAD_ZIP_MAX_RATIO = env.int("UPLOAD_ZIP_MAX_RATIO", default=100)
# Documents stay this long in a group's trash before staff may purge them.
DOCUMENT_TRASH_RETENTION_DAYS = env.int("DOCUMENT_TRASH_RETENTION_DAYS", default=30)

# Events: registered attendees are reminded this many hours before the start (the beat task
# runs every EVENT_REMINDER_SWEEP_SECONDS).
EVENT_REMINDER_HOURS = env.int("EVENT_REMINDER_HOURS", default=24)
# Files up to this size stay in memory while uploading; larger ones go to a temporary file.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

# --- E-mail ---------------------------------------------------------------------------------
vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default=f"{SITE_NAME} <no-reply@localhost>")
SERVER_EMAIL = env("SERVER_EMAIL", default=DEFAULT_FROM_EMAIL)
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=20)
EMAIL_SUBJECT_PREFIX = f"[{SITE_NAME}] "

# --- Celery ---------------------------------------------------------------------------------
# Without a broker, tasks run in-process (the embedded default); with one, they go to workers.
CELERY_TASK_ALWAYS_EAGER = not env("CELERY_BROKER_URL", default="")
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="") or "memory://"
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Longer than any task or countdown: an unacknowledged task (its worker was killed) is
# redelivered after this many seconds. Tests shorten it with CELERY_VISIBILITY_TIMEOUT.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=60 * 60 * 2),
}
# Publishing gives up quickly when the broker is down: the outbox row is already saved and the
# sweeper below sends it later, so a request never hangs on an unreachable broker.
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 2, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.5,
}
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE = {
    "event-reminders": {
        "task": "events.tasks.send_event_reminders",
        "schedule": env.int("EVENT_REMINDER_SWEEP_SECONDS", default=300),
    },
    "sweep-outbox": {
        "task": "notifications.tasks.sweep_outbox",
        "schedule": env.int("OUTBOX_SWEEP_SECONDS", default=60),
    },
    "documents-daily-digest": {
        "task": "documents.tasks.send_daily_digests",
        "schedule": crontab(hour=env.int("DIGEST_HOUR", default=7), minute=0),
    },
}
# An outbox message still unsent this long after it was queued is handed to a worker again.
OUTBOX_RESEND_AFTER_SECONDS = env.int("OUTBOX_RESEND_AFTER_SECONDS", default=120)

# --- Security (production tightens these; see production.py) -------------------------------
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    },
}

# --- Logging --------------------------------------------------------------------------------
# LOG_FORMAT=json: one JSON object per line (for a log collector); plain: for people. Every
# record carries the request id or the Celery task id (core.logs); each request also gets one
# line on `clusterpolicy.request` with method, path, status, duration_ms and user_id.
LOG_FORMAT = env("LOG_FORMAT", default="plain")
if LOG_FORMAT not in ("json", "plain"):
    raise ValueError("LOG_FORMAT must be json or plain")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"ids": {"()": "core.logs.RequestIdFilter"}},
    "formatters": {
        "plain": {"()": "core.logs.PlainFormatter",
                  "format": "%(asctime)s %(levelname)s %(name)s%(context)s %(message)s"},
        "json": {"()": "core.logs.JSONFormatter"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT,
                             "filters": ["ids"]}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}

# --- Error reporting (Sentry or a Sentry-compatible server; off unless SENTRY_DSN is set) -----
SENTRY_DSN = env("SENTRY_DSN", default="")
if SENTRY_DSN:
    from core.sentry import init_error_reporting

    init_error_reporting(
        dsn=SENTRY_DSN,
        environment=env("SENTRY_ENVIRONMENT", default="production"),
        release=env("SENTRY_RELEASE", default=""),
        traces_sample_rate=env.float("SENTRY_TRACES_SAMPLE_RATE", default=0.0),
    )
