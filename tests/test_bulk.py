"""The multi-row statements of the hot sending path, on SQLite and PostgreSQL alike."""

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from newsletter.delivery import bulk, dispatch
from newsletter.models import Delivery, Subscriber

from .sequencing import enrolled, make_sequence

NOON = datetime(2026, 11, 3, 17, 0, tzinfo=UTC)


def test_inserted_ledger_rows_come_back_by_id_with_every_other_field_at_its_default(audience):
    step = make_sequence(audience).steps.order_by("position").first()
    readers = [enrolled(audience, f"r{n}@example.com", NOON) for n in range(3)]
    rows = [dispatch.ledger_row(reader.pk, NOON, step=step) for reader in readers]
    ids = bulk.insert_rows(Delivery, dispatch.LEDGER_FIELDS, rows, batch=2)
    assert ids == sorted(Delivery.objects.values_list("pk", flat=True)) and len(ids) == 3
    row = Delivery.objects.get(subscriber=readers[1])
    assert (row.status, row.event, row.attempts, row.claim_token, row.sent_at) == (
        "queued",
        "",
        0,
        "",
        None,
    )
    assert (row.created_at, row.next_attempt_at) == (NOON, NOON + timedelta(seconds=120))
    assert row.message_id == rows[1][-1] and row.broadcast_id is None


def test_a_row_that_already_exists_is_skipped_and_not_returned(audience):
    step = make_sequence(audience).steps.order_by("position").first()
    first, second = (enrolled(audience, f"r{n}@example.com", NOON) for n in range(2))
    [kept] = bulk.insert_rows(
        Delivery, dispatch.LEDGER_FIELDS, [dispatch.ledger_row(first.pk, NOON, step=step)]
    )
    again = [
        dispatch.ledger_row(first.pk, NOON, step=step),
        dispatch.ledger_row(second.pk, NOON, step=step),
    ]
    [new] = bulk.insert_rows(Delivery, dispatch.LEDGER_FIELDS, again)
    assert Delivery.objects.get(subscriber=second).pk == new != kept
    assert Delivery.objects.filter(subscriber=first).count() == 1


def test_values_by_pk_reads_one_column_for_the_given_rows(audience):
    readers = [enrolled(audience, f"r{n}@example.com", NOON) for n in range(3)]
    Subscriber.objects.filter(pk=readers[2].pk).update(status="unsubscribed")
    wanted = [readers[0].pk, readers[2].pk, 10**9]
    assert bulk.values_by_pk(Subscriber, wanted, "status") == {
        readers[0].pk: "active",
        readers[2].pk: "unsubscribed",
    }
    assert bulk.values_by_pk(Subscriber, [], "status") == {}


def test_a_field_whose_default_is_made_per_row_must_be_given(audience):
    step = make_sequence(audience).steps.order_by("position").first()
    reader = enrolled(audience, "r@example.com", NOON)
    with pytest.raises(ValueError, match="created_at"):
        bulk.insert_rows(Delivery, ["subscriber", "step"], [(reader.pk, step.pk)])
    assert not Delivery.objects.exists()


def test_postgresql_analyses_the_ledger_again_after_many_new_rows(audience, settings):
    settings.LEDGER_ANALYZE_EVERY = 3
    bulk._since_analyse.clear()
    step = make_sequence(audience).steps.order_by("position").first()
    readers = [enrolled(audience, f"r{n}@example.com", NOON) for n in range(5)]
    rows = [dispatch.ledger_row(reader.pk, NOON, step=step) for reader in readers]

    def analyses(part) -> int:
        with CaptureQueriesContext(connection) as queries:
            bulk.insert_rows(Delivery, dispatch.LEDGER_FIELDS, part)
        return sum(query["sql"].startswith("ANALYZE") for query in queries.captured_queries)

    postgresql = connection.vendor == "postgresql"
    assert analyses(rows[:2]) == 0  # 2 new rows: not yet
    assert analyses(rows[2:4]) == int(postgresql)  # 4 since the last time
    assert analyses(rows[4:]) == 0  # counting starts again
