"""Running totals the Numbers page reads: per email, and per hour of sending for health."""

from django.db import models


class EmailNumbers(models.Model):
    """One email's figures (a step or a broadcast), kept up to date as the ledger changes."""

    class Kind(models.TextChoices):
        STEP = "step", "Sequence step"
        BROADCAST = "broadcast", "Broadcast"

    kind = models.CharField(max_length=10, choices=Kind.choices)
    email_id = models.BigIntegerField()
    sent = models.BigIntegerField(default=0)
    delivered = models.BigIntegerField(default=0)
    bounced = models.BigIntegerField(default=0)
    complained = models.BigIntegerField(default=0)
    clicked = models.BigIntegerField(default=0)
    unsubscribed = models.BigIntegerField(default=0)
    booked = models.BigIntegerField(default=0)

    class Meta:
        verbose_name_plural = "email numbers"
        constraints = [
            models.UniqueConstraint(fields=["kind", "email_id"], name="one_total_per_email")
        ]

    def __str__(self) -> str:
        return f"numbers of {self.kind} #{self.email_id}"


class SendHour(models.Model):
    """Emails sent in one hour (UTC), and how many of them bounced or were marked as spam."""

    hour = models.DateTimeField(unique=True)
    sent = models.BigIntegerField(default=0)
    bounced = models.BigIntegerField(default=0)
    complained = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"sent in the hour from {self.hour:%Y-%m-%d %H:00}"
