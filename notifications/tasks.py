"""Celery tasks: thin wrappers that take ids and call services."""

from celery import shared_task

from . import services


@shared_task(
    bind=True,
    autoretry_for=services.TRANSIENT_SMTP_ERRORS,
    retry_backoff=15,
    retry_backoff_max=30 * 60,
    retry_jitter=True,
    max_retries=services.MAX_ATTEMPTS,
    acks_late=True,
    reject_on_worker_lost=True,
)
def send_outbox_email(self, outbox_id: int) -> bool:
    return services.outbox_email_send(outbox_id=outbox_id)


@shared_task
def sweep_outbox() -> int:
    """Run by Celery beat: hand every overdue pending e-mail to a worker again."""
    ids = services.outbox_due_ids()
    for pk in ids:
        services.outbox_dispatch(outbox_id=pk)
    return len(ids)
