"""Booked consultations: who booked, when, through which tool, and the email it is owed to."""

from django.db import models
from django.db.models import Q
from django.utils import timezone


class Booking(models.Model):
    """A consultation a subscriber booked; it ends their nurture and keeps them out of it."""

    class Tool(models.TextChoices):
        CALENDLY = "calendly", "Calendly"
        CALCOM = "calcom", "Cal.com"
        HOOK = "hook", "Booking hook"
        PRACTICE = "practice", "Marked by the practice"

    subscriber = models.ForeignKey(
        "newsletter.Subscriber", on_delete=models.CASCADE, related_name="bookings"
    )
    tool = models.CharField(max_length=16, choices=Tool.choices)
    # The tool's own id of the booking (Calendly's invitee URI, Cal.com's uid): a replay of
    # the same event finds it and changes nothing.
    external_id = models.CharField(max_length=500, blank=True)
    booked_at = models.DateTimeField(default=timezone.now)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    # The last email whose consultation link the reader clicked within 14 days before booking.
    attributed_to = models.ForeignKey(
        "newsletter.Delivery",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="bookings",
    )

    class Meta:
        ordering = ["-booked_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["tool", "external_id"],
                condition=~Q(external_id=""),
                name="one_booking_per_tool_id",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_tool_display()} booking at {self.booked_at:%Y-%m-%d %H:%M}"
