"""What a provider event may do: to the ledger row, the reader, the suppression list."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Effect:
    event: str = ""  # Delivery.event
    status: str = "sent"  # Delivery.status
    reader: str = "active"  # Subscriber.status
    suppressed: str = ""  # Suppression.reason
    exit: str = ""  # Enrollment.exit_reason
    consent: tuple = ()  # new ConsentEvents, (kind, channel)
    failures: int = 0  # the sequence's consecutive failures


DELIVERED = Effect(event="delivered")
SOFT = Effect(event="soft_bounced")
HARD = Effect(event="bounced", reader="bounced", suppressed="bounced", exit="bounced")
REFUSED_HARD = Effect(**{**HARD.__dict__, "status": "failed"})
COMPLAINT = Effect(
    event="complained",
    reader="complained",
    suppressed="complained",
    exit="complained",
    consent=(("unsubscribed", "spam complaint"),),
)
REFUSED_COMPLAINT = Effect(**{**COMPLAINT.__dict__, "status": "failed"})
UNSUBSCRIBED = Effect(
    reader="unsubscribed", exit="unsubscribed", consent=(("unsubscribed", "email provider"),)
)
REFUSED_UNSUBSCRIBED = Effect(**{**UNSUBSCRIBED.__dict__, "status": "failed"})
SENDER_FAULT = Effect(status="failed", failures=1)
NOTHING = Effect()
