"""Helpers for engine tests: a sequence with steps, active subscribers, one send_due pass."""

from datetime import datetime

from newsletter.delivery import dispatch
from newsletter.models import Audience, Sequence, Subscriber
from newsletter.sequences import sequence_edits, sequences

DELAYS = [(0, "minutes"), (1, "days"), (2, "days"), (3, "days")]


def make_sequence(audience: Audience, delays=DELAYS, slug="welcome", **fields) -> Sequence:
    sequence = Sequence.objects.create(
        name=slug.title(), slug=slug, audience=audience, status="active", **fields
    )
    for number, (value, unit) in enumerate(delays, start=1):
        sequence_edits.add_step(
            sequence,
            delay_value=value,
            delay_unit=unit,
            subject=f"Step {number}",
            body=f"Body of step {number}.",
        )
    return sequence


def make_subscriber(audience: Audience, email: str, time_zone: str = "", **fields) -> Subscriber:
    subscriber = Subscriber.objects.create(
        email=email, email_key=email.casefold(), status="active", time_zone=time_zone, **fields
    )
    subscriber.audiences.add(audience)
    return subscriber


def enrolled(audience: Audience, email: str, now: datetime, time_zone: str = "") -> Subscriber:
    subscriber = make_subscriber(audience, email, time_zone)
    sequences.enroll(subscriber, [audience], now=now)
    return subscriber


def run_pass(capture, now: datetime) -> dispatch.Report:
    """One send_due pass, with its send tasks run (eagerly) after commit, as a worker would."""
    with capture(execute=True):
        return dispatch.send_due(now)


def run_until_done(capture, now: datetime, limit: int = 200) -> datetime:
    """Passes at each next due moment until no enrollment is active; returns the last time."""
    from datetime import timedelta

    from django.db.models import Min

    from newsletter.models import Enrollment

    for _ in range(limit):
        run_pass(capture, now)
        active = Enrollment.objects.filter(status="active")
        following = active.aggregate(t=Min("next_send_at"))["t"]
        if following is None:
            return now
        now = max(now + timedelta(minutes=1), following)
    raise AssertionError("the sequence did not finish")


def subjects_by_person(outbox) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for message in outbox:
        found.setdefault(message.to[0], []).append(message.subject)
    return found
