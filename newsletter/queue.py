"""The one seam through which domain code enqueues a Celery task: by name, after commit.

Domain code never imports `tasks.py`; it names the task here, so no import circle can form.
The name is the task's registered name (`newsletter.tasks.<name>`), which queued messages
carry across deploys. Robust by default: a broker that is down is logged, never turned into
an error for the caller, because every task has a sweep that finds its work again in the
database.
"""

from functools import partial

from django.db import transaction

from celery_app import app

PREFIX = "newsletter.tasks."


def enqueue(task: str, *args, robust: bool = True) -> None:
    """Send `newsletter.tasks.<task>(*args)` once the current transaction commits."""
    transaction.on_commit(partial(send, task, *args), robust=robust)


def send(task: str, *args) -> None:
    """Send the task now; with eager tasks (tests, one-process runs) run it in this process."""
    name = PREFIX + task
    if app.conf.task_always_eager:
        app.loader.import_default_modules()  # registers the tasks without importing them here
        app.tasks[name].apply_async(args)
    else:
        app.send_task(name, args=args)
