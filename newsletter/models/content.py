"""Email content being written: each user's unsaved draft, and every saved version."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


def _of_step_or_broadcast(name: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=Q(step__isnull=True) ^ Q(broadcast__isnull=True), name=name
    )


class Draft(models.Model):
    """What one user has typed into the editor of one step or broadcast and not yet saved."""

    step = models.ForeignKey(
        "newsletter.Step", null=True, blank=True, on_delete=models.CASCADE, related_name="drafts"
    )
    broadcast = models.ForeignKey(
        "newsletter.Broadcast",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="drafts",
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    fields = models.JSONField(default=dict)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            _of_step_or_broadcast("draft_of_step_or_broadcast"),
            models.UniqueConstraint(
                fields=["step", "user"], condition=Q(step__isnull=False), name="one_draft_per_step"
            ),
            models.UniqueConstraint(
                fields=["broadcast", "user"],
                condition=Q(broadcast__isnull=False),
                name="one_draft_per_broadcast",
            ),
        ]

    def __str__(self) -> str:
        return f"draft by {self.user} at {self.updated_at:%Y-%m-%d %H:%M}"


class ContentVersion(models.Model):
    """The content of a step or broadcast as it was saved, by whom and when."""

    step = models.ForeignKey(
        "newsletter.Step", null=True, blank=True, on_delete=models.CASCADE, related_name="versions"
    )
    broadcast = models.ForeignKey(
        "newsletter.Broadcast",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="versions",
    )
    saved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    fields = models.JSONField(default=dict)
    saved_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-saved_at", "-pk"]
        constraints = [_of_step_or_broadcast("version_of_step_or_broadcast")]

    def __str__(self) -> str:
        return f"version saved {self.saved_at:%Y-%m-%d %H:%M}"
