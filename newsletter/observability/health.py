"""Readiness: the database and Redis answer.

A send backlog or a silent beat is an alert (see the metrics), never a reason to take the
blog form out of a load balancer.
"""

import logging

from django.conf import settings
from django.db import connection

from . import counters

logger = logging.getLogger(__name__)


def _database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def _redis() -> None:
    counters.client(settings.REDIS_URL).ping()


CHECKS = {"database": _database, "redis": _redis}


def readiness() -> tuple[bool, dict[str, str]]:
    """("ok" or "unavailable") for each check, and whether all of them answered."""
    results = {}
    for name, check in CHECKS.items():
        try:
            check()
            results[name] = "ok"
        except Exception as error:  # noqa: BLE001 (any failure means: not ready)
            logger.warning("Readiness check %s failed: %s", name, error)
            results[name] = "unavailable"
    return all(value == "ok" for value in results.values()), results
