"""Error reporting to Sentry or any Sentry-compatible server (GlitchTip, self-hosted Sentry).

Off unless SENTRY_DSN is set; the settings call `init_error_reporting()` then. Unhandled
exceptions of views and Celery tasks are sent; personal data (cookies, user, IP address, form
bodies) is not (send_default_pii=False), and performance tracing is off unless
SENTRY_TRACES_SAMPLE_RATE says otherwise."""


def init_error_reporting(*, dsn: str, environment: str, release: str | None,
                         traces_sample_rate: float) -> None:
    import sentry_sdk
    from sentry_sdk.integrations.celery import CeleryIntegration
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        release=release or None,
        traces_sample_rate=traces_sample_rate,
        send_default_pii=False,
        # Request bodies may hold unpublished drafts: never attach them.
        max_request_body_size="never",
        integrations=[DjangoIntegration(), CeleryIntegration()],
    )
