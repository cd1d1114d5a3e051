"""Which email a booked consultation is owed to: one rule, for bookings and the statistics.

The last email whose consultation link the reader clicked within 14 days before booking;
none when no click falls in that time.
"""

from datetime import datetime, timedelta

from ..models import Click, Delivery, Subscriber

WINDOW = timedelta(days=14)


def attributed_email(subscriber: Subscriber, booked_at: datetime) -> Delivery | None:
    clicks = Click.objects.filter(
        delivery__subscriber=subscriber,
        created_at__gte=booked_at - WINDOW,
        created_at__lte=booked_at,
    )
    last = clicks.select_related("delivery").order_by("-created_at", "-pk").first()
    return last.delivery if last else None
