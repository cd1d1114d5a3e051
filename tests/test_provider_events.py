"""Every provider's tracking events, posted as the provider posts them, reach the ledger and the
reader as they should: delivered, soft or hard bounce, complaint, unsubscribe, or a refusal
that is the sender's doing and leaves the reader alone."""

import pytest
from django.db import OperationalError
from django.test import Client

from newsletter.models import (
    Broadcast,
    ConsentEvent,
    Delivery,
    Enrollment,
    Sequence,
    Subscriber,
    Suppression,
)
from newsletter.sequences import broadcasts

from .provider_cases import CASES
from .provider_effects import HARD, NOTHING, Effect
from .provider_payloads import sendgrid, ses
from .providers import NOON, configure, sent_row
from .sequencing import make_subscriber, run_pass


@pytest.fixture
def sent(audience, outbox, django_capture_on_commit_callbacks) -> Delivery:
    return sent_row(audience, django_capture_on_commit_callbacks)


def effect_on(row: Delivery, consent_after: int) -> Effect:
    row.refresh_from_db()
    reader = row.subscriber
    reader.refresh_from_db()
    consent = ConsentEvent.objects.filter(subscriber=reader, pk__gt=consent_after)
    return Effect(
        event=row.event,
        status=row.status,
        reader=reader.status,
        suppressed=Suppression.objects.values_list("reason", flat=True).first() or "",
        exit=Enrollment.objects.get(subscriber=reader).exit_reason,
        consent=tuple(consent.order_by("pk").values_list("kind", "channel")),
        failures=Sequence.objects.get(pk=row.step.sequence_id).consecutive_failures,
    )


def last_consent() -> int:
    return ConsentEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


@pytest.mark.parametrize(
    ("esp", "payload", "effect"),
    [
        pytest.param(esp, payload, effect, id=f"{esp}: {name}")
        for esp, cases in CASES.items()
        for name, payload, effect in cases
    ],
)
def test_each_provider_event_has_its_effect_on_the_ledger_and_the_reader(
    client, settings, sent, esp, payload, effect
):
    provider = configure(settings, esp)
    before = last_consent()
    response = provider.post(client, payload(sent))
    assert response.status_code == 200, response.content
    assert effect_on(sent, before) == effect


@pytest.mark.parametrize("esp", list(CASES))
def test_a_forged_event_changes_nothing_and_is_answered_as_a_client_error(
    client, settings, sent, esp
):
    provider = configure(settings, esp)
    hard_bounce = next(payload for name, payload, effect in CASES[esp] if effect == HARD)
    before = last_consent()
    response = provider.post(client, hard_bounce(sent), forged=True)
    assert 400 <= response.status_code < 500
    assert effect_on(sent, before) == NOTHING


def test_a_sender_side_refusal_of_a_whole_broadcast_pauses_it_and_suppresses_nobody(
    client, settings, audience, django_capture_on_commit_callbacks
):
    settings.SEND_AUTO_PAUSE_AFTER = 3
    provider = configure(settings, "amazon_ses")
    readers = [make_subscriber(audience, f"p{n}@example.com") for n in range(4)]
    broadcast = Broadcast.objects.create(slug="autumn", subject="Autumn letter", body="Hello.")
    broadcast.audiences.add(audience)
    broadcasts.schedule(broadcast, NOON)
    run_pass(django_capture_on_commit_callbacks, NOON)
    rows = list(Delivery.objects.filter(broadcast=broadcast).order_by("pk"))
    for row in rows[:3]:
        payload = ses(row, "Reject", {"reason": "Bad content"})
        payload["mail"]["destination"] = [row.subscriber.email]
        payload["mail"]["messageId"] = f"ses-{row.pk}"
        assert provider.post(client, payload).status_code == 200
    broadcast.refresh_from_db()
    assert broadcast.status == "paused" and "Bad content" in broadcast.paused_reason
    assert not Suppression.objects.exists()
    assert {
        reader.status for reader in Subscriber.objects.filter(pk__in=[r.pk for r in readers])
    } == {"active"}
    assert [row.status for row in Delivery.objects.filter(pk__in=[r.pk for r in rows[:3]])] == [
        "failed"
    ] * 3


def test_a_post_of_many_events_that_fails_part_way_changes_nothing(
    settings, audience, sent, monkeypatch
):
    provider = configure(settings, "sendgrid")
    other = make_subscriber(audience, "second@example.com")
    second = Delivery.objects.create(
        subscriber=other, step=sent.step, status="sent", sent_at=sent.sent_at
    )
    events = sendgrid(sent, "delivered") + sendgrid(second, "bounce", email=other.email)
    applied = []

    def fail_on_the_bounce(address, *reasons):
        applied.append(address)
        raise OperationalError("the database went away")

    monkeypatch.setattr("newsletter.delivery.events.never_mail_again", fail_on_the_bounce)
    response = provider.post(Client(raise_request_exception=False), events)
    assert response.status_code == 500 and applied == [other.email]
    assert list(Delivery.objects.order_by("pk").values_list("event", flat=True)) == ["", ""]
    assert not Suppression.objects.exists()
