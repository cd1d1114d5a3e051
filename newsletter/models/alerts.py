"""What the practice has been told by email: alerts raised and cleared, and Monday summaries."""

from django.db import models
from django.utils import timezone


class Alert(models.Model):
    """One condition the practice hears about once: raised, emailed, then cleared."""

    # The condition and what it is about: "paused:sequence:12", "complaints:near", ...
    key = models.CharField(max_length=100, unique=True)
    raised = models.BooleanField(default=False)
    raised_at = models.DateTimeField(null=True, blank=True)
    cleared_at = models.DateTimeField(null=True, blank=True)
    # Taken by the task that sends the email; emailed once it went.
    claimed_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-raised_at"]

    def __str__(self) -> str:
        return f"{self.key} ({'raised' if self.raised else 'clear'})"


class WeeklySummary(models.Model):
    """The Monday summary of one week, sent at most once (the week's Monday, local date)."""

    week_of = models.DateField(unique=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-week_of"]
        verbose_name_plural = "weekly summaries"

    def __str__(self) -> str:
        return f"week of {self.week_of:%Y-%m-%d}"


class ProviderSignal(models.Model):
    """When the email provider last reported an event (one row, refreshed every few minutes)."""

    seen_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"provider event at {self.seen_at:%Y-%m-%d %H:%M}"
