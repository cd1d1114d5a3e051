"""An audience as a CSV file: who is in it, their status, dates and where their consent came from.

Rows are written one at a time from an iterator, so a list of any size streams without being
held in memory. A value a spreadsheet would read as a formula gets a leading apostrophe.
"""

import csv
from collections.abc import Iterator
from datetime import datetime

from django.db.models import OuterRef, Subquery

from ..models import Audience, ConsentEvent, Subscriber

HEADER = ["email", "first_name", "status", "joined", "confirmed", "unsubscribed", "consent_source"]
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


class _Echo:
    """A file-like object whose write returns the line, for a streamed response."""

    def write(self, value: str) -> str:
        return value


def csv_lines(audience: Audience) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield writer.writerow(HEADER)
    for row in _rows(audience):
        yield writer.writerow([csv_safe(value) for value in row])


def _rows(audience: Audience) -> Iterator[list[str]]:
    first = ConsentEvent.objects.filter(subscriber=OuterRef("pk")).order_by("created_at", "pk")
    members = (
        Subscriber.objects.filter(membership__audience=audience)
        .annotate(
            joined=Subquery(
                audience.membership_set.filter(subscriber=OuterRef("pk")).values("joined_at")[:1]
            ),
            channel=Subquery(first.values("channel")[:1]),
        )
        .order_by("pk")
    )
    for person in members.iterator(chunk_size=1000):
        source = person.source_url or person.channel or ""
        yield [
            person.email,
            person.first_name,
            person.get_status_display(),
            _day(person.joined),
            _day(person.confirmed_at),
            _day(person.unsubscribed_at),
            source,
        ]


def _day(value: datetime | None) -> str:
    return value.date().isoformat() if value else ""


def csv_safe(value: str) -> str:
    """A cell a spreadsheet will show as text, never run as a formula."""
    return f"'{value}" if value.startswith(FORMULA_START) else value
