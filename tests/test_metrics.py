"""/metrics: Prometheus text behind a bearer token, counters shared through Redis, no person."""

from datetime import UTC, datetime, timedelta

import pytest
import redis
import time_machine
from prometheus_client.parser import text_string_to_metric_families

from newsletter.delivery import dispatch, ratelimit
from newsletter.models import Delivery, Subscriber
from newsletter.observability import counters
from newsletter.subscribers import subscriptions, tokens

from .sequencing import enrolled, make_sequence, run_pass

NOON = datetime(2026, 11, 3, 17, 0, tzinfo=UTC)
TOKEN = "scrape-token-for-tests"


@pytest.fixture(autouse=True)
def metrics_token(settings):
    settings.METRICS_TOKEN = TOKEN


def scrape(client) -> dict:
    response = client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain; version=0.0.4")
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(response.content.decode())
        for sample in family.samples
    }


def test_metrics_answer_404_when_no_token_is_configured(client, settings, db):
    settings.METRICS_TOKEN = ""
    assert client.get("/metrics", headers={"Authorization": "Bearer "}).status_code == 404


def test_metrics_refuse_a_missing_or_wrong_token(client, db):
    assert client.get("/metrics").status_code == 401
    wrong = client.get("/metrics", headers={"Authorization": "Bearer guess"})
    assert wrong.status_code == 401
    assert wrong["WWW-Authenticate"].startswith("Bearer")


def test_every_metric_name_starts_with_newsletter(client, db):
    names = {name for name, _ in scrape(client)}
    assert names and all(name.startswith("newsletter_") for name in names)


def test_sends_skips_latency_and_subscriber_counts_are_shared_through_redis(
    client, audience, outbox, django_capture_on_commit_callbacks
):
    make_sequence(audience)
    reader = enrolled(audience, "reader@example.com", NOON)
    gone = enrolled(audience, "gone@example.com", NOON)
    with time_machine.travel(NOON + timedelta(minutes=2), tick=False):
        with django_capture_on_commit_callbacks() as send_tasks:
            dispatch.send_due(NOON)
        Subscriber.objects.filter(pk=gone.pk).update(status="bounced")  # before the send
        for send_task in send_tasks:
            send_task()
        with django_capture_on_commit_callbacks(execute=True):
            subscriptions.unsubscribe(reader, "one-click")
        seen = scrape(client)
    assert Delivery.objects.get(subscriber=reader).status == "sent"
    assert seen[("newsletter_emails_sent_total", (("kind", "sequence_step"),))] == 1
    assert seen[("newsletter_emails_skipped_total", (("kind", "sequence_step"),))] == 1
    assert seen[("newsletter_unsubscribes_total", (("channel", "one-click"),))] == 1
    assert seen[("newsletter_send_latency_seconds_count", ())] == 1
    assert seen[("newsletter_send_latency_seconds_bucket", (("le", "120.0"),))] == 1
    assert seen[("newsletter_send_latency_seconds_bucket", (("le", "60.0"),))] == 0


def test_subscribe_and_confirm_are_counted_with_the_confirmation_email(
    client, subscribe, audience, outbox, django_capture_on_commit_callbacks
):
    subscriber = subscribe("new@example.com", first_name="Nell")
    token = tokens.confirmation(subscriber, [audience.pk])
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(f"/confirm/{token}/").status_code == 200
    seen = scrape(client)
    assert seen[("newsletter_subscribes_total", ())] == 1
    assert seen[("newsletter_confirmations_total", ())] == 1
    assert seen[("newsletter_emails_sent_total", (("kind", "confirmation"),))] >= 1


def test_the_backlog_and_the_oldest_due_age_are_read_from_the_database(client, audience):
    make_sequence(audience)
    enrolled(audience, "waiting@example.com", NOON)
    with time_machine.travel(NOON + timedelta(minutes=30), tick=False):
        seen = scrape(client)
    assert seen[("newsletter_due_backlog", (("kind", "sequence_step"),))] == 1
    assert seen[("newsletter_due_backlog", (("kind", "broadcast"),))] == 0
    assert seen[("newsletter_oldest_due_age_seconds", ())] == 30 * 60


def test_beat_heartbeat_is_a_metric(client, db):
    from newsletter import tasks

    with time_machine.travel(NOON, tick=False):
        tasks.beat_heartbeat()
    seen = scrape(client)
    assert seen[("newsletter_beat_last_heartbeat_timestamp_seconds", ())] == NOON.timestamp()


def test_a_wait_for_the_shared_send_rate_is_counted(monkeypatch, client, db):
    monkeypatch.setattr(ratelimit.time, "sleep", lambda seconds: None)
    ratelimit._sleep_until(ratelimit.time.monotonic() + 0.5)
    seen = scrape(client)
    assert seen[("newsletter_rate_limit_waits_total", ())] == 1
    assert 0 < seen[("newsletter_rate_limit_wait_seconds_total", ())] <= 0.5


def test_a_provider_event_is_counted_by_type(client, db):
    from anymail.signals import AnymailTrackingEvent

    from newsletter.delivery import events

    events.record(AnymailTrackingEvent(event_type="delivered", message_id="nope"), "postmark")
    assert scrape(client)[("newsletter_provider_events_total", (("type", "delivered"),))] == 1


def test_with_redis_down_a_send_still_succeeds_and_the_miss_is_logged_once(
    monkeypatch, audience, outbox, django_capture_on_commit_callbacks
):
    warnings = []
    monkeypatch.setattr(counters.logger, "warning", lambda *args: warnings.append(args))
    dead = redis.Redis.from_url("redis://127.0.0.1:1/0", socket_connect_timeout=0.2)
    monkeypatch.setattr(counters, "client", lambda url: dead)
    monkeypatch.setitem(counters._state, "warned", False)
    make_sequence(audience)
    for n in range(3):
        enrolled(audience, f"reader{n}@example.com", NOON)
    run_pass(django_capture_on_commit_callbacks, NOON)
    assert set(Delivery.objects.values_list("status", flat=True)) == {"sent"}
    assert [args[0] for args in warnings] == ["Metrics are not counted: Redis is unreachable (%s)"]


def test_no_label_names_a_person_or_an_audience(client, subscribe, audience, outbox):
    subscribe("labelled@example.com", first_name="Lulu")
    text = client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"}).content.decode()
    assert "labelled" not in text and "Lulu" not in text and audience.slug not in text
