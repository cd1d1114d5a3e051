"""What the practice is told about right away, each condition under a key of its own.

- `paused:sequence:<id>`, `paused:broadcast:<id>`: a sequence or newsletter paused itself after
  failing to send again and again (a pause she chose herself is not news to her).
- `complaints:near`, `complaints:over`: spam complaints over the last 30 days reach 0.08 %
  (close to the 0.1 % to aim under) or pass the 0.3 % limit, once at least 1,000 emails went
  out in those days; below that, one complaint already reads as 0.1 % and is no trend. A
  raised complaint alert clears only a little below its line (0.06 %, 0.25 %), so a rate
  hovering on the line does not email her every day.
- `provider:silent`: emails go out through an email provider, yet it has reported nothing
  (no delivery, bounce or complaint) about any of them for 24 hours: its tracking webhook is
  most likely not reaching this site. Over SMTP or into the outbox nothing reports back, so
  this is never raised there.
"""

from datetime import datetime, timedelta

from django.db.models import Min

from ..delivery.failures import AUTO_PAUSED
from ..mail.emails import esp_name
from ..models import Broadcast, Delivery, Sequence
from ..stats import health
from . import provider_events

COMPLAINTS_NEAR, COMPLAINTS_NEAR_CLEARS = 0.0008, 0.0006
COMPLAINTS_OVER, COMPLAINTS_OVER_CLEARS = health.COMPLAINT_LIMIT, 0.0025
COMPLAINTS_MIN_SENT = 1000
SILENCE = timedelta(hours=24)
PAUSED, COMPLAINTS_NEAR_KEY, COMPLAINTS_OVER_KEY, SILENT = (
    "paused:",
    "complaints:near",
    "complaints:over",
    "provider:silent",
)


def current(now: datetime, raised: set[str]) -> set[str]:
    """The keys of every condition that holds now (`raised`: those already told about)."""
    return {*self_paused(), *complaints(now, raised), *silence(now)}


def self_paused() -> set[str]:
    found = set()
    for model, kind in ((Sequence, "sequence"), (Broadcast, "broadcast")):
        rows = model.objects.filter(
            status=model.Status.PAUSED, paused_reason__startswith=AUTO_PAUSED
        )
        found |= {f"{PAUSED}{kind}:{pk}" for pk in rows.values_list("pk", flat=True)}
    return found


def complaints(now: datetime, raised: set[str]) -> set[str]:
    figures = health.last_30_days(now)
    if figures.sent < COMPLAINTS_MIN_SENT:
        return set()
    rate = figures.complained / figures.sent
    if _holds(rate, COMPLAINTS_OVER, COMPLAINTS_OVER_CLEARS, COMPLAINTS_OVER_KEY in raised):
        return {COMPLAINTS_OVER_KEY}
    if _holds(rate, COMPLAINTS_NEAR, COMPLAINTS_NEAR_CLEARS, COMPLAINTS_NEAR_KEY in raised):
        return {COMPLAINTS_NEAR_KEY}
    return set()


def _holds(rate: float, line: float, clears_below: float, raised: bool) -> bool:
    return rate >= line or (raised and rate >= clears_below)


def silence(now: datetime) -> set[str]:
    if esp_name() is None:
        return set()
    sent = Delivery.objects.filter(status=Delivery.Status.SENT, sent_at__lte=now)
    if not sent.filter(sent_at__gt=now - SILENCE).exists():
        return set()  # not sending now: a quiet provider is expected
    last = provider_events.last_seen()
    unanswered = sent.filter(sent_at__gt=last) if last else sent
    oldest = unanswered.aggregate(oldest=Min("sent_at"))["oldest"]
    return {SILENT} if oldest is not None and oldest <= now - SILENCE else set()


def paused_subject(key: str) -> Sequence | Broadcast | None:
    """The sequence or newsletter a `paused:` key is about (None once it is gone)."""
    _, kind, pk = key.split(":")
    model = Sequence if kind == "sequence" else Broadcast
    return model.objects.filter(pk=int(pk)).first()
