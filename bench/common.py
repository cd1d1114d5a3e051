"""Shared set-up for the benchmarks: a scratch database, Django, and a discarding transport."""

import os
import resource
import socket
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


SCRATCH = Path(tempfile.gettempdir()) / "newsletter-bench"


class TimedOut(RuntimeError):
    pass


def free_port() -> int:
    """A free TCP port on loopback, for a server a bench starts."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(condition, timeout: float, what: str, every: float = 0.2, tolerate=()):
    """Poll `condition` until it returns something true (returned), or raise TimedOut;
    exceptions of the `tolerate` types count as "not yet"."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            value = condition()
        except tolerate:
            value = None
        if value:
            return value
        time.sleep(every)
    raise TimedOut(f"timed out after {timeout:.0f}s waiting for {what}")


def configure(database: str | None, mailer: dict | None = None, fresh: bool = True) -> None:
    """Point Django at a scratch database (migrated and emptied when `fresh`) and set up."""
    scratch = SCRATCH
    scratch.mkdir(exist_ok=True)
    os.environ.update(
        DJANGO_SETTINGS_MODULE="newsletter.settings",
        DEBUG="false",  # DEBUG keeps every query's SQL in memory
        SECURE_SSL_REDIRECT="false",
        SECRET_KEY=os.environ.get("SECRET_KEY", "bench-secret-key-not-for-production"),
        VAR_DIR=str(scratch),
        DATABASE_URL=database or f"sqlite:///{scratch}/bench.sqlite3",
        LOG_LEVEL="WARNING",
        SEND_RATE_PER_SECOND=os.environ.get("SEND_RATE_PER_SECOND", "1000000"),
    )
    if database and database.startswith("postgres"):
        _create_postgres_database(database)
    import django
    from django.conf import settings

    django.setup()
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.MAILERS = {"default": mailer or {"BACKEND": "bench.common.DiscardingBackend"}}
    from celery_app import app

    app.conf.task_always_eager = True
    from django.core.management import call_command

    if fresh:
        call_command("migrate", verbosity=0)
        call_command("flush", interactive=False, verbosity=0)


def settle() -> None:
    """After a bulk fill, give PostgreSQL's planner the statistics autovacuum would gather.

    Rows inserted in bulk into tables that were just emptied leave the planner estimating
    one row per table, and it then picks plans that scan everything per chunk; a live
    database, filled by people subscribing over time, is analysed as it grows.
    """
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")


def _create_postgres_database(url: str) -> None:
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin_url = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin_url, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def discarding_backend_class():
    from django.core.mail.backends.base import BaseEmailBackend

    class Discarding(BaseEmailBackend):
        """In-memory transport: builds each MIME message as Django's locmem backend does
        (`message.message()`), then keeps nothing, so memory stays flat at any N."""

        def send_messages(self, messages):
            for message in messages:
                message.message()
            return len(messages)

    return Discarding


def __getattr__(name: str):
    if name == "DiscardingBackend":
        return discarding_backend_class()
    raise AttributeError(name)
