"""What becomes of each row of an imported list: the decision, and the person it makes.

A row is never imported when its address is not valid, appears earlier in the file, is on
the never-mail list, or belongs to someone already known (whatever their status: an import
never makes an unsubscribed or erased person active again). Lookups are made per chunk of
rows, never per row.
"""

from dataclasses import dataclass

from django.core.exceptions import ValidationError

from ..models import Audience, ConsentEvent, ListImport, Subscriber, Suppression
from ..models.subscribers import ConsentKind
from . import addresses, names
from .subscriptions import join, valid_time_zone

Status = Subscriber.Status
INVALID = "not a valid email address"
DUPLICATE = "appears earlier in this file"
SUPPRESSED = "on the never-mail list (erased, bounced, marked as spam or added by you)"
NO_AUDIENCE = "no audience to join"
KNOWN = {
    Status.ACTIVE: "already on your list",
    Status.PAUSED: "already on your list",
    Status.PENDING: "already asked to confirm",
    Status.UNSUBSCRIBED: "unsubscribed earlier: an import never subscribes anyone again",
    Status.BOUNCED: "emails to it bounced before",
    Status.COMPLAINED: "marked an email as spam before",
    Status.ERASED: SUPPRESSED,
}
CHANNEL = "import"


@dataclass
class Row:
    number: int
    raw_email: str
    email: str = ""
    first_name: str = ""
    time_zone: str = ""
    audiences: tuple[int, ...] = ()
    refusal: str = ""


def read(number: int, cells: list[str], mapping: dict, audiences: "AudienceNames") -> Row:
    """One row as the mapping reads it; `refusal` says why it cannot be imported, if so."""

    def cell(name: str) -> str:
        index = mapping.get(name)
        return cells[index].strip() if index is not None and index < len(cells) else ""

    row = Row(number, cell("email")[:254])
    try:
        row.email = addresses.normalise(row.raw_email)
    except ValidationError:
        row.refusal = INVALID
        return row
    try:
        row.first_name = names.clean_first_name(cell("first_name")[:100])
    except ValidationError:
        row.first_name = ""
    row.time_zone = valid_time_zone(cell("time_zone")[:64])
    row.audiences, unknown = audiences.read(cell("audiences"))
    if unknown:
        row.refusal = f"names an audience you do not have: {unknown}"
    elif not row.audiences:
        row.refusal = NO_AUDIENCE
    return row


class AudienceNames:
    """Reads an audiences cell ("EMDR; Anxiety"): names or slugs, any case, plus the chosen."""

    def __init__(self, chosen: list[int]):
        self.chosen = tuple(chosen)
        self.known = {}
        for audience in Audience.objects.all():
            self.known[audience.name.casefold()] = audience.pk
            self.known[audience.slug.casefold()] = audience.pk

    def read(self, value: str) -> tuple[tuple[int, ...], str]:
        found = list(self.chosen)
        for name in (part.strip() for part in value.replace("|", ";").replace(",", ";").split(";")):
            if name and name.casefold() not in self.known:
                return (), name
            if name and self.known[name.casefold()] not in found:
                found.append(self.known[name.casefold()])
        return tuple(found), ""


def decide(rows: list[Row], seen: set[str]) -> None:
    """Set each row's refusal from the file so far, the never-mail list and who is known."""
    valid = [row for row in rows if not row.refusal]
    keys = {row.number: addresses.key(row.email) for row in valid}
    hashes = {row.number: addresses.suppression_hash(row.email) for row in valid}
    known = dict(
        Subscriber.objects.filter(email_key__in=keys.values()).values_list("email_key", "status")
    )
    listed = set(
        Suppression.objects.filter(address_hash__in=hashes.values()).values_list(
            "address_hash", flat=True
        )
    )
    for row in valid:
        key = keys[row.number]
        if key in seen:
            row.refusal = DUPLICATE
        elif hashes[row.number] in listed:
            row.refusal = SUPPRESSED
        elif key in known:
            row.refusal = KNOWN[known[key]]
        seen.add(key)


def attested_words(attestation: dict) -> str:
    return (
        "Imported by the practice, which attests that these people agreed to hear from it "
        f"({attestation['where']}, {attestation['when']}) and that the list is not taken "
        "from its client records."
    )


def create(row: Row, job: ListImport, now) -> Subscriber:
    """The person a row makes: active with an `imported` consent event, or waiting to confirm."""
    agreed = job.consent == ListImport.Consent.AGREED
    subscriber = Subscriber.objects.create(
        email=row.email,
        email_key=addresses.key(row.email),
        first_name=row.first_name,
        time_zone=row.time_zone,
        status=Status.ACTIVE if agreed else Status.PENDING,
        created_at=now,
        confirmed_at=now if agreed else None,
    )
    ConsentEvent.objects.create(
        subscriber=subscriber,
        kind=ConsentKind.IMPORTED if agreed else ConsentKind.REQUESTED,
        channel=CHANNEL,
        consent_text=attested_words(job.attestation) if agreed else "",
        detail={"import": job.pk, **(job.attestation if agreed else {"asked_to_confirm": True})},
        created_at=now,
    )
    if agreed:
        join(subscriber, list(Audience.objects.filter(pk__in=row.audiences)))
    return subscriber
