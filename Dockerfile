# Production image of the Cluster Policy Platform.
#
#   docker build -t clusterpolicy-platform .
#   docker run --env-file my.env -p 8000:8000 clusterpolicy-platform
#
# where my.env holds the variables listed in .env.production.example (the database and the
# broker must be reachable from the container). docker-compose.yml runs the whole stack.
#
# The default command serves the site with gunicorn on 0.0.0.0:8000 (plain HTTP, meant to sit
# behind a TLS-terminating proxy that sets X-Forwarded-Proto; see docker-compose.yml). The same
# image runs the Celery worker and beat: override the command (see docker-compose.yml).
FROM python:3.11-slim

# manage.py and celery default to the local settings: the image always runs production.
# gunicorn reads its worker count from WEB_CONCURRENCY; override it per deployment (2 x CPU
# cores + 1 per container is the usual starting point; 3 suits a small container).
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=config.settings.production \
    WEB_CONCURRENCY=3

WORKDIR /app

# An unprivileged user with a writable home (gunicorn puts its control socket under $HOME).
RUN groupadd --system --gid 10001 app \
    && useradd --system --uid 10001 --gid app --create-home --home-dir /home/app \
       --shell /usr/sbin/nologin app

# Dependencies first, so that a code change does not reinstall them. Every pinned package
# has a wheel for CPython 3.11 on Linux, so no compiler or system library is needed.
COPY requirements.lock ./
RUN pip install --no-cache-dir -r requirements.lock

# pg_dump / pg_restore for `manage.py backup_site` / `restore_site` (Debian 12's client is
# PostgreSQL 15, the version docker-compose.yml runs).
RUN apt-get update \
    && apt-get install -y --no-install-recommends postgresql-client \
    && rm -rf /var/lib/apt/lists/*

# The project (see .dockerignore). The code stays owned by root and read-only for the app
# user; only the media directory is writable.
COPY . .

# Static files are collected into /app/staticfiles (STATIC_ROOT) at build time and served by
# WhiteNoise. The settings refuse to load without SECRET_KEY, ALLOWED_HOSTS and
# the other required variables, so dummy values are given to this one command only: they are not kept
# in the image's environment. Nothing else is compiled: the translation catalogues (.mo) are
# committed under locale/.
RUN SECRET_KEY=collectstatic-build-only-not-a-secret \
    ALLOWED_HOSTS=build.invalid \
    SITE_URL=https://build.invalid \
    DATABASE_URL=sqlite:////tmp/build.sqlite3 \
    CACHE_URL=locmemcache:// \
    EMAIL_URL=consolemail:// \
    CELERY_BROKER_URL=redis://build.invalid:6379/0 \
    python manage.py collectstatic --noinput \
    && mkdir -p /app/media \
    && chown app:app /app/media

USER app

EXPOSE 8000

# Health of the web container: GET /healthz on the container's own port (database, cache,
# broker and storage; 200 only when all of them answer). From loopback /healthz is answered
# before Host validation and the HTTPS redirect, so the probe needs neither the public host
# name nor X-Forwarded-Proto. Uses http.client from the standard library (no curl in the
# image). It assumes gunicorn speaks plain HTTP on port 8000; if you make gunicorn serve TLS
# itself (--certfile/--keyfile), disable or replace this check. The worker and beat
# containers, which serve no HTTP, disable it in docker-compose.yml.
HEALTHCHECK --interval=30s --timeout=10s --start-period=30s --retries=3 \
    CMD python -c "import sys, http.client; conn = http.client.HTTPConnection('127.0.0.1', 8000, timeout=9); conn.request('GET', '/healthz', headers={'Host': 'localhost'}); sys.exit(0 if conn.getresponse().status == 200 else 1)"

# Access log and error log to stdout/stderr; worker count from WEB_CONCURRENCY (above);
# the heartbeat files on /dev/shm (a tmpfs) so that a slow disk never stalls a worker.
# Extra options (for example --certfile/--keyfile) can be passed in GUNICORN_CMD_ARGS.
CMD ["gunicorn", "config.wsgi:application", \
     "--bind", "0.0.0.0:8000", \
     "--access-logfile", "-", \
     "--error-logfile", "-", \
     "--worker-tmp-dir", "/dev/shm"]
