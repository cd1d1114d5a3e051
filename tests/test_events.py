"""Provider events: a bounce or a spam complaint stops all mail to the address at once."""

import base64
import json
from datetime import UTC, datetime, timedelta

import pytest
from anymail.signals import AnymailTrackingEvent, tracking

from newsletter.delivery import verdicts
from newsletter.models import ConsentEvent, Delivery, Enrollment, Suppression
from newsletter.subscribers import addresses

from .sequencing import enrolled, make_sequence, run_pass

NOON = datetime(2026, 11, 3, 17, 0, tzinfo=UTC)
SECRET = "hooks:s3cret-for-tests"


@pytest.fixture(autouse=True)
def postmark_is_the_provider(settings):
    settings.ESP_NAME = "postmark"


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


def soft_bounce(delivery: Delivery) -> dict:
    return {
        **hard_bounce(delivery),
        "Type": "SoftBounce",
        "TypeCode": 4096,
        "Description": "The server could not temporarily deliver your message.",
        "Details": "smtp;452 4.2.2 The email account that you tried to reach is over quota.",
    }


def later_rows(first: Delivery, count: int) -> list[Delivery]:
    """Further steps of the sequence, sent to the same reader a week apart."""
    steps = first.step.sequence.steps.exclude(pk=first.step_id).order_by("position")
    return [
        Delivery.objects.create(
            subscriber=first.subscriber,
            step=step,
            status="sent",
            sent_at=first.sent_at + timedelta(weeks=n + 1),
        )
        for n, step in enumerate(steps[:count])
    ]


def test_a_soft_bounce_is_kept_on_the_ledger_and_the_reader_stays_subscribed(
    client, settings, sent, outbox, django_capture_on_commit_callbacks
):
    settings.ANYMAIL = {**settings.ANYMAIL, "WEBHOOK_SECRET": SECRET}
    assert postmark(client, soft_bounce(sent)).status_code == 200
    sent.refresh_from_db()
    sent.subscriber.refresh_from_db()
    assert (sent.event, sent.subscriber.status) == ("soft_bounced", "active")
    assert not Suppression.objects.exists()
    assert Enrollment.objects.get(subscriber=sent.subscriber).status == "active"
    outbox.clear()
    run_pass(django_capture_on_commit_callbacks, datetime(2026, 11, 20, 17, 0, tzinfo=UTC))
    assert len(outbox) == 1, "the next step still goes out"


def test_soft_bounces_up_to_the_limit_in_a_row_count_as_a_bounce(client, settings, sent):
    settings.ANYMAIL = {**settings.ANYMAIL, "WEBHOOK_SECRET": SECRET}
    settings.SOFT_BOUNCE_LIMIT = 3
    rows = [sent, *later_rows(sent, 2)]
    for row in rows[:2]:
        postmark(client, soft_bounce(row))
    sent.subscriber.refresh_from_db()
    assert sent.subscriber.status == "active"
    postmark(client, soft_bounce(rows[2]))
    sent.subscriber.refresh_from_db()
    assert sent.subscriber.status == "bounced"
    assert Suppression.objects.get().reason == "bounced"
    assert Enrollment.objects.get(subscriber=sent.subscriber).exit_reason == "bounced"


@pytest.mark.parametrize("between", ["delivered", ""], ids=["reported delivered", "no report"])
def test_an_email_that_did_not_bounce_ends_the_run(client, settings, sent, between):
    settings.ANYMAIL = {**settings.ANYMAIL, "WEBHOOK_SECRET": SECRET}
    settings.SOFT_BOUNCE_LIMIT = 2
    first, quiet, last = [sent, *later_rows(sent, 2)]
    postmark(client, soft_bounce(first))
    Delivery.objects.filter(pk=quiet.pk).update(event=between)
    postmark(client, soft_bounce(last))
    sent.subscriber.refresh_from_db()
    assert sent.subscriber.status == "active" and not Suppression.objects.exists()


def test_a_bounce_reported_before_its_send_is_recorded_still_counts(client, settings, sent):
    settings.ANYMAIL = {**settings.ANYMAIL, "WEBHOOK_SECRET": SECRET}
    settings.SOFT_BOUNCE_LIMIT = 2
    [going] = later_rows(sent, 1)
    claimed = sent.sent_at + timedelta(weeks=2)
    Delivery.objects.filter(pk=going.pk).update(status="sending", sent_at=None, claimed_at=claimed)
    postmark(client, soft_bounce(sent))
    postmark(client, soft_bounce(going))
    sent.subscriber.refresh_from_db()
    assert sent.subscriber.status == "bounced"


def test_a_provider_refusing_to_send_to_a_blocked_address_suppresses_it_at_once(sent):
    event = AnymailTrackingEvent(
        event_type="rejected",
        reject_reason="blocked",
        recipient="reader@example.com",
        metadata={"delivery_id": str(sent.pk)},
        esp_event={"RecordType": "Bounce", "Type": "ManuallyDeactivated"},
    )
    tracking.send(sender=object, event=event, esp_name="Postmark")
    sent.subscriber.refresh_from_db()
    assert sent.subscriber.status == "bounced" and Suppression.objects.exists()


@pytest.mark.parametrize(
    ("esp", "event", "temporary"),
    [
        ("Postmark", {"event_type": "bounced", "esp_event": {"Type": "HardBounce"}}, False),
        ("Postmark", {"event_type": "bounced", "esp_event": {"Type": "SoftBounce"}}, True),
        ("Brevo", {"event_type": "bounced", "esp_event": {"event": "soft_bounce"}}, True),
        ("Brevo", {"event_type": "bounced", "esp_event": {"event": "hard_bounce"}}, False),
        (
            "Mailjet",
            {"event_type": "bounced", "esp_event": {"event": "bounce", "hard_bounce": False}},
            True,
        ),
        (
            "Mailjet",
            {"event_type": "bounced", "esp_event": {"event": "bounce", "hard_bounce": True}},
            False,
        ),
        (
            "Amazon SES",
            {"event_type": "bounced", "esp_event": {"bounce": {"bounceType": "Transient"}}},
            True,
        ),
        (
            "Amazon SES",
            {"event_type": "bounced", "esp_event": {"bounce": {"bounceType": "Permanent"}}},
            False,
        ),
        ("Mailgun", {"event_type": "bounced", "reject_reason": "blocked"}, True),
        ("Mailgun", {"event_type": "bounced", "reject_reason": "timed_out"}, True),
        ("Postmark", {"event_type": "rejected", "reject_reason": "invalid"}, False),
        ("Postmark", {"event_type": "rejected", "reject_reason": "blocked"}, False),
        ("Postmark", {"event_type": "bounced", "esp_event": "not a dict"}, False),
    ],
    ids=lambda value: str(value) if isinstance(value, bool) else "",
)
def test_what_each_provider_calls_a_temporary_bounce(esp, event, temporary):
    assert verdicts.is_temporary(AnymailTrackingEvent(**event), esp) is temporary
