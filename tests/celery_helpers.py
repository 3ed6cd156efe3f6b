"""Point the project's Celery app at a real broker for one test, then restore it."""

from contextlib import contextmanager

from config import celery_app


def _forget_connections():
    # What Celery itself does after a fork: drop the pools so the next publish connects anew.
    celery_app._pool = None
    amqp = celery_app.__dict__.get("amqp")
    if amqp is not None:
        amqp._producer_pool = None


@contextmanager
def celery_broker(url: str, *, eager: bool = False):
    old = {"broker_url": celery_app.conf.broker_url,
           "task_always_eager": celery_app.conf.task_always_eager}
    _forget_connections()
    celery_app.conf.update(broker_url=url, task_always_eager=eager)
    try:
        yield celery_app
    finally:
        _forget_connections()
        celery_app.conf.update(old)
