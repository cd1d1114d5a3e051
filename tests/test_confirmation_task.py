"""The confirmation task mails only addresses that may still be mailed, and none is lost."""

from datetime import timedelta

from django.utils import timezone

from newsletter import queue, tasks
from newsletter.models import Membership, Suppression
from newsletter.subscribers import addresses, confirmations, subscriptions

from .sequencing import make_sequence


def test_the_task_sends_nothing_to_an_address_suppressed_after_it_was_queued(
    subscribe, outbox, audience
):
    subscriber = subscribe("later-bounced@example.com")
    outbox.clear()
    Suppression.objects.create(
        address_hash=addresses.suppression_hash(subscriber.email), reason="bounced"
    )
    assert tasks.send_confirmation(subscriber.pk, [audience.pk]) is False
    assert outbox == []


def test_the_task_sends_the_confirmation_to_a_pending_address(subscribe, outbox, audience):
    subscriber = subscribe("pending@example.com")
    outbox.clear()
    assert tasks.send_confirmation(subscriber.pk, [audience.pk]) is True
    assert [m.to for m in outbox] == [["pending@example.com"]]


def test_a_topic_joined_while_paused_enrolls_so_the_series_starts_after_the_pause(
    active_subscriber, audience
):
    subscriptions.pause(active_subscriber, 2)
    active_subscriber.refresh_from_db()
    Membership.objects.filter(subscriber=active_subscriber).delete()
    sequence = make_sequence(audience)
    subscriptions.join(active_subscriber, [audience])
    assert active_subscriber.enrollments.filter(sequence=sequence, status="active").count() == 1


def test_an_unreachable_broker_never_turns_subscribing_into_an_error_page(
    transactional_db, client, monkeypatch
):
    from newsletter.management import demo

    demo.load_demo(sequences=False)  # a real commit runs the on-commit enqueue
    calls = []
    from kombu.exceptions import OperationalError

    def broker_down(*args, **kwargs):
        calls.append(args)
        raise OperationalError("Error 111 connecting to 127.0.0.1:1. Connection refused.")

    monkeypatch.setattr(queue, "send", broker_down)
    response = client.post(
        "/subscribe/",
        {"email": "reader@example.com", "consent": "yes"},
        headers={"Accept": "application/json"},
    )
    assert response.status_code == 200 and response.json()["ok"] is True
    assert len(calls) == 1  # the enqueue was attempted, failed, and was only logged


def test_a_confirmation_lost_with_the_broker_is_sent_by_the_next_sweep(
    subscribe, outbox, audience, monkeypatch, django_capture_on_commit_callbacks
):
    send = queue.send
    monkeypatch.setattr(queue, "send", lambda *args: None)  # lost message
    subscriber = subscribe("lost@example.com")
    assert outbox == []
    monkeypatch.setattr(queue, "send", send)
    soon = timezone.now() + timedelta(minutes=2)
    assert confirmations.resend_lost(soon) == 0  # too early: the task may still be on its way
    later = timezone.now() + timedelta(minutes=11)
    with django_capture_on_commit_callbacks(execute=True):
        assert confirmations.resend_lost(later) == 1
    assert [m.to for m in outbox] == [["lost@example.com"]]
    assert audience.name in outbox[0].body
    subscriber.refresh_from_db()
    assert subscriber.confirmation_mailed_at is not None
    assert confirmations.resend_lost(later) == 0  # sent once, not again


def test_the_sweep_leaves_confirmations_that_were_sent_alone(subscribe, outbox):
    subscribe("fine@example.com")
    assert len(outbox) == 1
    assert confirmations.resend_lost(timezone.now() + timedelta(minutes=11)) == 0
