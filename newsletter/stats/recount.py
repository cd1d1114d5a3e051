"""The running totals counted again from the ledger: compare them, and repair what differs.

The ledger is the truth; `counting` keeps the totals in step with it as things happen, and
this module proves it (or puts it right after data was written behind its back). It works
out each row's figures in SQL with the same rules, sums them per email and per hour, and
compares with the stored totals. Repair is meant for a quiet moment (after migrating, after
a restore): writes landing while it rebuilds may need a second run. Imports: models only.
"""

from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC

from django.db import transaction
from django.db.models import Case, Count, Exists, F, IntegerField, OuterRef, Q, Sum, Value, When
from django.db.models.functions import Trunc

from ..models import Booking, Click, ConsentEvent, Delivery, EmailNumbers, SendHour
from ..models.subscribers import ConsentKind
from .counting import BITS, BOUNCED, DELIVERED, HOURLY, SCANNER_GRACE, UNSUBSCRIBE_WINDOW, Event

FIGURES = (*BITS, "booked")


@dataclass
class Recount:
    emails: dict[tuple[str, int], Counter] = field(default_factory=dict)
    hours: dict = field(default_factory=dict)
    rows_off: int = 0  # ledger rows whose remembered figures were not what they add now
    emails_off: list = field(default_factory=list)
    hours_off: list = field(default_factory=list)

    @property
    def matches(self) -> bool:
        return not (self.rows_off or self.emails_off or self.hours_off)


def bits_expression():
    """`counting.bits_of` in SQL, for every row at once."""
    real_click = Click.objects.filter(
        delivery=OuterRef("pk"), created_at__gte=OuterRef("sent_at") + SCANNER_GRACE
    )
    unsubscribe = ConsentEvent.objects.filter(
        subscriber=OuterRef("subscriber_id"),
        kind=ConsentKind.UNSUBSCRIBED,
        created_at__gte=OuterRef("sent_at"),
        created_at__lte=OuterRef("sent_at") + UNSUBSCRIBE_WINDOW,
    )

    def bit(name: str, condition) -> Case:
        return Case(When(condition, then=Value(BITS[name])), default=Value(0))

    sent = Q(status=Delivery.Status.SENT)
    return Case(
        When(
            sent,
            then=Value(BITS["sent"])
            + bit("delivered", Q(event__in=DELIVERED))
            + bit("bounced", Q(event__in=BOUNCED))
            + bit("complained", Q(event=Event.COMPLAINED))
            + bit("clicked", Exists(real_click))
            + bit("unsubscribed", Exists(unsubscribe)),
        ),
        default=Value(0),
        output_field=IntegerField(),
    )


def recount(repair: bool = False) -> Recount:
    """Count everything again from the ledger; with `repair`, make the totals say so."""
    with transaction.atomic():
        result = Recount(rows_off=_rows(repair))
        result.emails = _emails()
        result.hours = _hours()
        stored = {(t.kind, t.email_id): t for t in EmailNumbers.objects.all()}
        result.emails_off = _differences(result.emails, stored, FIGURES)
        stored_hours = {t.hour: t for t in SendHour.objects.all()}
        result.hours_off = _differences(result.hours, stored_hours, HOURLY)
        if repair:
            _replace(result)
    return result


def _rows(repair: bool) -> int:
    """Rows whose remembered bits are wrong; with `repair`, put the right ones."""
    live = Delivery.objects.filter(folded_at__isnull=True).alias(should=bits_expression())
    wrong = live.exclude(counted=F("should"))
    if not repair:
        return wrong.count()
    return (
        Delivery.objects.filter(folded_at__isnull=True)
        .exclude(counted=bits_expression())
        .update(counted=bits_expression())
    )


def _bit_sums(names) -> dict:
    """Each figure's sum over the rows' remembered bits (right once `_rows` found none off)."""
    return {name: Sum(F("counted").bitand(BITS[name])) for name in names}


def _emails() -> dict:
    grouped = Delivery.objects.order_by().values("step_id", "broadcast_id")
    totals: dict[tuple[str, int], Counter] = {}
    for group in grouped.annotate(**_bit_sums(BITS)):
        key = _key(group["step_id"], group["broadcast_id"])
        totals[key] = Counter({n: (group[n] or 0) // BITS[n] for n in BITS})
    booked = Booking.objects.filter(cancelled_at__isnull=True, attributed_to__isnull=False)
    email = ("attributed_to__step_id", "attributed_to__broadcast_id")
    for group in booked.order_by().values(*email).annotate(n=Count("pk")):
        key = _key(group[email[0]], group[email[1]])
        totals.setdefault(key, Counter())["booked"] = group["n"]
    return totals


def _hours() -> dict:
    rows = Delivery.objects.filter(sent_at__isnull=False, counted__gt=0)
    hourly = rows.annotate(at=Trunc("sent_at", "hour", tzinfo=UTC)).order_by().values("at")
    return {
        group["at"]: Counter({n: (group[n] or 0) // BITS[n] for n in HOURLY})
        for group in hourly.annotate(**_bit_sums(HOURLY))
    }


def _key(step_id, broadcast_id) -> tuple[str, int]:
    if step_id is not None:
        return EmailNumbers.Kind.STEP, step_id
    return EmailNumbers.Kind.BROADCAST, broadcast_id


def _differences(counted: dict, stored: dict, names) -> list:
    off = []
    for key in set(counted) | set(stored):
        want = counted.get(key, Counter())
        have = stored.get(key)
        if any(want.get(n, 0) != (getattr(have, n) if have else 0) for n in names):
            off.append(key)
    return sorted(off, key=str)


def _replace(result: Recount) -> None:
    EmailNumbers.objects.all().delete()
    EmailNumbers.objects.bulk_create(
        EmailNumbers(kind=kind, email_id=pk, **{n: c.get(n, 0) for n in FIGURES})
        for (kind, pk), c in result.emails.items()
    )
    SendHour.objects.all().delete()
    SendHour.objects.bulk_create(
        SendHour(hour=hour, **{n: c.get(n, 0) for n in HOURLY}) for hour, c in result.hours.items()
    )
    result.emails_off, result.hours_off = [], []
