"""Editing a live sequence follows the rules in DESIGN.md and never surprises anyone."""

from datetime import UTC, datetime, timedelta

import pytest

from newsletter.delivery import dispatch
from newsletter.models import Delivery, Enrollment, Step
from newsletter.sequences import sequence_edits, sequences

from .sequencing import enrolled, make_sequence, run_pass, run_until_done, subjects_by_person

NOON = datetime(2026, 11, 3, 17, 0, tzinfo=UTC)  # Tuesday, 12:00 in New York
STEPS = ["Step 1", "Step 2", "Step 3", "Step 4"]


@pytest.fixture
def sequence(audience):
    return make_sequence(audience)


def step(sequence, position: int) -> Step:
    return sequence.steps.get(position=position, removed=False)


def place(email: str) -> Enrollment:
    return Enrollment.objects.get(subscriber__email=email)


def test_edited_content_reaches_those_who_have_not_received_that_step(
    sequence, audience, outbox, django_capture_on_commit_callbacks
):
    enrolled(audience, "early@example.com", NOON - timedelta(days=7))
    run_until_done(django_capture_on_commit_callbacks, NOON - timedelta(days=7))
    enrolled(audience, "late@example.com", NOON)
    run_pass(django_capture_on_commit_callbacks, NOON)
    second = step(sequence, 2)
    second.subject = "A gentler step 2"
    second.save()
    run_until_done(django_capture_on_commit_callbacks, NOON)
    got = subjects_by_person(outbox)
    assert got["late@example.com"] == ["Step 1", "A gentler step 2", "Step 3", "Step 4"]
    assert got["early@example.com"] == STEPS
    assert (second.version, step(sequence, 3).version) == (2, 1)


def test_a_changed_delay_reschedules_only_those_waiting_for_that_step(
    sequence, audience, django_capture_on_commit_callbacks
):
    enrolled(audience, "waiting@example.com", NOON)
    run_pass(django_capture_on_commit_callbacks, NOON)
    enrolled(audience, "further@example.com", NOON - timedelta(days=1))
    Enrollment.objects.filter(subscriber__email="further@example.com").update(
        next_position=3, last_sent_at=NOON, next_send_at=NOON + timedelta(days=2)
    )
    moved = sequence_edits.change_delay(step(sequence, 2), 3, "hours", NOON)
    assert moved == 1
    assert place("waiting@example.com").next_send_at == NOON + timedelta(hours=3)
    assert place("further@example.com").next_send_at == NOON + timedelta(days=2)


def test_an_inserted_step_reaches_those_who_have_not_passed_its_position(
    sequence, audience, outbox, django_capture_on_commit_callbacks
):
    enrolled(audience, "before@example.com", NOON)
    enrolled(audience, "past@example.com", NOON)
    run_pass(django_capture_on_commit_callbacks, NOON)  # both received step 1
    Enrollment.objects.filter(subscriber__email="past@example.com").update(next_send_at=NOON)
    run_pass(django_capture_on_commit_callbacks, NOON + timedelta(minutes=1))  # past: step 2
    sequence_edits.insert_step(
        sequence, 2, NOON, subject="New step", body="Inserted.", delay_value=1, delay_unit="days"
    )
    run_until_done(django_capture_on_commit_callbacks, NOON + timedelta(minutes=2))
    got = subjects_by_person(outbox)
    assert got["before@example.com"] == ["Step 1", "New step", "Step 2", "Step 3", "Step 4"]
    assert got["past@example.com"] == STEPS
    assert [s.position for s in sequences.live_steps(sequence)] == [1, 2, 3, 4, 5]


def test_an_inserted_step_can_also_reach_those_who_finished_and_only_that_step(
    sequence, audience, outbox, django_capture_on_commit_callbacks
):
    enrolled(audience, "done@example.com", NOON - timedelta(days=10))
    finished_at = run_until_done(django_capture_on_commit_callbacks, NOON - timedelta(days=10))
    assert place("done@example.com").status == "completed"
    sequence_edits.insert_step(
        sequence, 5, finished_at, also_finished=True, subject="Bonus", body="More."
    )
    run_until_done(django_capture_on_commit_callbacks, finished_at + timedelta(minutes=1))
    assert subjects_by_person(outbox)["done@example.com"] == [*STEPS, "Bonus"]
    assert place("done@example.com").status == "completed"


def test_a_removed_step_sends_nobody_anything_twice_and_waiting_people_move_on(
    sequence, audience, outbox, django_capture_on_commit_callbacks
):
    enrolled(audience, "waiting@example.com", NOON)
    run_pass(django_capture_on_commit_callbacks, NOON)
    Enrollment.objects.update(next_send_at=NOON)
    dispatch.send_due(NOON + timedelta(minutes=1))  # step 2 queued; its task has not run
    queued = Delivery.objects.get(step__position=2)
    sequence_edits.remove_step(step(sequence, 3), NOON)
    sequence_edits.remove_step(queued.step, NOON)
    queued.refresh_from_db()
    run_until_done(django_capture_on_commit_callbacks, NOON + timedelta(minutes=2))
    assert queued.status == "skipped"
    assert subjects_by_person(outbox)["waiting@example.com"] == ["Step 1", "Step 4"]


def test_removing_the_step_someone_waits_for_moves_them_to_the_next_step(
    sequence, audience, django_capture_on_commit_callbacks
):
    enrolled(audience, "waiting@example.com", NOON)
    run_pass(django_capture_on_commit_callbacks, NOON)
    assert sequence_edits.remove_step(step(sequence, 2), NOON) == 1
    enrollment = place("waiting@example.com")
    assert enrollment.next_position == 3
    assert enrollment.next_send_at.astimezone(UTC) == NOON + timedelta(days=2)


def test_resuming_a_paused_sequence_sends_no_burst_of_back_dated_steps(
    sequence, audience, outbox, django_capture_on_commit_callbacks
):
    for n in range(20):
        enrolled(audience, f"p{n}@example.com", NOON)
    run_pass(django_capture_on_commit_callbacks, NOON)
    sequence_edits.pause(sequence)
    later = NOON + timedelta(days=14)
    assert run_pass(django_capture_on_commit_callbacks, later).dispatched == 0
    sequence_edits.activate(sequence, later)
    for minutes in range(0, 61, 15):
        run_pass(django_capture_on_commit_callbacks, later + timedelta(minutes=minutes))
    got = subjects_by_person(outbox)
    assert all(subjects == ["Step 1", "Step 2"] for subjects in got.values()), got
    due = Enrollment.objects.values_list("next_send_at", flat=True)
    assert min(due) >= later + timedelta(days=2)


def test_the_number_affected_by_a_pending_change_is_known_before_saving(sequence, audience):
    for n, position in enumerate([1, 2, 2, 3, 4]):
        subscriber = enrolled(audience, f"p{n}@example.com", NOON)
        Enrollment.objects.filter(subscriber=subscriber).update(next_position=position)
    done = enrolled(audience, "done@example.com", NOON)
    Enrollment.objects.filter(subscriber=done).update(status="completed")
    assert sequence_edits.affected(sequence, "content", 2) == 3
    assert sequence_edits.affected(sequence, "delay", 2) == 2
    assert sequence_edits.affected(sequence, "insert", 3) == 4
    assert sequence_edits.affected(sequence, "insert", 5, also_finished=True) == 6
    assert sequence_edits.affected(sequence, "remove", 4) == 1
    assert sequence_edits.affected(sequence, "pause") == 5
    with pytest.raises(ValueError, match="Unknown change"):
        sequence_edits.affected(sequence, "rename")
