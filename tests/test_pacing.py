"""One email at a time: for any mix of sequences, broadcasts, join times, time zones and gaps,
no reader gets two marketing emails within the gap, nothing is lost, and order is kept."""

from datetime import UTC, datetime, timedelta

import time_machine
from django.db.models import Min
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from newsletter.delivery import dispatch
from newsletter.models import (
    Audience,
    Broadcast,
    Delivery,
    Enrollment,
    Practice,
    Sequence,
    Step,
    Subscriber,
)
from newsletter.sequences import broadcasts, sequences

from .sequencing import make_sequence, make_subscriber

START = datetime(2026, 3, 2, 13, 0, tzinfo=UTC)  # a Monday
ZONES = ["", "America/New_York", "Europe/London", "Asia/Tokyo", "Pacific/Auckland"]

delays = st.lists(
    st.tuples(st.integers(0, 3), st.sampled_from(["hours", "days"])), min_size=1, max_size=4
)
readers = st.lists(
    st.fixed_dictionaries(
        {
            "zone": st.sampled_from(ZONES),
            "joins": st.lists(st.tuples(st.integers(0, 1), st.integers(0, 72)), min_size=1),
            "pace": st.sampled_from(["normal", "normal", "fewer"]),
        }
    ),
    min_size=1,
    max_size=3,
)
mixes = st.fixed_dictionaries(
    {
        "gap": st.sampled_from([12, 24, 48, 72]),
        "sequences": st.lists(
            st.tuples(delays, st.booleans()), min_size=1, max_size=2
        ),  # steps, and whether the first is a welcome sent at once
        "broadcasts": st.lists(st.tuples(st.integers(0, 1), st.integers(0, 96)), max_size=2),
        "readers": readers,
    }
)


def _clean() -> None:
    Delivery.objects.all().delete()
    Enrollment.objects.all().delete()
    Broadcast.objects.all().delete()
    Step.objects.all().delete()
    Sequence.objects.all().delete()
    Subscriber.objects.all().delete()
    Audience.objects.filter(slug__startswith="mix-").delete()


def _build(mix):
    Practice.objects.update(min_hours_between_emails=mix["gap"])
    audiences = [Audience.objects.create(name=f"Mix {n}", slug=f"mix-{n}") for n in range(2)]
    for number, (steps, welcome) in enumerate(mix["sequences"]):
        sequence = make_sequence(audiences[number], delays=steps, slug=f"mix-{number}")
        sequence.steps.filter(position=1).update(ignore_window=welcome)
    for number, (audience, hours) in enumerate(mix["broadcasts"]):
        broadcast = Broadcast.objects.create(slug=f"b{number}", subject=f"B{number}", body="Hi.")
        broadcast.audiences.add(audiences[audience])
        broadcasts.schedule(broadcast, START + timedelta(hours=hours))
    joins = []
    for number, reader in enumerate(mix["readers"]):
        subscriber = make_subscriber(audiences[0], f"r{number}@example.com", reader["zone"])
        subscriber.audiences.clear()
        Subscriber.objects.filter(pk=subscriber.pk).update(pace=reader["pace"])
        for audience, hours in reader["joins"]:
            joins.append((START + timedelta(hours=hours), subscriber.pk, audiences[audience]))
    return sorted(joins, key=lambda join: join[0])


def _next_moment(joins, now: datetime) -> datetime | None:
    moments = [join[0] for join in joins[:1]]
    moments.append(Enrollment.objects.filter(status="active").aggregate(t=Min("next_send_at"))["t"])
    queued = Delivery.objects.filter(status="queued")
    moments.append(queued.aggregate(t=Min("next_attempt_at"))["t"])
    moments.append(
        Broadcast.objects.filter(status="scheduled").aggregate(t=Min("scheduled_at"))["t"]
    )
    if Broadcast.objects.filter(status="sending").exists() and not queued.exists():
        moments.append(now)  # the next pass marks it sent
    return min(filter(None, moments), default=None)


def _simulate(capture, joins) -> None:
    now = START
    for _ in range(600):
        following = _next_moment(joins, now)
        if following is None:
            return
        now = max(now + timedelta(minutes=1), following)
        while joins and joins[0][0] <= now:
            _, pk, audience = joins.pop(0)
            subscriber = Subscriber.objects.get(pk=pk)
            subscriber.audiences.add(audience)
            sequences.enroll(subscriber, [audience], now)
        with time_machine.travel(now, tick=False), capture(execute=True):
            dispatch.send_due(now)
    state = (
        list(Enrollment.objects.filter(status="active").values_list("pk", "next_send_at")),
        list(Delivery.objects.exclude(status="sent").values_list("status", "next_attempt_at")),
        list(Broadcast.objects.values_list("status", "scheduled_at")),
        now,
    )
    raise AssertionError(f"the simulation did not settle: {state}")


@settings(
    max_examples=25,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(mix=mixes)
def test_no_reader_gets_two_emails_within_the_gap_and_nothing_is_lost(
    mix, practice, django_capture_on_commit_callbacks, outbox
):
    _clean()
    _simulate(django_capture_on_commit_callbacks, _build(mix))
    gap = timedelta(hours=mix["gap"])
    for subscriber in Subscriber.objects.all():
        reader_gap = max(gap, timedelta(hours=168)) if subscriber.pace == "fewer" else gap
        sent = list(subscriber.deliveries.filter(status="sent").order_by("sent_at", "pk"))
        for earlier, later in zip(sent, sent[1:], strict=False):
            assert later.sent_at - earlier.sent_at >= reader_gap
        for sequence in Sequence.objects.all():
            positions = [
                row.step.position
                for row in sent
                if row.step_id and row.step.sequence_id == sequence.pk
            ]
            assert positions == sorted(positions)
    assert not Delivery.objects.exclude(status__in=["sent", "skipped"]).exists()
    assert not Delivery.objects.filter(status="skipped", last_error="").exists()
    assert not Enrollment.objects.filter(status="active").exists()
    assert set(Broadcast.objects.values_list("status", flat=True)) <= {"sent"}
    for enrollment in Enrollment.objects.all():
        steps = enrollment.sequence.steps.filter(removed=False).count()
        rows = Delivery.objects.filter(
            subscriber=enrollment.subscriber, step__sequence=enrollment.sequence
        )
        assert rows.count() == steps


NOON = datetime(2026, 11, 3, 17, 0, tzinfo=UTC)  # Tuesday, noon in New York


def _pass(capture, now: datetime) -> None:
    with time_machine.travel(now, tick=False), capture(execute=True):
        dispatch.send_due(now)


def _gap(hours: int) -> None:
    Practice.objects.update(min_hours_between_emails=hours)


def test_a_broadcast_waits_for_a_reader_who_just_had_an_email(
    audience, outbox, django_capture_on_commit_callbacks
):
    _gap(48)
    make_sequence(audience, delays=[(0, "minutes"), (5, "days")])
    reader = make_subscriber(audience, "reader@example.com")
    sequences.enroll(reader, [audience], NOON)
    _pass(django_capture_on_commit_callbacks, NOON)
    broadcast = Broadcast.objects.create(slug="news", subject="News", body="Hello.")
    broadcast.audiences.add(audience)
    broadcasts.schedule(broadcast, NOON + timedelta(hours=1))
    _pass(django_capture_on_commit_callbacks, NOON + timedelta(hours=1))
    assert [m.subject for m in outbox] == ["Step 1"]
    row = Delivery.objects.get(broadcast=broadcast)
    assert row.status == "queued" and row.next_attempt_at >= NOON + timedelta(hours=48)
    _pass(django_capture_on_commit_callbacks, row.next_attempt_at)
    assert [m.subject for m in outbox] == ["Step 1", "News"]


def test_the_welcome_is_never_pushed_back_by_a_broadcast_due_at_the_same_moment(
    audience, outbox, django_capture_on_commit_callbacks
):
    _gap(48)
    sequence = make_sequence(audience, delays=[(0, "minutes"), (3, "days")])
    sequence.steps.filter(position=1).update(ignore_window=True)
    broadcast = Broadcast.objects.create(slug="news", subject="News", body="Hello.")
    broadcast.audiences.add(audience)
    broadcasts.schedule(broadcast, NOON)
    reader = make_subscriber(audience, "reader@example.com")
    sequences.enroll(reader, [audience], NOON)
    _pass(django_capture_on_commit_callbacks, NOON)
    assert [m.subject for m in outbox] == ["Step 1"]
    assert Delivery.objects.get(broadcast=broadcast).status == "queued"


def test_the_last_send_time_is_kept_on_the_reader(
    audience, outbox, django_capture_on_commit_callbacks
):
    make_sequence(audience, delays=[(0, "minutes")])
    reader = make_subscriber(audience, "reader@example.com")
    sequences.enroll(reader, [audience], NOON)
    _pass(django_capture_on_commit_callbacks, NOON)
    reader.refresh_from_db()
    assert reader.last_marketing_at == NOON


def test_the_gap_is_set_in_the_workspace_and_bad_input_changes_nothing(practice):
    from .settings_pages import logged_in

    therapist = logged_in()
    assert "/workspace/settings/pace/" in therapist.get("/workspace/settings/").content.decode()
    answer = therapist.post(
        "/workspace/settings/pace/", {"min_hours_between_emails": "0", "country": "US"}
    )
    assert answer.status_code == 400 and "at least 1 hour" in answer.content.decode()
    assert Practice.get().min_hours_between_emails == 0  # the suite's practice, unchanged
    therapist.post("/workspace/settings/pace/", {"min_hours_between_emails": "72", "country": "US"})
    assert Practice.get().min_hours_between_emails == 72
