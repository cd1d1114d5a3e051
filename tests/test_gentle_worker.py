"""Gentle by design with a real Celery worker: a reader who joins two lists at once.

One sequence at a time (the default): the second sequence starts only after the first ends.
"""

from datetime import UTC, datetime, timedelta

import pytest

from newsletter.models import Audience, Delivery
from newsletter.sequences import sequences

from .sequencing import make_sequence, make_subscriber
from .worker_harness import Engine, run_clock

pytestmark = [pytest.mark.worker]

START = datetime(2026, 11, 3, 15, 0, tzinfo=UTC)  # a Tuesday, inside the send window
STEPS = [(0, "minutes"), (1, "days")]


@pytest.fixture
def engine(transactional_db, practice, tmp_path):
    engine = Engine(tmp_path)
    yield engine
    engine.stop()


def reader_in_two_lists(audience):
    emdr = Audience.objects.get(slug="emdr")
    make_sequence(audience, delays=STEPS, slug="first")
    make_sequence(emdr, delays=STEPS, slug="second")
    reader = make_subscriber(audience, "both@example.com")
    reader.audiences.add(emdr)
    sequences.enroll(reader, [audience, emdr], now=START)
    return reader


def sent_by_sequence(reader) -> dict[str, list[datetime]]:
    rows = Delivery.objects.filter(subscriber=reader, status="sent").select_related(
        "step__sequence"
    )
    found: dict[str, list[datetime]] = {"first": [], "second": []}
    for row in rows.order_by("created_at"):
        found[row.step.sequence.slug].append(row.created_at)
    return found


def test_the_second_sequence_starts_only_after_the_first_ends(engine, audience):
    reader = reader_in_two_lists(audience)
    run_clock(engine.beat, START)
    sent = sent_by_sequence(reader)
    assert len(sent["first"]) == len(sent["second"]) == 2
    assert sent["first"][0] < START + timedelta(minutes=30)  # the welcome goes now
    assert min(sent["second"]) > max(sent["first"])
    assert len(engine.sink.recorder.messages) == 4
