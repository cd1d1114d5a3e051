"""One sequence at a time: a sequence joined while another is under way starts when that one
ends, in the order joined; the preferences page and the activation count say so."""

from datetime import UTC, datetime, timedelta

import pytest
from django.test import Client

from newsletter.models import Audience, Enrollment, Practice
from newsletter.sequences import activation, sequences
from newsletter.subscribers import tokens

from .sequencing import make_sequence, make_subscriber, run_until_done

NOON = datetime(2026, 11, 3, 17, 0, tzinfo=UTC)
TWO = [(0, "minutes"), (1, "days")]


@pytest.fixture
def second(practice) -> Audience:
    return Audience.objects.create(name="Grief", slug="grief")


def _subjects(outbox) -> list[str]:
    return [message.subject for message in outbox]


def test_a_second_sequence_starts_when_the_first_ends(
    audience, second, outbox, django_capture_on_commit_callbacks
):
    first = make_sequence(audience, delays=TWO, slug="first")
    later = make_sequence(second, delays=TWO, slug="later")
    later.steps.update(subject="Later")
    reader = make_subscriber(audience, "reader@example.com")
    sequences.enroll(reader, [audience], NOON)
    reader.audiences.add(second)
    waiting = sequences.enroll(reader, [second], NOON + timedelta(hours=1))[0]
    assert waiting.next_send_at is None and waiting.waits_for.sequence == first
    run_until_done(django_capture_on_commit_callbacks, NOON)
    assert _subjects(outbox) == ["Step 1", "Step 2", "Later", "Later"]
    ends = Enrollment.objects.get(sequence=first).ended_at
    assert Enrollment.objects.get(sequence=later).enrolled_at < ends


def test_joining_two_at_once_keeps_the_order_joined(
    audience, second, outbox, django_capture_on_commit_callbacks
):
    make_sequence(audience, delays=TWO, slug="first")
    make_sequence(second, delays=TWO, slug="later").steps.update(subject="Later")
    reader = make_subscriber(audience, "reader@example.com")
    reader.audiences.add(second)
    made = sequences.enroll(reader, [second, audience], NOON)
    assert [e.sequence.slug for e in made] == ["later", "first"]
    run_until_done(django_capture_on_commit_callbacks, NOON)
    assert _subjects(outbox) == ["Later", "Later", "Step 1", "Step 2"]


def test_leaving_the_first_starts_the_waiting_one(audience, second):
    make_sequence(audience, delays=TWO, slug="first")
    make_sequence(second, delays=TWO, slug="later")
    reader = make_subscriber(audience, "reader@example.com")
    reader.audiences.add(second)
    sequences.enroll(reader, [audience, second], NOON)
    sequences.exit_audiences(reader, [audience])
    waiting = Enrollment.objects.get(sequence__slug="later")
    assert waiting.waits_for is None and waiting.next_send_at is not None


def test_with_the_setting_off_both_run_side_by_side(audience, second):
    Practice.objects.update(one_sequence_at_a_time=False)
    make_sequence(audience, delays=TWO, slug="first")
    make_sequence(second, delays=TWO, slug="later")
    reader = make_subscriber(audience, "reader@example.com")
    reader.audiences.add(second)
    made = sequences.enroll(reader, [audience, second], NOON)
    assert all(e.next_send_at is not None and e.waits_for is None for e in made)


def test_the_preferences_page_says_which_series_waits(audience, second):
    make_sequence(audience, delays=TWO, slug="first")
    make_sequence(second, delays=TWO, slug="later")
    reader = make_subscriber(audience, "reader@example.com")
    reader.audiences.add(second)
    sequences.enroll(reader, [audience, second], NOON)
    page = f"/preferences/{tokens.subscriber_link(tokens.PREFERENCES, reader)}/"
    html = Client().get(page).content.decode()
    assert "“Later” starts when “First” ends" in html


def test_the_activation_count_says_who_starts_now_and_who_after(audience, second):
    make_sequence(second, delays=TWO, slug="busy")
    busy = make_subscriber(second, "busy@example.com")
    busy.audiences.add(audience)
    sequences.enroll(busy, [second], NOON)
    make_subscriber(audience, "free@example.com")
    sequence = make_sequence(audience, delays=TWO, slug="new")
    sequence.status = "draft"
    sequence.save()
    plan = activation.plan(sequence, now=NOON)
    assert (plan.people, plan.now, plan.later) == (2, 1, 1)
    started = activation.activate_for_current_members(sequence, NOON)
    waiting = [e for e in started if e.subscriber == busy][0]
    assert waiting.next_send_at is None and waiting.waits_for is not None


def test_the_activation_page_says_how_many_start_now_and_how_many_after(audience, second):
    from .settings_pages import logged_in

    make_sequence(second, delays=TWO, slug="busy")
    busy = make_subscriber(second, "busy@example.com")
    busy.audiences.add(audience)
    sequences.enroll(busy, [second], NOON)
    make_subscriber(audience, "free@example.com")
    sequence = make_sequence(audience, delays=TWO, slug="new")
    sequence.status = "draft"
    sequence.save()
    page = logged_in().get(f"/workspace/sequences/{sequence.pk}/status/?do=activate")
    assert "1 start now" in page.content.decode()
    assert "1 after their current sequence" in page.content.decode()
