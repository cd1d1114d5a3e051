"""Subscribers, their audiences, the consent trail and the suppression list."""

import secrets

from django.db import models
from django.utils import timezone


def new_public_id() -> str:
    """A random id for links: says nothing about how many subscribers there are."""
    return secrets.token_urlsafe(16)


class SubscriberStatus(models.TextChoices):
    PENDING = "pending", "Waiting for confirmation"
    ACTIVE = "active", "Active"
    PAUSED = "paused", "Paused"
    UNSUBSCRIBED = "unsubscribed", "Unsubscribed"
    BOUNCED = "bounced", "Bounced"
    COMPLAINED = "complained", "Marked as spam"
    ERASED = "erased", "Erased"


class SubscriberQuerySet(models.QuerySet):
    def by_email(self, email_key: str) -> "SubscriberQuerySet":
        return self.filter(email_key=email_key)


class Subscriber(models.Model):
    Status = SubscriberStatus

    email = models.EmailField(max_length=254, blank=True)
    # What links carry instead of the row id (which counts subscribers and can be guessed).
    public_id = models.CharField(max_length=32, unique=True, default=new_public_id, editable=False)
    # Case-folded address: the one addresses are compared by. Null once erased.
    email_key = models.CharField(  # noqa: DJ001 (NULL lets erased rows share "no address")
        max_length=254, unique=True, null=True, editable=False
    )
    first_name = models.CharField(max_length=100, blank=True)
    status = models.CharField(
        max_length=16, choices=SubscriberStatus.choices, default=SubscriberStatus.PENDING
    )
    time_zone = models.CharField(max_length=64, blank=True)
    paused_until = models.DateTimeField(null=True, blank=True)
    # "fewer": at most one email a week; "normal": the practice's own pace.
    pace = models.CharField(max_length=8, default="normal")
    # When the last newsletter or sequence email was handed to the transport.
    last_marketing_at = models.DateTimeField(null=True, blank=True)
    source_url = models.URLField(max_length=500, blank=True)
    audiences = models.ManyToManyField(
        "newsletter.Audience", through="Membership", related_name="subscribers", blank=True
    )
    created_at = models.DateTimeField(default=timezone.now)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    unsubscribed_at = models.DateTimeField(null=True, blank=True)
    # Asked for (sets the resend throttle) and actually handed to the transport: a gap between
    # the two means the broker lost the task, and the next sweep sends it again.
    confirmation_sent_at = models.DateTimeField(null=True, blank=True)
    confirmation_mailed_at = models.DateTimeField(null=True, blank=True)
    # Set when a data-rights link is used, which voids every data-rights link sent before.
    data_link_used_at = models.DateTimeField(null=True, blank=True)

    objects = SubscriberQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status"])]

    def __str__(self) -> str:
        return self.email or f"erased subscriber #{self.pk}"

    @property
    def can_receive_marketing(self) -> bool:
        return self.status == SubscriberStatus.ACTIVE


class Membership(models.Model):
    subscriber = models.ForeignKey(Subscriber, on_delete=models.CASCADE)
    audience = models.ForeignKey("newsletter.Audience", on_delete=models.CASCADE)
    joined_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["subscriber", "audience"], name="one_membership")
        ]

    def __str__(self) -> str:
        return f"{self.subscriber} in {self.audience}"


class ConsentKind(models.TextChoices):
    REQUESTED = "requested", "Asked to subscribe"
    CONFIRMED = "confirmed", "Confirmed by email"
    RESUBSCRIBED = "resubscribed", "Subscribed again"
    PREFERENCES = "preferences", "Changed preferences"
    PAUSED = "paused", "Paused"
    RESUMED = "resumed", "Resumed"
    UNSUBSCRIBED = "unsubscribed", "Unsubscribed"
    IMPORTED = "imported", "Imported"
    ERASED = "erased", "Data erased"


AGREEMENTS = frozenset(
    {ConsentKind.REQUESTED, ConsentKind.CONFIRMED, ConsentKind.RESUBSCRIBED, ConsentKind.IMPORTED}
)


class ConsentEvent(models.Model):
    """Append-only proof of consent (GDPR Art. 7(1)); erasure only anonymises rows."""

    Kind = ConsentKind

    subscriber = models.ForeignKey(
        Subscriber, on_delete=models.PROTECT, related_name="consent_events"
    )
    kind = models.CharField(max_length=16, choices=ConsentKind.choices)
    channel = models.CharField(
        max_length=32, blank=True, help_text="form, email link, one-click, preferences, admin"
    )
    consent_text = models.TextField(blank=True)
    consent_version = models.PositiveIntegerField(null=True, blank=True)
    source_url = models.URLField(max_length=500, blank=True)
    detail = models.JSONField(default=dict, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} at {self.created_at:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs):
        if self.pk:
            raise ValueError("Consent events are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("Consent events are never deleted; erasure anonymises them.")

    @property
    def is_agreement(self) -> bool:
        """An entry where the person agreed to the wording stored with it (every entry keeps
        the wording current at its time; only these show it as what they agreed to)."""
        return self.kind in AGREEMENTS


class Suppression(models.Model):
    """An address never to be mailed again, kept only as a keyed hash."""

    class Reason(models.TextChoices):
        ERASED = "erased", "Data erased on request"
        BOUNCED = "bounced", "Hard bounce"
        COMPLAINED = "complained", "Spam complaint"
        MANUAL = "manual", "Added by the practice"

    address_hash = models.CharField(max_length=64, unique=True)
    reason = models.CharField(max_length=16, choices=Reason.choices)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.get_reason_display()} ({self.address_hash[:10]}…)"
