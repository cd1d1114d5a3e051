"""Sequences, their steps, enrollments, broadcasts and the delivery ledger."""

from django.db import models
from django.db.models import Q
from django.utils import timezone


class Sequence(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        ACTIVE = "active", "Active"
        PAUSED = "paused", "Paused"
        ARCHIVED = "archived", "Archived"

    name = models.CharField(max_length=200)
    slug = models.SlugField(unique=True)
    audience = models.ForeignKey(
        "newsletter.Audience", on_delete=models.PROTECT, related_name="sequences"
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.DRAFT)
    send_days = models.CharField(
        max_length=7, blank=True, help_text="Weekdays, 0 = Monday; blank uses the practice's."
    )
    send_start_hour = models.PositiveSmallIntegerField(null=True, blank=True)
    send_end_hour = models.PositiveSmallIntegerField(null=True, blank=True)
    allow_reentry = models.BooleanField(default=False)
    paused_reason = models.CharField(max_length=300, blank=True)
    consecutive_failures = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Step(models.Model):
    class DelayUnit(models.TextChoices):
        MINUTES = "minutes", "minutes"
        HOURS = "hours", "hours"
        DAYS = "days", "days"

    sequence = models.ForeignKey(Sequence, on_delete=models.CASCADE, related_name="steps")
    position = models.PositiveIntegerField()
    delay_value = models.PositiveIntegerField(default=0)
    delay_unit = models.CharField(max_length=8, choices=DelayUnit.choices, default="days")
    ignore_window = models.BooleanField(
        default=False, help_text="Send as soon as due, ignoring the send window."
    )
    subject = models.CharField(max_length=200)
    preview = models.CharField(max_length=200, blank=True)
    content_note = models.CharField(max_length=300, blank=True)
    body = models.TextField(help_text="Markdown.")
    cta_text = models.CharField(max_length=100, blank=True)
    cta_url = models.URLField(max_length=500, blank=True)
    version = models.PositiveIntegerField(default=1)
    removed = models.BooleanField(default=False)

    class Meta:
        ordering = ["sequence", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["sequence", "position"],
                condition=Q(removed=False),
                name="one_live_step_per_position",
            )
        ]

    CONTENT_FIELDS = ("subject", "preview", "content_note", "body", "cta_text", "cta_url")

    def __str__(self) -> str:
        return f"{self.sequence.slug} #{self.position}: {self.subject}"

    def save(self, *args, **kwargs):
        """Every content edit bumps the version (rendered emails are cached per version)."""
        if self.pk and not kwargs.get("update_fields"):
            stored = Step.objects.filter(pk=self.pk).values(*self.CONTENT_FIELDS).first()
            if stored and any(stored[f] != getattr(self, f) for f in self.CONTENT_FIELDS):
                self.version += 1
        super().save(*args, **kwargs)


class Enrollment(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        COMPLETED = "completed", "Completed"
        EXITED = "exited", "Exited"

    class ExitReason(models.TextChoices):
        UNSUBSCRIBED = "unsubscribed", "Unsubscribed"
        BOOKED = "booked", "Booked a consultation"
        BOUNCED = "bounced", "Bounced"
        COMPLAINED = "complained", "Marked as spam"
        ERASED = "erased", "Data erased"
        LEFT_AUDIENCE = "left_audience", "Left the audience"
        MANUAL = "manual", "Removed by the practice"

    subscriber = models.ForeignKey(
        "newsletter.Subscriber", on_delete=models.CASCADE, related_name="enrollments"
    )
    sequence = models.ForeignKey(Sequence, on_delete=models.CASCADE, related_name="enrollments")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.ACTIVE)
    exit_reason = models.CharField(max_length=16, choices=ExitReason.choices, blank=True)
    next_position = models.PositiveIntegerField(default=1)
    next_send_at = models.DateTimeField(null=True, blank=True)
    last_sent_at = models.DateTimeField(null=True, blank=True)
    enrolled_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(null=True, blank=True)
    # One sequence at a time: this one starts when `waits_for` ends (next_send_at is null).
    waits_for = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="followers"
    )

    class Meta:
        indexes = [models.Index(fields=["status", "next_send_at"])]

    def __str__(self) -> str:
        return f"{self.subscriber} in {self.sequence}"


class Broadcast(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SCHEDULED = "scheduled", "Scheduled"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        PAUSED = "paused", "Paused"
        CANCELLED = "cancelled", "Cancelled"

    slug = models.SlugField(unique=True)
    subject = models.CharField(max_length=200)
    preview = models.CharField(max_length=200, blank=True)
    content_note = models.CharField(max_length=300, blank=True)
    body = models.TextField(help_text="Markdown.")
    cta_text = models.CharField(max_length=100, blank=True)
    cta_url = models.URLField(max_length=500, blank=True)
    audiences = models.ManyToManyField("newsletter.Audience", related_name="broadcasts")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.DRAFT)
    scheduled_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    paused_reason = models.CharField(max_length=300, blank=True)
    consecutive_failures = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    # Shown at /archive/ once sent, when the practice has the archive turned on.
    in_archive = models.BooleanField("show in the archive", default=False)

    def __str__(self) -> str:
        return self.subject


class Delivery(models.Model):
    """The send ledger: one row per (subscriber, step) or (subscriber, broadcast)."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"
        SKIPPED = "skipped", "Skipped"

    class Event(models.TextChoices):
        DELIVERED = "delivered", "Delivered"
        SOFT_BOUNCED = "soft_bounced", "Bounced for now (mailbox full, server busy)"
        BOUNCED = "bounced", "Bounced"
        COMPLAINED = "complained", "Marked as spam"

    subscriber = models.ForeignKey(
        "newsletter.Subscriber", on_delete=models.CASCADE, related_name="deliveries"
    )
    step = models.ForeignKey(
        Step, null=True, blank=True, on_delete=models.PROTECT, related_name="deliveries"
    )
    broadcast = models.ForeignKey(
        Broadcast, null=True, blank=True, on_delete=models.PROTECT, related_name="deliveries"
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED)
    event = models.CharField(max_length=16, choices=Event.choices, blank=True)
    message_id = models.CharField(max_length=300, blank=True)
    esp_message_id = models.CharField(max_length=300, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    claimed_at = models.DateTimeField(null=True, blank=True)
    # Which send task holds the row while it is "sending" (a fresh random value per claim).
    claim_token = models.CharField(max_length=32, blank=True, editable=False)
    # When a queued row should be (re)enqueued if no worker has taken it; null = held.
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    # Set once the row's counts went into its email's tally and its detail was removed.
    folded_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Which figures this row adds to its email's running totals (bits of stats.counting).
    counted = models.PositiveSmallIntegerField(default=0, editable=False)

    class Meta:
        verbose_name_plural = "deliveries"
        indexes = [
            models.Index(fields=["sent_at"]),
            models.Index(fields=["status", "created_at"]),
            models.Index(fields=["status", "next_attempt_at"]),
            models.Index(fields=["claim_token"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["subscriber", "step"], condition=Q(step__isnull=False), name="one_per_step"
            ),
            # Broadcast first: dispatch asks for the highest reader of a broadcast per chunk,
            # which this index answers at once however many rows the broadcast has.
            models.UniqueConstraint(
                fields=["broadcast", "subscriber"],
                condition=Q(broadcast__isnull=False),
                name="one_per_broadcast",
            ),
            models.CheckConstraint(
                condition=Q(step__isnull=True) ^ Q(broadcast__isnull=True),
                name="step_xor_broadcast",
            ),
        ]

    def __str__(self) -> str:
        return f"delivery #{self.pk} to {self.subscriber}"


class Click(models.Model):
    """A consultation-link click: which email and when, nothing about the reader's device."""

    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="clicks")
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"click on delivery #{self.delivery_id} at {self.created_at:%Y-%m-%d %H:%M}"
