"""The sending path: ledger rows, claiming, the last-moment checks and the recorded result."""

from datetime import UTC, datetime, timedelta

import time_machine
from django.core import mail

from newsletter.delivery import dispatch, sending
from newsletter.models import Delivery, Enrollment, Suppression
from newsletter.subscribers import subscriptions
from newsletter.subscribers.addresses import suppression_hash

from .sequencing import enrolled, make_sequence, run_pass

TUESDAY_NOON = datetime(2026, 11, 3, 17, 0, tzinfo=UTC)  # 12:00 in New York


def test_a_due_step_gets_one_ledger_row_and_the_enrollment_moves_on(
    audience, outbox, django_capture_on_commit_callbacks
):
    make_sequence(audience)
    subscriber = enrolled(audience, "ada@example.com", TUESDAY_NOON)
    report = run_pass(django_capture_on_commit_callbacks, TUESDAY_NOON)
    delivery = Delivery.objects.get(subscriber=subscriber)
    enrollment = Enrollment.objects.get(subscriber=subscriber)
    assert (report.dispatched, delivery.status, delivery.step.position) == (1, "sent", 1)
    assert (enrollment.next_position, enrollment.last_sent_at) == (2, TUESDAY_NOON)
    assert enrollment.next_send_at == TUESDAY_NOON + timedelta(days=1)
    assert [m.to for m in outbox] == [["ada@example.com"]]


def test_the_message_id_is_recorded_on_the_row_and_matches_the_sent_email(
    audience, outbox, django_capture_on_commit_callbacks
):
    make_sequence(audience)
    enrolled(audience, "ada@example.com", TUESDAY_NOON)
    run_pass(django_capture_on_commit_callbacks, TUESDAY_NOON)
    delivery = Delivery.objects.get()
    assert delivery.message_id and outbox[0].extra_headers["Message-ID"] == delivery.message_id
    assert outbox[0].metadata == {"delivery_id": str(delivery.pk)}
    assert (delivery.attempts, delivery.sent_at is not None) == (1, True)


def test_a_second_pass_at_the_same_moment_sends_nothing_more(
    audience, outbox, django_capture_on_commit_callbacks
):
    make_sequence(audience)
    for n in range(5):
        enrolled(audience, f"p{n}@example.com", TUESDAY_NOON)
    run_pass(django_capture_on_commit_callbacks, TUESDAY_NOON)
    again = run_pass(django_capture_on_commit_callbacks, TUESDAY_NOON)
    assert (again.dispatched, len(outbox), Delivery.objects.count()) == (0, 5, 5)


def test_a_send_task_run_twice_sends_each_row_once(audience, outbox):
    make_sequence(audience)
    enrolled(audience, "ada@example.com", TUESDAY_NOON)
    dispatch.send_due(TUESDAY_NOON)  # rows committed, tasks not run
    ids = list(Delivery.objects.values_list("pk", flat=True))
    first = sending.send_batch(ids, TUESDAY_NOON)
    second = sending.send_batch(ids, TUESDAY_NOON)
    assert (len(first.sent), len(second.sent), len(outbox)) == (1, 0, 1)


def test_steps_outside_the_window_wait_and_are_not_dispatched(
    audience, outbox, django_capture_on_commit_callbacks
):
    make_sequence(audience)
    subscriber = enrolled(audience, "ada@example.com", TUESDAY_NOON)
    run_pass(django_capture_on_commit_callbacks, TUESDAY_NOON)
    Enrollment.objects.filter(subscriber=subscriber).update(next_send_at=TUESDAY_NOON)
    night = TUESDAY_NOON + timedelta(hours=10)  # 22:00 in New York
    report = run_pass(django_capture_on_commit_callbacks, night)
    enrollment = Enrollment.objects.get(subscriber=subscriber)
    assert (report.dispatched, report.rescheduled, len(outbox)) == (0, 1, 1)
    assert enrollment.next_send_at.astimezone(UTC).hour == 14  # 9:xx New York, next morning


def test_the_last_step_completes_the_enrollment(
    audience, outbox, django_capture_on_commit_callbacks
):
    make_sequence(audience, delays=[(0, "minutes")])
    subscriber = enrolled(audience, "ada@example.com", TUESDAY_NOON)
    run_pass(django_capture_on_commit_callbacks, TUESDAY_NOON)
    enrollment = Enrollment.objects.get(subscriber=subscriber)
    assert (enrollment.status, enrollment.next_send_at) == ("completed", None)


def _queued_row(audience, email="ada@example.com"):
    make_sequence(audience)
    subscriber = enrolled(audience, email, TUESDAY_NOON)
    dispatch.send_due(TUESDAY_NOON)
    return subscriber, Delivery.objects.get(subscriber=subscriber)


def test_an_unsubscribe_after_dispatch_stops_the_queued_email(audience, outbox):
    subscriber, row = _queued_row(audience)
    subscriptions.unsubscribe(subscriber, channel="one-click")
    sending.send_batch([row.pk], TUESDAY_NOON)
    row.refresh_from_db()
    assert (row.status, len(outbox)) == ("skipped", 0)


def test_a_suppressed_address_is_never_sent_even_when_queued(audience, outbox):
    subscriber, row = _queued_row(audience)
    Suppression.objects.create(address_hash=suppression_hash(subscriber.email), reason="bounced")
    sending.send_batch([row.pk], TUESDAY_NOON)
    row.refresh_from_db()
    assert (row.status, row.last_error, len(outbox)) == ("skipped", "address is suppressed", 0)


def test_a_bounced_subscriber_is_not_sent_the_queued_email(audience, outbox):
    subscriber, row = _queued_row(audience)
    subscriber.status = "bounced"
    subscriber.save()
    sending.send_batch([row.pk], TUESDAY_NOON)
    row.refresh_from_db()
    assert (row.status, row.last_error, len(outbox)) == ("skipped", "subscriber is bounced", 0)


def test_a_paused_subscriber_keeps_the_queued_email_until_resuming(
    audience, outbox, django_capture_on_commit_callbacks
):
    subscriber, row = _queued_row(audience)
    subscriptions.pause(subscriber, weeks=2)
    sending.send_batch([row.pk], TUESDAY_NOON)
    row.refresh_from_db()
    assert (row.status, row.next_attempt_at, len(outbox)) == ("queued", None, 0)
    with time_machine.travel(TUESDAY_NOON, tick=False):
        subscriptions.resume(subscriber)
    run_pass(django_capture_on_commit_callbacks, TUESDAY_NOON + timedelta(minutes=1))
    row.refresh_from_db()
    assert (row.status, len(outbox)) == ("sent", 1)


def test_a_paused_sequence_holds_queued_rows_and_an_archived_one_drops_them(audience, outbox):
    subscriber, row = _queued_row(audience)
    row.step.sequence.__class__.objects.update(status="paused")
    sending.send_batch([row.pk], TUESDAY_NOON)
    row.refresh_from_db()
    assert (row.status, row.next_attempt_at) == ("queued", None)
    row.step.sequence.__class__.objects.update(status="archived")
    sending.send_batch([row.pk], TUESDAY_NOON)
    row.refresh_from_db()
    assert (row.status, row.last_error, len(outbox)) == ("skipped", "sequence is archived", 0)


def test_a_row_whose_task_was_lost_is_enqueued_again_by_a_later_pass(
    audience, outbox, django_capture_on_commit_callbacks
):
    subscriber, row = _queued_row(audience)  # its task never ran: as if Redis lost it
    early = run_pass(django_capture_on_commit_callbacks, TUESDAY_NOON + timedelta(seconds=30))
    late = run_pass(django_capture_on_commit_callbacks, TUESDAY_NOON + timedelta(minutes=3))
    row.refresh_from_db()
    assert (early.requeued, late.requeued, row.status, len(outbox)) == (0, 1, "sent", 1)


def test_a_row_left_in_sending_by_a_dead_worker_is_resent_with_the_same_message_id(
    audience, outbox, django_capture_on_commit_callbacks
):
    subscriber, row = _queued_row(audience)
    claimed = sending.claim([row.pk], TUESDAY_NOON)  # the worker claims, then dies
    message_id = sending._messages(claimed[:1], sending.Results())[0][1]
    Delivery.objects.filter(pk=row.pk).update(message_id=claimed[0].message_id)
    report = run_pass(django_capture_on_commit_callbacks, TUESDAY_NOON + timedelta(minutes=11))
    row.refresh_from_db()
    assert message_id is not None and report.reconciled == 1
    assert (row.status, row.attempts, len(outbox)) == ("sent", 2, 1)
    assert outbox[0].extra_headers["Message-ID"] == claimed[0].message_id


def test_a_fresh_sending_row_is_left_alone(audience, outbox, django_capture_on_commit_callbacks):
    subscriber, row = _queued_row(audience)
    sending.claim([row.pk], TUESDAY_NOON)
    report = run_pass(django_capture_on_commit_callbacks, TUESDAY_NOON + timedelta(minutes=2))
    row.refresh_from_db()
    assert (report.reconciled, row.status, len(outbox)) == (0, "sending", 0)


def test_the_send_due_command_runs_one_pass_at_a_given_time(audience, outbox):
    from io import StringIO

    from django.core.management import call_command

    make_sequence(audience)
    enrolled(audience, "ada@example.com", TUESDAY_NOON)
    out = StringIO()
    call_command("send_due", "--now", TUESDAY_NOON.isoformat(), stdout=out)
    assert out.getvalue().startswith("dispatched 1,")
    assert Delivery.objects.get().created_at == TUESDAY_NOON


def test_the_send_due_command_explains_a_bad_time(db):
    import pytest
    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError, match="UTC offset"):
        call_command("send_due", "--now", "2026-11-03T12:00")
    assert mail.outbox == [] and Delivery.objects.count() == 0


def test_a_step_waits_while_the_previous_one_is_still_on_its_way(
    audience, outbox, django_capture_on_commit_callbacks
):
    make_sequence(audience, delays=[(0, "minutes"), (1, "minutes")])
    enrolled(audience, "ada@example.com", TUESDAY_NOON)
    dispatch.send_due(TUESDAY_NOON)  # step 1 queued, its task not yet run
    later = TUESDAY_NOON + timedelta(minutes=2)
    report = run_pass(django_capture_on_commit_callbacks, later)
    assert (report.rescheduled, Delivery.objects.count()) == (1, 1)
    assert Enrollment.objects.get().next_send_at == later + timedelta(minutes=5)


def test_a_task_that_waited_in_a_backlog_claims_at_its_own_time_not_the_dispatch_time():
    import time

    from newsletter.delivery import sending

    claimed = sending.claim_time(TUESDAY_NOON, time.time() - 900)  # queued 15 minutes ago
    assert TUESDAY_NOON + timedelta(seconds=899) <= claimed <= TUESDAY_NOON + timedelta(minutes=16)
    assert sending.claim_time(None, time.time()) is None
    assert sending.claim_time(TUESDAY_NOON, 0) == TUESDAY_NOON
