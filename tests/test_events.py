"""Provider events: a bounce or a spam complaint stops all mail to the address at once."""

import base64
import json
from datetime import UTC, datetime

import pytest
from anymail.signals import AnymailTrackingEvent, tracking

from newsletter import addresses
from newsletter.models import ConsentEvent, Delivery, Enrollment, Suppression

from .sequencing import enrolled, make_sequence, run_pass

NOON = datetime(2026, 11, 3, 17, 0, tzinfo=UTC)
SECRET = "hooks:s3cret-for-tests"


@pytest.fixture
def sent(audience, outbox, django_capture_on_commit_callbacks):
    """One reader who has received the first step of a four-step sequence."""
    make_sequence(audience)
    reader = enrolled(audience, "reader@example.com", NOON)
    run_pass(django_capture_on_commit_callbacks, NOON)
    return Delivery.objects.get(subscriber=reader)


def postmark(client, payload: dict, secret: str = SECRET):
    auth = base64.b64encode(secret.encode()).decode()
    return client.post(
        "/anymail/postmark/tracking/",
        json.dumps(payload),
        content_type="application/json",
        headers={"Authorization": f"Basic {auth}"},
    )


def hard_bounce(delivery: Delivery) -> dict:
    return {
        "RecordType": "Bounce",
        "Type": "HardBounce",
        "TypeCode": 1,
        "ID": 42,
        "MessageID": "883953f4-6105-42a2-a16a-77a8eac79483",
        "Email": delivery.subscriber.email,
        "BouncedAt": "2026-11-03T17:05:00Z",
        "Description": "The server was unable to deliver your message.",
        "Details": "smtp;550 5.1.1 The email account that you tried to reach does not exist.",
        "Metadata": {"delivery_id": str(delivery.pk)},
    }


def test_a_hard_bounce_from_the_provider_suppresses_the_address_and_ends_its_sequence(
    client, settings, sent, outbox, django_capture_on_commit_callbacks
):
    settings.ANYMAIL = {**settings.ANYMAIL, "WEBHOOK_SECRET": SECRET}
    assert postmark(client, hard_bounce(sent)).status_code == 200
    sent.refresh_from_db()
    reader = sent.subscriber
    reader.refresh_from_db()
    assert (sent.event, reader.status) == ("bounced", "bounced")
    assert Suppression.objects.filter(
        address_hash=addresses.suppression_hash("reader@example.com"), reason="bounced"
    ).exists()
    assert Enrollment.objects.get(subscriber=reader).exit_reason == "bounced"
    outbox.clear()
    run_pass(django_capture_on_commit_callbacks, datetime(2026, 11, 20, 17, 0, tzinfo=UTC))
    assert outbox == []


def test_the_webhook_refuses_a_caller_without_the_secret(client, settings, sent):
    settings.ANYMAIL = {**settings.ANYMAIL, "WEBHOOK_SECRET": SECRET}
    response = postmark(client, hard_bounce(sent), secret="hooks:guessed")
    assert response.status_code in (400, 401, 403)
    sent.subscriber.refresh_from_db()
    assert sent.subscriber.status == "active" and not Suppression.objects.exists()


def test_a_spam_complaint_is_recorded_as_a_withdrawal_of_consent(sent):
    event = AnymailTrackingEvent(
        event_type="complained",
        recipient="reader@example.com",
        metadata={"delivery_id": str(sent.pk)},
    )
    tracking.send(sender=object, event=event, esp_name="Postmark")
    reader = sent.subscriber
    reader.refresh_from_db()
    assert reader.status == "complained"
    last = ConsentEvent.objects.filter(subscriber=reader).last()
    assert (last.kind, last.channel) == ("unsubscribed", "spam complaint")


def test_a_delivery_report_is_kept_on_the_ledger_and_changes_nothing_else(sent):
    event = AnymailTrackingEvent(
        event_type="delivered", recipient="reader@example.com", metadata={"delivery_id": sent.pk}
    )
    tracking.send(sender=object, event=event, esp_name="Postmark")
    sent.refresh_from_db()
    sent.subscriber.refresh_from_db()
    assert (sent.event, sent.subscriber.status) == ("delivered", "active")
    assert not Suppression.objects.exists()


def test_a_bounce_for_an_unknown_address_only_suppresses_it(db):
    event = AnymailTrackingEvent(event_type="bounced", recipient="Stranger@Example.com")
    tracking.send(sender=object, event=event, esp_name="Postmark")
    assert Suppression.objects.get().address_hash == addresses.suppression_hash(
        "stranger@example.com"
    )
