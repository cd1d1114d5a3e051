"""Turning a sequence on for people already in its audience, their first emails spread over days.

Who counts as a current member: someone in the sequence's audience who is active or paused
(as when joining: a paused subscriber's emails wait for the pause to end), whose address is
not on the suppression list, and whom `sequences.enroll` would take (no enrollment in this
sequence yet, or a finished one when the sequence allows re-entry).

No burst: the first emails are placed evenly through the send window (on the practice's
clock) of as many sending days, from now, as it takes to hold them at no more than PER_DAY a
full day (today counts for the part of its window still open).
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from ..models import Enrollment, Practice, Sequence, Subscriber, Suppression
from ..subscribers import addresses
from . import sequence_edits, sequences, windows

PER_DAY = 200  # first emails a day, well under any provider's warm-up limits
MEMBER_STATUSES = (Subscriber.Status.ACTIVE, Subscriber.Status.PAUSED)


@dataclass(frozen=True)
class Plan:
    people: int
    days: int  # sending days the first emails are spread over (0 when nobody)
    later: int = 0  # of the people, those who start after the sequence they are in now

    @property
    def now(self) -> int:
        return self.people - self.later


def current_members(sequence: Sequence) -> QuerySet[Subscriber]:
    """Members of the audience who would start the sequence if it were activated for them."""
    enrolled = Enrollment.objects.filter(subscriber=OuterRef("pk"), sequence=sequence)
    if sequence.allow_reentry:
        enrolled = enrolled.filter(status=Enrollment.Status.ACTIVE)
    members = Subscriber.objects.filter(
        audiences=sequence.audience, status__in=MEMBER_STATUSES
    ).exclude(Exists(enrolled))
    suppressed = _suppressed_ids(members)
    return members.exclude(pk__in=suppressed).order_by("pk")


def _suppressed_ids(members: QuerySet[Subscriber]) -> list[int]:
    hashes = {
        addresses.suppression_hash(email): pk
        for pk, email in members.values_list("pk", "email")
        if email
    }
    found = Suppression.objects.filter(address_hash__in=list(hashes))
    return [hashes[value] for value in found.values_list("address_hash", flat=True)]


def per_day(practice: Practice, sequence: Sequence) -> int:
    """PER_DAY, or fewer when the shared send rate could not send that many in one window."""
    rate = settings.SEND_RATE_PER_SECOND
    window = sequences.window_of(sequence, practice)
    if rate <= 0:
        return PER_DAY
    return max(1, min(PER_DAY, int(rate * (window.end_hour - window.start_hour) * 3600)))


def plan(sequence: Sequence, practice: Practice | None = None, now: datetime | None = None):
    """How many current members would start, and over how many sending days."""
    practice = practice or Practice.get()
    members = current_members(sequence)
    people = members.count()
    later = _busy(members, practice).count()
    days = len(_spans(people - later, sequence, practice, now or timezone.now()))
    return Plan(people=people, days=days, later=later)


def _busy(members: QuerySet[Subscriber], practice: Practice) -> QuerySet[Subscriber]:
    """Members already in another sequence: with one sequence at a time, they start later."""
    if not practice.one_sequence_at_a_time:
        return members.none()
    active = Enrollment.objects.filter(subscriber=OuterRef("pk"), status=Enrollment.Status.ACTIVE)
    return members.filter(Exists(active))


@transaction.atomic
def activate_for_current_members(sequence: Sequence, now: datetime) -> list[Enrollment]:
    """Activate the sequence and enroll its current members, first emails spread (no burst)."""
    sequence = Sequence.objects.select_for_update().get(pk=sequence.pk)  # one activation at once
    sequence_edits.activate(sequence, now)
    sequence.refresh_from_db()
    return enroll_current_members(sequence, now)


def enroll_current_members(sequence: Sequence, now: datetime) -> list[Enrollment]:
    """Enroll every current member; the first emails fall evenly over the next sending days."""
    practice = Practice.get()
    step = sequences.step_from(sequences.live_steps(sequence), 1)
    members = list(current_members(sequence))
    if step is None or not members:
        return []
    waiting = sequences.tails(m.pk for m in members) if practice.one_sequence_at_a_time else {}
    starting = [m for m in members if m.pk not in waiting]
    slots = spread(len(starting), _spans(len(starting), sequence, practice, now))
    zone = windows.zone_named(practice.default_time_zone, "UTC")
    earliest = windows.after_delay(now, step.delay_value, step.delay_unit, zone)
    created = []
    for subscriber, slot in zip(starting, slots, strict=True):
        enrollment = Enrollment(subscriber=subscriber, sequence=sequence, enrolled_at=now)
        enrollment.next_position = step.position
        enrollment.next_send_at = max(slot, earliest)
        created.append(enrollment)
    for subscriber in members:
        if subscriber.pk in waiting:  # starts when the sequence they are in now ends
            enrollment = Enrollment(subscriber=subscriber, sequence=sequence, enrolled_at=now)
            enrollment.next_position, enrollment.waits_for_id = (
                step.position,
                waiting[subscriber.pk],
            )
            created.append(enrollment)
    return Enrollment.objects.bulk_create(created, batch_size=1000)


def spread(count: int, spans: list[tuple[datetime, datetime]]) -> list[datetime]:
    """`count` moments placed evenly through these open stretches of the send window."""
    lengths = [(end - start).total_seconds() for start, end in spans]
    gap = sum(lengths) / count
    moments, index, offset = [], 0, 0.0
    for _ in range(count):
        while offset >= lengths[index] and index + 1 < len(spans):
            offset -= lengths[index]
            index += 1
        moments.append(spans[index][0] + timedelta(seconds=offset))
        offset += gap
    return moments


def _spans(count: int, sequence: Sequence, practice: Practice, now: datetime) -> list:
    """The open stretches of the send window (practice's clock) from now, one per sending day,
    until they hold `count` first emails at no more than `per_day` a full day."""
    if not count:
        return []
    window = sequences.window_of(sequence, practice)
    zone = windows.zone_named(practice.default_time_zone, "UTC")
    full = (window.end_hour - window.start_hour) * 3600
    daily = per_day(practice, sequence)
    spans, room = [], 0.0
    if window.contains(now, zone):
        midnight = now.astimezone(zone).replace(hour=0, minute=0, second=0, microsecond=0)
        closing = windows.local_moment(
            midnight.replace(tzinfo=None) + timedelta(hours=window.end_hour), zone
        )
        spans.append((now, closing))
        room += daily * (closing - now).total_seconds() / full
    moment = now
    while room < count:
        opening = window.next_opening(moment, zone)
        local = opening.astimezone(zone).replace(tzinfo=None)
        hours = timedelta(hours=window.end_hour - window.start_hour)
        spans.append((opening, windows.local_moment(local + hours, zone)))
        room += daily
        moment = opening
    return spans
