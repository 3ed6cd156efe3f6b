"""Celery tasks for events."""

from celery import shared_task


@shared_task
def send_event_reminders() -> int:
    """Run by Celery beat every few minutes: reminders for events starting within
    EVENT_REMINDER_HOURS. Safe to run twice: each registration is reminded once."""
    from .services import send_reminders

    return send_reminders()
