"""Write a worker's results through a short database outage instead of dropping them.

Emails already handed to the transport must be recorded as sent, or the rows stay in
"sending" and, once stale, go out a second time. When the database connection breaks
(a restart, a failover, a dropped connection), the write is retried in a new connection
until it commits, for up to SEND_RECORD_PATIENCE_SECONDS (kept below
SEND_STALE_AFTER_SECONDS, so a row is never reconciled while its worker still records it).
"""

import logging
import time
from collections.abc import Callable

from django.conf import settings
from django.db import InterfaceError, OperationalError, connection, transaction

logger = logging.getLogger(__name__)

CONNECTION_ERRORS = (OperationalError, InterfaceError)


def write_through(write: Callable[[], None], patience: float | None = None) -> None:
    """Run `write` in one transaction; after a connection error, reconnect and run it again."""
    patience = settings.SEND_RECORD_PATIENCE_SECONDS if patience is None else patience
    deadline = time.monotonic() + patience
    pause = 0.0  # the first retry goes at once: a dropped connection is replaced at once
    while True:
        try:
            with transaction.atomic():
                write()
            return
        except CONNECTION_ERRORS as error:
            if connection.in_atomic_block or time.monotonic() + pause > deadline:
                raise
            logger.warning("database unavailable, recording again", extra={"error": str(error)})
            connection.close()  # the next query opens a fresh connection
            time.sleep(pause)  # waiting for the database to come back
            pause = min(max(pause * 2, 0.5), 5.0)
