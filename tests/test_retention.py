"""Send detail older than DETAIL_RETENTION_DAYS folds into per-email counts; numbers stay."""

from datetime import UTC, datetime, timedelta

from celery_app import app
from newsletter.delivery import dispatch, retention
from newsletter.models import Broadcast, Click, Delivery, EmailTally

from .sequencing import enrolled, make_sequence, make_subscriber

NOW = datetime(2026, 12, 1, 15, 0, tzinfo=UTC)
OLD = NOW - timedelta(days=401)


def ledger_row(subscriber, created_at, **fields) -> Delivery:
    defaults = {
        "status": "sent",
        "message_id": "<m@example.com>",
        "esp_message_id": "esp-1",
        "last_error": "",
        "sent_at": created_at,
        "claimed_at": created_at,
    }
    return Delivery.objects.create(
        subscriber=subscriber, created_at=created_at, **(defaults | fields)
    )


def test_old_rows_keep_their_counts_in_a_tally_and_lose_their_detail(audience):
    letter = Broadcast.objects.create(slug="old", subject="Old letter", body=".")
    people = [make_subscriber(audience, f"p{n}@example.com") for n in range(4)]
    rows = [
        ledger_row(people[0], OLD, broadcast=letter, event="delivered"),
        ledger_row(people[1], OLD, broadcast=letter, event="bounced"),
        ledger_row(
            people[2], OLD, broadcast=letter, status="failed", last_error="550 p2@example.com"
        ),
    ]
    Click.objects.create(delivery=rows[0], created_at=OLD)
    Click.objects.create(delivery=rows[0], created_at=OLD)
    recent = ledger_row(people[3], NOW - timedelta(days=10), broadcast=letter, event="delivered")

    assert retention.fold_old_detail(NOW) == 3

    tally = EmailTally.objects.get(broadcast=letter)
    counts = (tally.sent, tally.failed, tally.delivered, tally.bounced, tally.clicks)
    assert counts == (2, 1, 1, 1, 2)
    for row in Delivery.objects.filter(pk__in=[r.pk for r in rows]):
        assert (row.message_id, row.esp_message_id, row.last_error, row.event) == ("",) * 4
        assert row.sent_at is None and row.claimed_at is None and row.folded_at == NOW
    assert Delivery.objects.filter(broadcast=letter, status="sent").count() == 3
    assert not Click.objects.filter(delivery__in=rows).exists()
    recent.refresh_from_db()
    assert recent.message_id and recent.event == "delivered" and recent.folded_at is None


def test_folding_twice_counts_nothing_twice_and_adds_later_rows(audience):
    letter = Broadcast.objects.create(slug="old", subject="Old letter", body=".")
    ledger_row(make_subscriber(audience, "a@example.com"), OLD, broadcast=letter)
    retention.fold_old_detail(NOW)
    assert retention.fold_old_detail(NOW) == 0
    ledger_row(make_subscriber(audience, "b@example.com"), OLD, broadcast=letter)
    retention.fold_old_detail(NOW)
    assert EmailTally.objects.get(broadcast=letter).sent == 2


def test_rows_still_waiting_to_go_are_left_alone(audience):
    letter = Broadcast.objects.create(slug="old", subject="Old letter", body=".")
    ledger_row(make_subscriber(audience, "a@example.com"), OLD, broadcast=letter, status="queued")
    assert retention.fold_old_detail(NOW) == 0


def test_a_step_folded_away_is_still_never_sent_to_the_same_person_again(
    audience, django_capture_on_commit_callbacks, outbox
):
    sequence = make_sequence(audience)
    start = NOW - timedelta(days=500)
    reader = enrolled(audience, "reader@example.com", start)
    with django_capture_on_commit_callbacks(execute=True):
        dispatch.send_due(start + timedelta(days=1))
    first_step = sequence.steps.get(position=1)
    assert Delivery.objects.filter(subscriber=reader, step=first_step).count() == 1
    retention.fold_old_detail(NOW)
    assert EmailTally.objects.filter(step=first_step).get().sent >= 1
    reader.enrollments.update(status="active", next_position=1, next_send_at=NOW)
    sent_before = len(outbox)
    with django_capture_on_commit_callbacks(execute=True):
        dispatch.send_due(NOW + timedelta(minutes=1))
    assert Delivery.objects.filter(subscriber=reader, step=first_step).count() == 1
    assert not [m for m in outbox[sent_before:] if m.subject == first_step.subject]


def test_the_fold_runs_daily_from_beat():
    entry = app.conf.beat_schedule["fold-old-detail"]
    assert entry["task"] == "newsletter.tasks.fold_old_detail"
