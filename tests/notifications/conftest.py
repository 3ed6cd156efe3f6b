"""Fixtures for the notifications tests that talk to real services."""

import pytest
from aiosmtpd.controller import Controller

from .helpers import Sink, free_port


@pytest.fixture
def smtp_sink(settings):
    """A local SMTP server; Django's SMTP backend (and a worker thread in this process) send
    to it."""
    sink = Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=free_port())
    controller.start()
    sink.port = controller.port
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = controller.hostname, controller.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    yield sink
    controller.stop()
