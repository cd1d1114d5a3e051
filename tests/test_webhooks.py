"""Outbound webhooks: signatures, payloads, delivery with retries, disabling, SSRF, erasure."""

import json
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from standardwebhooks import Webhook, WebhookVerificationError

from newsletter.integrations import outbound, targets, webhooks
from newsletter.models import WebhookEndpoint, WebhookMessage
from newsletter.subscribers import data_rights, subscriptions
from tests.webhook_receiver import Receiver

Status = WebhookMessage.Status
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def private_ok(settings):
    settings.WEBHOOKS_ALLOW_PRIVATE = True


def endpoint(url: str, events=("subscriber.unsubscribed",), **extra) -> WebhookEndpoint:
    return webhooks.register(url, list(events), **extra)


def test_signatures_match_the_standard_webhooks_test_vector():
    at = datetime.fromtimestamp(1614265330, UTC)
    headers = webhooks.signed_headers(
        "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
        "msg_p5jXN8AQM9LWM0D4loKWxJek",
        at,
        '{"test": 2432232314}',
    )
    assert headers["webhook-signature"] == "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
    assert headers["webhook-timestamp"] == "1614265330"


def test_a_changed_body_or_a_wrong_secret_fails_verification():
    secret = webhooks.new_secret()
    body = '{"type":"subscriber.paused"}'
    headers = webhooks.signed_headers(secret, "msg_1", datetime.now(UTC), body)
    Webhook(secret).verify(body, headers)
    with pytest.raises(WebhookVerificationError):
        Webhook(secret).verify(body.replace("paused", "erased"), headers)
    with pytest.raises(WebhookVerificationError):
        Webhook(webhooks.new_secret()).verify(body, headers)


def test_an_endpoint_needs_https_and_a_known_event(practice):
    with pytest.raises(ValidationError):
        endpoint("http://hooks.example.com/in")
    with pytest.raises(ValidationError):
        webhooks.register("https://hooks.example.com/in", ["subscriber.deleted"])
    assert WebhookEndpoint.objects.count() == 0


@pytest.mark.parametrize(
    "address", ["127.0.0.1", "10.1.2.3", "192.168.0.9", "169.254.169.254", "::1", "fe80::1"]
)
def test_loopback_private_and_link_local_targets_are_refused_after_resolution(address, settings):
    settings.WEBHOOKS_ALLOW_PRIVATE = False
    host = f"[{address}]" if ":" in address else address
    with pytest.raises(targets.Refused):
        targets.resolve(f"https://{host}/hook")


def test_a_name_resolving_to_loopback_is_refused_too(settings):
    settings.WEBHOOKS_ALLOW_PRIVATE = False
    with pytest.raises(targets.Refused, match="not a public address"):
        targets.resolve("https://localhost/hook")


def test_a_refused_target_is_logged_on_the_message_and_retried_later(practice, active_subscriber):
    endpoint("https://127.0.0.1/hook")
    outbound.emit("subscriber.unsubscribed", active_subscriber)
    message = WebhookMessage.objects.get()
    assert webhooks.deliver(message.pk) == Status.PENDING
    message.refresh_from_db()
    assert message.log[-1]["result"].startswith("refused")


def test_payloads_carry_the_public_id_and_address_but_no_topics_unless_asked(
    practice, active_subscriber
):
    endpoint("https://a.example.com/in")
    endpoint("https://b.example.com/in", include_topics=True)
    assert outbound.emit("subscriber.unsubscribed", active_subscriber) == 2
    plain, full = [m.payload["data"] for m in WebhookMessage.objects.order_by("pk")]
    assert plain == {"subscriber": active_subscriber.public_id, "email": "active@example.com"}
    assert full["audiences"] == ["ketamine-assisted-therapy"]


def test_only_endpoints_listening_for_the_event_get_it(practice, active_subscriber):
    endpoint("https://a.example.com/in", events=["consultation.booked"])
    assert outbound.emit("subscriber.unsubscribed", active_subscriber) == 0


def test_unsubscribing_emits_the_event_where_it_happens(practice, active_subscriber):
    endpoint("https://a.example.com/in")
    subscriptions.unsubscribe(active_subscriber, "one-click")
    assert WebhookMessage.objects.get().event == "subscriber.unsubscribed"


def test_a_message_is_posted_signed_to_a_receiver(private_ok, practice, active_subscriber):
    with Receiver() as receiver:
        hook = endpoint(receiver.url)
        outbound.emit("subscriber.unsubscribed", active_subscriber)
        message = WebhookMessage.objects.get()
        assert webhooks.deliver(message.pk) == Status.DELIVERED
    headers, body = receiver.requests[0]
    verified = Webhook(hook.secret).verify(body.decode(), headers)
    assert verified["data"]["subscriber"] == active_subscriber.public_id
    assert headers["webhook-id"] == message.message_id


def test_a_failing_receiver_is_retried_with_growing_waits_then_given_up(
    private_ok, practice, active_subscriber
):
    with Receiver(status=500) as receiver:
        endpoint(receiver.url)
        with _frozen(T0):
            outbound.emit("subscriber.unsubscribed", active_subscriber)
        message = WebhookMessage.objects.get()
        waits, now = [], T0
        while webhooks.deliver(message.pk, now=now) == Status.PENDING:
            message.refresh_from_db()
            waits.append(message.next_attempt_at - now)
            now = message.next_attempt_at
    assert waits[:3] == [timedelta(seconds=30), timedelta(minutes=1), timedelta(minutes=2)]
    assert max(waits) == timedelta(hours=4)
    message.refresh_from_db()
    assert message.status == Status.FAILED and now - T0 >= timedelta(hours=24)
    assert len(receiver.requests) == message.attempts


def test_an_endpoint_failing_for_24_hours_is_turned_off_with_a_notice(
    private_ok, practice, active_subscriber
):
    with Receiver(status=503) as receiver:
        hook = endpoint(receiver.url)
        with _frozen(T0):
            outbound.emit("subscriber.unsubscribed", active_subscriber)
        message = WebhookMessage.objects.get()
        webhooks.deliver(message.pk, now=T0)
        hook.refresh_from_db()
        assert hook.active
        WebhookMessage.objects.filter(pk=message.pk).update(next_attempt_at=T0)
        webhooks.deliver(message.pk, now=T0 + timedelta(hours=24))
    hook.refresh_from_db()
    assert not hook.active and "failed for 24 hours" in hook.disabled_reason
    assert outbound.emit("subscriber.unsubscribed", active_subscriber) == 0


def test_a_message_is_sent_once_even_when_the_sweep_and_its_task_both_run(
    private_ok, practice, active_subscriber
):
    with Receiver() as receiver:
        endpoint(receiver.url)
        outbound.emit("subscriber.unsubscribed", active_subscriber)
        message = WebhookMessage.objects.get()
        now = datetime.now(UTC)
        assert webhooks.deliver(message.pk, now=now) == Status.DELIVERED
        assert webhooks.deliver(message.pk, now=now) is None
    assert len(receiver.requests) == 1


def test_the_sweep_hands_due_messages_to_tasks(practice, active_subscriber, monkeypatch):
    endpoint("https://a.example.com/in")
    outbound.emit("subscriber.unsubscribed", active_subscriber)
    sent = []
    monkeypatch.setattr(webhooks.queue, "enqueue", lambda *args: sent.append(args))
    assert webhooks.sweep(now=datetime.now(UTC) + timedelta(seconds=1)) == 1
    assert sent == [("send_webhook", WebhookMessage.objects.get().pk)]


def test_erasure_removes_the_persons_payloads_and_sends_only_their_id(practice, active_subscriber):
    endpoint("https://a.example.com/in", events=["subscriber.unsubscribed", "subscriber.erased"])
    subscriptions.unsubscribe(active_subscriber, "one-click")
    data_rights.erase(active_subscriber)
    left = WebhookMessage.objects.get()
    assert left.event == "subscriber.erased"
    assert left.payload["data"] == {"subscriber": active_subscriber.public_id, "email": None}
    assert "active@example.com" not in json.dumps(left.payload)


def _frozen(moment):
    return time_machine.travel(moment, tick=False)
