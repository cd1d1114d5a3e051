"""A database restart in the middle of a chunk: what the transport accepted stays recorded.

The worker's database connection is cut after the transport has accepted some emails. Those
rows must end "sent" (not left in "sending" for the stale rule to send again), the rows not
yet tried wait as queued, and nothing counts toward the broadcast's auto-pause.
"""

import os

import psycopg
import pytest
from django.core.mail.backends.locmem import EmailBackend
from django.db import OperationalError, connection

from newsletter.delivery import dispatch, sending
from newsletter.models import Broadcast, Delivery

from .sequencing import make_subscriber

pytestmark = pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="cuts a PostgreSQL connection from the server side",
)

READERS = 15
CUT_AFTER = 5
accepted: list[str] = []


def cut_this_connection() -> None:
    """Terminate the Django connection's server process, as a database restart does."""
    pid = connection.connection.info.backend_pid
    s = connection.settings_dict
    with psycopg.connect(
        dbname=s["NAME"],
        user=s["USER"],
        password=s["PASSWORD"] or None,
        host=s["HOST"] or "127.0.0.1",
        port=s["PORT"] or 5432,
        autocommit=True,
    ) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", [pid])


class CuttingBackend(EmailBackend):
    """Accepts every message; after the fifth, the database goes away under the worker."""

    def send_messages(self, messages):
        for message in messages:
            accepted.append(message.extra_headers["Message-ID"])
            if len(accepted) == CUT_AFTER:
                cut_this_connection()
        return len(messages)


def test_emails_accepted_before_the_database_dropped_are_recorded_as_sent(
    transactional_db, practice, audience, settings
):
    settings.MAILERS = {"default": {"BACKEND": f"{__name__}.CuttingBackend"}}
    accepted.clear()
    letter = Broadcast.objects.create(slug="spring", subject="Spring letter", body="Hello.")
    letter.audiences.add(audience)
    letter.status = Broadcast.Status.SENDING
    letter.save()
    for n in range(READERS):
        reader = make_subscriber(audience, f"reader{n}@example.com")
        Delivery.objects.create(
            subscriber=reader, broadcast=letter, message_id=dispatch.new_message_id()
        )
    ids = list(Delivery.objects.order_by("pk").values_list("pk", flat=True))

    with pytest.raises(OperationalError):  # the chunk stops where the database went away
        sending.send_batch(ids)
    connection.close()  # read the ledger afresh, as the worker's next task would

    rows = dict(Delivery.objects.values_list("message_id", "status"))
    assert accepted and len(accepted) < READERS
    assert {rows[message_id] for message_id in accepted} == {"sent"}
    assert list(rows.values()).count("queued") == READERS - len(accepted)
    assert "sending" not in rows.values()
    letter.refresh_from_db()
    assert letter.consecutive_failures == 0
    assert letter.status == Broadcast.Status.SENDING
