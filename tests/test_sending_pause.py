"""The one switch that pauses all sending: dispatch and claiming honour it, rows wait in
order, what waits is said in a sentence, and turning it off resumes without a burst."""

from datetime import UTC, datetime, timedelta

import pytest
from django.test import Client

from newsletter.delivery import dispatch, pause, sending
from newsletter.models import Delivery, Enrollment, Practice
from newsletter.sequences import broadcasts

from .sample_sequence import broadcast
from .sequencing import enrolled, make_sequence, make_subscriber, run_pass
from .settings_pages import logged_in

TUESDAY_NOON = datetime(2026, 11, 3, 17, 0, tzinfo=UTC)  # 12:00 in New York
PAGE = "/workspace/settings/pause/"


def test_while_paused_send_due_dispatches_nothing_and_everyone_keeps_their_place(
    audience, outbox, django_capture_on_commit_callbacks
):
    make_sequence(audience)
    enrolled(audience, "ada@example.com", TUESDAY_NOON)
    pause.pause_all(TUESDAY_NOON)
    report = run_pass(django_capture_on_commit_callbacks, TUESDAY_NOON)
    enrollment = Enrollment.objects.get()
    assert (report.dispatched, Delivery.objects.count(), outbox) == (0, 0, [])
    assert (enrollment.next_position, enrollment.next_send_at) == (1, TUESDAY_NOON)


def test_a_row_claimed_while_paused_is_held_queued_and_nothing_is_sent(audience, outbox):
    make_sequence(audience)
    enrolled(audience, "ada@example.com", TUESDAY_NOON)
    dispatch.send_due(TUESDAY_NOON)  # the row is queued before the switch is turned on
    pause.pause_all(TUESDAY_NOON)
    ids = list(Delivery.objects.values_list("pk", flat=True))
    results = sending.send_batch(ids, TUESDAY_NOON)
    row = Delivery.objects.get()
    assert (results.held, row.status, row.attempts, row.next_attempt_at) == (1, "queued", 0, None)
    assert outbox == []


def test_a_broadcast_waits_while_paused_and_goes_after(
    audience, outbox, django_capture_on_commit_callbacks
):
    make_subscriber(audience, "ada@example.com")
    letter = broadcasts.schedule(broadcast([audience]), TUESDAY_NOON)
    pause.pause_all(TUESDAY_NOON)
    run_pass(django_capture_on_commit_callbacks, TUESDAY_NOON)
    assert (Delivery.objects.count(), outbox) == (0, [])
    pause.resume_all(TUESDAY_NOON)
    run_pass(django_capture_on_commit_callbacks, TUESDAY_NOON)
    assert [m.subject for m in outbox] == [letter.subject]


def test_turning_it_off_releases_held_rows_and_spreads_overdue_emails_over_the_hour(
    audience, outbox, django_capture_on_commit_callbacks
):
    make_sequence(audience)
    enrolled(audience, "held@example.com", TUESDAY_NOON)
    dispatch.send_due(TUESDAY_NOON)
    pause.pause_all(TUESDAY_NOON)
    sending.send_batch(list(Delivery.objects.values_list("pk", flat=True)), TUESDAY_NOON)
    for n in range(20):
        enrolled(audience, f"p{n}@example.com", TUESDAY_NOON)
    later = TUESDAY_NOON + timedelta(hours=2)
    pause.resume_all(later)
    assert Delivery.objects.get().next_attempt_at == later
    overdue = Enrollment.objects.filter(next_position=1)
    times = sorted(e.next_send_at for e in overdue)
    assert len(times) == 20 and later <= times[0] and times[-1] < later + timedelta(hours=1)
    assert len(set(times)) > 10  # spread, not one burst
    report = run_pass(django_capture_on_commit_callbacks, later)
    assert [m.to for m in outbox] == [["held@example.com"]] and report.dispatched == 0


def test_confirmation_emails_still_go_while_sending_is_paused(
    practice, outbox, django_capture_on_commit_callbacks
):
    pause.pause_all(TUESDAY_NOON)
    with django_capture_on_commit_callbacks(execute=True):
        Client().post("/subscribe/", {"email": "new@example.com", "consent": "yes"})
    assert [m.to for m in outbox] == [["new@example.com"]]


def test_what_waits_is_said_in_one_sentence(audience):
    assert pause.Waiting(280, [32]).sentence() == (
        "312 emails are waiting: 280 sequence emails and 1 broadcast to 32 people"
    )
    assert pause.Waiting(1, []).sentence() == "1 email is waiting: 1 sequence email"
    assert pause.Waiting(0, [1, 2]).sentence() == ("3 emails are waiting: 2 broadcasts to 3 people")
    assert pause.Waiting().sentence() == "No email is waiting."


@pytest.fixture
def therapist(practice):
    return logged_in()


def test_the_switch_pauses_sending_and_says_what_waits(therapist, audience, time_machine):
    time_machine.move_to(TUESDAY_NOON, tick=False)
    make_sequence(audience)
    for n in range(3):
        enrolled(audience, f"p{n}@example.com", TUESDAY_NOON)
    for n in range(2):
        make_subscriber(audience, f"b{n}@example.com")
    broadcasts.schedule(broadcast([audience]), TUESDAY_NOON)
    page = therapist.get(PAGE).content.decode()
    assert "still go out while sending is paused" in page
    therapist.post(PAGE, {"paused": "on"})
    assert Practice.get().sending_paused
    page = therapist.get(PAGE).content.decode()
    # 3 due sequence emails; the broadcast reaches all 5 people in the audience
    assert "8 emails are waiting: 3 sequence emails and 1 broadcast to 5 people." in page
    therapist.post(PAGE, {"paused": "off"})
    assert not Practice.get().sending_paused


@pytest.mark.parametrize("data", [{}, {"paused": "maybe"}])
def test_a_bad_switch_post_changes_nothing(therapist, data):
    answer = therapist.post(PAGE, data)
    assert answer.status_code == 400 and not Practice.get().sending_paused
