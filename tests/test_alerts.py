"""Alerts to the practice: a sequence or newsletter that paused itself, spam complaints near
0.1 %, a provider silent for a day while sending; each emailed once, again only after it
cleared, and nothing at all while things are healthy."""

from datetime import timedelta

import pytest
from anymail.signals import AnymailTrackingEvent, tracking
from django.utils import timezone

from newsletter.alerts import conditions, provider_events, raising
from newsletter.delivery import failures
from newsletter.models import Alert, Broadcast, Delivery, Subscriber
from newsletter.sequences import sequence_edits
from newsletter.stats import recount
from tests.sequencing import make_sequence, make_subscriber

NOW = timezone.now()
SMTP = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
ESP = {"default": {"BACKEND": "anymail.backends.test.EmailBackend"}}


@pytest.fixture
def sequence(audience):
    return make_sequence(audience)


@pytest.fixture
def check(django_capture_on_commit_callbacks):
    """Run the periodic check, with its emails sent after commit as in production."""

    def run(now=NOW) -> int:
        with django_capture_on_commit_callbacks(execute=True):
            return raising.check(now)

    return run


def sent_many(step, count: int, hours_ago: float = 1, start: int = 0, **fields) -> None:
    """`count` readers, each sent this step `hours_ago` (bulk, for list-sized volumes)."""
    readers = Subscriber.objects.bulk_create(
        Subscriber(email=f"b{n}@example.com", email_key=f"b{n}@example.com", status="active")
        for n in range(start, start + count)
    )
    moment = NOW - timedelta(hours=hours_ago)
    Delivery.objects.bulk_create(
        Delivery(subscriber=r, step=step, status="sent", sent_at=moment, **fields) for r in readers
    )
    recount.recount(repair=True)  # written behind the running totals: count them again


def complaints(step, sent: int, complained: int, start: int = 0) -> None:
    sent_many(step, sent - complained, start=start, event="delivered")
    sent_many(step, complained, start=start + sent, event="complained")


def test_nothing_is_sent_while_all_is_well(sequence, outbox, check):
    sent_many(sequence.steps.get(position=1), 1200, event="delivered")
    assert check() == 0
    assert outbox == [] and not Alert.objects.filter(raised=True).exists()


def test_a_sequence_that_pauses_itself_emails_the_practice_right_away_once(
    sequence, outbox, settings, django_capture_on_commit_callbacks, practice
):
    settings.SEND_AUTO_PAUSE_AFTER = 2
    reader = make_subscriber(sequence.audience, "reject@example.com")
    row = Delivery.objects.create(
        subscriber=reader, step=sequence.steps.get(position=1), status="failed", last_error="550"
    )
    with django_capture_on_commit_callbacks(execute=True):
        failures.count_streaks([(row, False), (row, False)])
    assert "2 emails in a row could not be sent" in outbox[0].body
    sequence.refresh_from_db()
    assert sequence.status == "paused"
    [email] = outbox
    assert email.to == [practice.reply_to or practice.sender_email]
    assert email.subject == "Your sequence “Welcome” has stopped sending for now"
    assert "2 emails in a row could not be sent" in email.body
    assert f"{settings.SITE_URL}/workspace/sequences/{sequence.pk}/" in email.body
    assert "reject@example.com" not in email.body and "550" not in email.body
    assert "List-Unsubscribe" not in email.extra_headers
    with django_capture_on_commit_callbacks(execute=True):
        failures.count_streaks([(row, False)])
        raising.check(NOW)
    assert len(outbox) == 1


def test_a_pause_alert_comes_again_only_after_the_sequence_was_resumed(sequence, outbox, check):
    sequence_edits.pause(sequence, "Paused after 10 failed sends in a row. Last error: 421")
    check()
    check(NOW + timedelta(hours=1))
    assert len(outbox) == 1
    sequence_edits.activate(sequence, NOW)
    check(NOW + timedelta(hours=2))
    assert Alert.objects.get(key=f"paused:sequence:{sequence.pk}").raised is False
    sequence_edits.pause(sequence, "Paused after 10 failed sends in a row. Last error: 421")
    check(NOW + timedelta(hours=3))
    assert len(outbox) == 2


def test_a_pause_the_therapist_chose_herself_is_no_alert(sequence, outbox, check):
    sequence_edits.pause(sequence)
    assert check() == 0 and outbox == []


def test_a_newsletter_that_paused_itself_links_to_its_own_page(audience, outbox, check):
    broadcast = Broadcast.objects.create(
        slug="autumn",
        subject="Autumn letter",
        body="Hello",
        status="paused",
        paused_reason="Paused after 10 failed sends in a row. Last error: timeout",
    )
    check()
    [email] = outbox
    assert email.subject == "Your newsletter “Autumn letter” has stopped sending for now"
    assert f"/workspace/broadcasts/{broadcast.pk}/" in email.body
    assert email.alternatives[0][1] == "text/html"


def test_complaints_nearing_a_tenth_of_a_percent_alert_once_with_a_minimum_volume(
    sequence, outbox, check
):
    step = sequence.steps.get(position=1)
    complaints(step, 1250, 1)  # 0.08 %
    check()
    [email] = outbox
    assert email.subject == "Spam complaints are nearing 0.1 %"
    assert "1 of the 1,250 emails" in email.body and "0.08 %" in email.body
    assert "postmaster.google.com" in email.body and "/workspace/numbers/" in email.body
    check(NOW + timedelta(minutes=15))
    assert len(outbox) == 1


def test_a_single_complaint_on_a_small_list_is_no_alert(sequence, outbox, check):
    complaints(sequence.steps.get(position=1), 200, 1)  # 0.5 %, but only 200 emails
    assert check() == 0 and outbox == []


def test_complaints_past_the_limit_send_a_new_alert_and_a_rate_hovering_stays_quiet(
    sequence, outbox, check
):
    step = sequence.steps.get(position=1)
    complaints(step, 1250, 1)
    check()
    complaints(step, 700, 5, start=5000)  # 6 of 1950: 0.31 %
    check(NOW + timedelta(minutes=15))
    assert [e.subject for e in outbox][-1] == "Spam complaints have passed 0.3 %: time to send less"
    assert set(Alert.objects.filter(raised=True).values_list("key", flat=True)) == {
        "complaints:over"
    }
    assert len(outbox) == 2


def test_a_complaint_alert_clears_below_its_line_and_can_come_again(sequence, outbox, check):
    step = sequence.steps.get(position=1)
    complaints(step, 1250, 1)
    check()
    sent_many(step, 500, start=9000, event="delivered")  # 1 of 1750: 0.057 %, clears
    check(NOW + timedelta(minutes=15))
    assert not Alert.objects.get(key="complaints:near").raised
    complaints(step, 750, 1, start=20000)  # 2 of 2500: 0.08 % again
    check(NOW + timedelta(minutes=30))
    assert len(outbox) == 2


@pytest.fixture
def esp(settings):
    """Sending through an email provider (anymail's test backend), as in production."""
    settings.MAILERS = ESP


def _silent_day(step):
    sent_many(step, 3, hours_ago=30)
    sent_many(step, 3, hours_ago=2, start=100)


def test_a_provider_silent_for_a_day_while_sending_alerts_once(sequence, esp, outbox, check):
    _silent_day(sequence.steps.get(position=1))
    check()
    [email] = outbox
    assert email.subject == "Your email service has not reported back for a day"
    assert "webhook" in email.body
    check(NOW + timedelta(hours=1))
    assert len(outbox) == 1


def test_a_provider_event_clears_the_silence_alert(sequence, esp, outbox, check):
    step = sequence.steps.get(position=1)
    _silent_day(step)
    check()
    row = Delivery.objects.filter(step=step).first()
    event = AnymailTrackingEvent(event_type="delivered", metadata={"delivery_id": str(row.pk)})
    tracking.send(sender=object, event=event, esp_name="Postmark")
    check(NOW + timedelta(minutes=1))
    assert not Alert.objects.get(key="provider:silent").raised
    assert len(outbox) == 1


def test_a_provider_that_reported_recently_is_not_silent(sequence, esp, outbox, check):
    step = sequence.steps.get(position=1)
    _silent_day(step)
    provider_events.seen(NOW - timedelta(hours=3))
    assert conditions.silence(NOW) == set()
    assert check() == 0 and outbox == []


def test_no_silence_alert_when_nothing_is_being_sent(sequence, esp, outbox, check):
    sent_many(sequence.steps.get(position=1), 3, hours_ago=60)
    assert check() == 0 and outbox == []


@pytest.mark.parametrize("mailer", ["smtp", "outbox"])
def test_no_silence_alert_when_sending_over_smtp_or_to_the_outbox(
    sequence, check, settings, mailer, outbox_dir
):
    if mailer == "smtp":
        settings.MAILERS = SMTP
    _silent_day(sequence.steps.get(position=1))
    assert conditions.silence(NOW) == set()
    assert check() == 0


def test_an_alert_task_run_twice_sends_one_email(
    sequence, outbox, django_capture_on_commit_callbacks
):
    sequence_edits.pause(sequence, "Paused after 10 failed sends in a row. Last error: 421")
    with django_capture_on_commit_callbacks(execute=False):
        raising.check(NOW)
    key = f"paused:sequence:{sequence.pk}"
    assert raising.send(key, NOW) is True
    assert raising.send(key, NOW) is False
    assert len(outbox) == 1


def test_an_alert_whose_task_was_lost_is_sent_by_a_later_check(
    sequence, outbox, check, django_capture_on_commit_callbacks
):
    sequence_edits.pause(sequence, "Paused after 10 failed sends in a row. Last error: 421")
    with django_capture_on_commit_callbacks(execute=False):
        raising.check(NOW)  # the broker lost the message
    assert outbox == []
    check(NOW + timedelta(minutes=15))
    assert len(outbox) == 1
