"""Celery tasks: thin wrappers that take ids and call services."""

from celery import shared_task

from . import services


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=None)
def send_outbox_email(self, outbox_id: int) -> bool:
    """Send one outbox e-mail; on a transient SMTP error retry with exponential backoff (the
    service counts the attempts and gives up after MAX_ATTEMPTS)."""
    try:
        return services.outbox_email_send(outbox_id=outbox_id)
    except services.SendDeferred as deferred:
        if self.request.is_eager:
            # In-process mode has no worker to wait for the retry: the row keeps its next
            # attempt time and the sweeper (Celery beat) or an operator sends it later.
            raise deferred.cause from deferred
        raise self.retry(exc=deferred.cause, countdown=deferred.delay) from deferred


@shared_task
def sweep_outbox() -> int:
    """Run by Celery beat: hand every pending e-mail whose task was lost to a worker again."""
    ids = services.outbox_due_ids()
    for pk in ids:
        services.outbox_dispatch(outbox_id=pk)
    return len(ids)
