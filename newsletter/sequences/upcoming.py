"""What goes out over the next 14 days, day by day in the practice's calendar: which emails,
and to how many people.

Sequence emails are each reader's next email at the time the engine has planned for it
(`next_send_at`, already inside the send window); the emails after that one are planned once
it has gone, so they are not shown. An email already due lands on today. Scheduled
newsletters go to everyone active in their audiences; one that is under way counts those it
has not reached yet. Whatever is paused (one sequence, one newsletter, or all sending) is
listed as held: nothing of it goes out until it is resumed.
"""

from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta

from django.db.models import Count
from django.db.models.functions import TruncDate

from ..models import Broadcast, Delivery, Enrollment, Practice, Sequence, Step, Subscriber
from . import broadcasts, quiet_dates, sequences, windows

DAYS = 14
State = Broadcast.Status
PLANNED = (Sequence.Status.ACTIVE, Sequence.Status.PAUSED)
WAITING = (State.SCHEDULED, State.SENDING, State.PAUSED)
HELD_ALL = "Held: all sending is paused"
HELD_SEQUENCE = "Held: this sequence is paused"
HELD_BROADCAST = "Held: this newsletter is paused"


@dataclass(frozen=True)
class Outgoing:
    """One email on one day: a sequence's step or a newsletter."""

    name: str  # "Welcome series, email 2" or "Newsletter"
    subject: str
    people: int
    held: str = ""  # why nothing of it goes out; "" when it goes
    sequence_pk: int | None = None
    broadcast_pk: int | None = None


@dataclass
class Day:
    day: date
    quiet: bool
    emails: list[Outgoing] = field(default_factory=list)

    @property
    def people(self) -> int:
        """Emails that go out this day (held ones do not)."""
        return sum(email.people for email in self.emails if not email.held)


@dataclass(frozen=True)
class Calendar:
    days: list[Day]
    paused: bool  # the practice paused all sending


def next_days(now: datetime, practice: Practice | None = None, days: int = DAYS) -> Calendar:
    """Today and the next `days - 1` days, each with what goes out on it."""
    practice = practice or Practice.get()
    zone = windows.zone_named(practice.default_time_zone, "UTC")
    today = now.astimezone(zone).date()
    dates = [today + timedelta(days=offset) for offset in range(days)]
    end = datetime.combine(dates[-1] + timedelta(days=1), time(), tzinfo=zone)
    calendar = {day: Day(day, quiet_dates.is_quiet(practice, day)) for day in dates}
    held_all = HELD_ALL if practice.sending_paused else ""
    for day, email in [*_sequence_emails(end, zone, today), *_newsletters(end, zone, today)]:
        calendar[day].emails.append(replace(email, held=held_all or email.held))
    return Calendar(list(calendar.values()), practice.sending_paused)


def _sequence_emails(end: datetime, zone, today: date) -> list[tuple[date, Outgoing]]:
    """Enrollments grouped by sequence, next step and local day: one query, however many;
    what is already due goes on today."""
    due = Enrollment.objects.filter(
        status=Enrollment.Status.ACTIVE,
        next_send_at__lt=end,
        sequence__status__in=PLANNED,
        subscriber__status=Subscriber.Status.ACTIVE,
    )
    rows = (
        due.annotate(day=TruncDate("next_send_at", tzinfo=zone))
        .values("sequence_id", "next_position", "day")
        .annotate(n=Count("pk"))
        .order_by()
    )
    rows = list(rows)
    found = {row["sequence_id"] for row in rows}
    shown = list(Sequence.objects.filter(pk__in=found).values_list("pk", "name", "status"))
    names = {pk: name for pk, name, _ in shown}
    paused = {pk for pk, _, status in shown if status == Sequence.Status.PAUSED}
    steps = _live_steps(found)
    emails = []
    for row in rows:
        step = sequences.step_from(steps.get(row["sequence_id"], []), row["next_position"])
        if step is None:
            continue  # nothing left to send: the enrollment completes at its next pass
        email = Outgoing(
            name=f"{names[step.sequence_id]}, email {_place(steps[step.sequence_id], step)}",
            subject=step.subject,
            people=row["n"],
            held=HELD_SEQUENCE if step.sequence_id in paused else "",
            sequence_pk=step.sequence_id,
        )
        emails.append((max(row["day"], today), email))
    return _merged(emails)


def _newsletters(end: datetime, zone, today: date) -> list[tuple[date, Outgoing]]:
    """Scheduled, sending and paused newsletters due before `end`: two count queries each."""
    waiting = Broadcast.objects.filter(
        status__in=WAITING, scheduled_at__isnull=False, scheduled_at__lt=end
    ).order_by("scheduled_at", "pk")
    emails = []
    for broadcast in waiting:
        people = _still_to_reach(broadcast)
        held = HELD_BROADCAST if broadcast.status == State.PAUSED else ""
        email = Outgoing("Newsletter", broadcast.subject, people, held, broadcast_pk=broadcast.pk)
        emails.append((max(broadcast.scheduled_at.astimezone(zone).date(), today), email))
    return emails


def _still_to_reach(broadcast: Broadcast) -> int:
    """Rows waiting to be sent, plus everyone in its audiences not given a row yet (all of
    them before it starts; a paused newsletter reaches them once resumed)."""
    rows = broadcasts.progress(broadcast)
    audience = broadcasts.recipients(broadcast.audiences.all())
    unstarted = audience.exclude(deliveries__broadcast=broadcast).count()
    return rows[Delivery.Status.QUEUED] + rows[Delivery.Status.SENDING] + unstarted


def _live_steps(sequence_ids: set[int]) -> dict[int, list[Step]]:
    grouped: dict[int, list[Step]] = {}
    live = Step.objects.filter(sequence_id__in=sequence_ids, removed=False)
    for step in live.order_by("sequence_id", "position"):
        grouped.setdefault(step.sequence_id, []).append(step)
    return grouped


def _place(steps: list[Step], step: Step) -> int:
    """The step's number as she sees it (1, 2, 3...), whatever its stored position."""
    return steps.index(step) + 1


def _merged(emails: list[tuple[date, Outgoing]]) -> list[tuple[date, Outgoing]]:
    """One line per (day, email): readers whose stored position differs but whose next live
    step is the same are added together."""
    merged: dict[tuple[date, int | None, str], tuple[date, Outgoing]] = {}
    for day, email in sorted(emails, key=lambda pair: (pair[0], pair[1].name)):
        key = (day, email.sequence_pk, email.name)
        if key in merged:
            email = replace(email, people=merged[key][1].people + email.people)
        merged[key] = (day, email)
    return list(merged.values())
