"""Staff actions that touch people or sending, and the counts kept after detail is folded."""

from django.db import models
from django.utils import timezone


class AuditEntry(models.Model):
    """Who did what to which record, when; the detail holds counts and ids, never an address."""

    user_id = models.IntegerField(null=True, blank=True)
    username = models.CharField(max_length=150, blank=True)
    action = models.CharField(max_length=40)
    target_kind = models.CharField(max_length=40, blank=True)
    target_id = models.BigIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name_plural = "audit entries"
        indexes = [models.Index(fields=["target_kind", "target_id"])]

    def __str__(self) -> str:
        target = f" {self.target_kind} #{self.target_id}" if self.target_kind else ""
        return f"{self.username or 'system'}: {self.action}{target}"


class EmailTally(models.Model):
    """Counts of one email (a step or a broadcast) from ledger rows whose detail is gone."""

    step = models.OneToOneField(
        "newsletter.Step", null=True, blank=True, on_delete=models.CASCADE, related_name="tally"
    )
    broadcast = models.OneToOneField(
        "newsletter.Broadcast",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="tally",
    )
    sent = models.PositiveIntegerField(default=0)
    failed = models.PositiveIntegerField(default=0)
    skipped = models.PositiveIntegerField(default=0)
    delivered = models.PositiveIntegerField(default=0)
    soft_bounced = models.PositiveIntegerField(default=0)
    bounced = models.PositiveIntegerField(default=0)
    complained = models.PositiveIntegerField(default=0)
    clicks = models.PositiveIntegerField(default=0)
    folded_through = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "email tallies"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(step__isnull=True) ^ models.Q(broadcast__isnull=True),
                name="tally_step_xor_broadcast",
            )
        ]

    def __str__(self) -> str:
        return f"tally of {self.step or self.broadcast}"
