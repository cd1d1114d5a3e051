"""Two worker processes sharing one database and one Redis send a broadcast once to each reader."""

from collections import Counter
from datetime import UTC, datetime

import pytest

from newsletter.models import Broadcast, Delivery
from newsletter.sequences import broadcasts

from .sequencing import make_subscriber
from .worker_harness import Engine, Worker, wait_for

pytestmark = [pytest.mark.worker]

NOON = datetime(2026, 11, 3, 17, 0, tzinfo=UTC)
READERS = 50


def all_sent() -> bool:
    rows = Delivery.objects.filter(broadcast__isnull=False)
    return rows.filter(status="sent").count() == READERS and rows.count() == READERS


@pytest.fixture
def two_workers(transactional_db, practice, tmp_path):
    """One engine (Redis, SMTP sink, a worker) plus a second worker process on the same ones."""
    engine = Engine(tmp_path, concurrency=2, chunk=5)
    second = Worker(engine.env, tmp_path / "second-worker.log", concurrency=2).start()
    yield engine, second
    second.stop()
    engine.stop()


def test_two_workers_send_a_broadcast_of_fifty_exactly_once_to_each_reader(two_workers, audience):
    engine, second = two_workers
    for n in range(READERS):
        make_subscriber(audience, f"reader{n}@example.com")
    letter = Broadcast.objects.create(slug="winter", subject="Winter letter", body="Hello.")
    letter.audiences.add(audience)
    broadcasts.schedule(letter, at=NOON)

    engine.beat.send_due(NOON.isoformat(), copies=2)  # two dispatch passes at once
    wait_for(all_sent, 60, "the broadcast to be sent", every=0.1)

    received = Counter(message["To"] for message in engine.sink.recorder.messages)
    assert received == Counter({f"reader{n}@example.com": 1 for n in range(READERS)})
    assert set(Delivery.objects.values_list("status", flat=True)) == {"sent"}
    first = engine.log.read_text().count("newsletter.tasks.send_batch[")
    other = (second.log).read_text().count("newsletter.tasks.send_batch[")
    assert first and other, "both workers took send tasks"
