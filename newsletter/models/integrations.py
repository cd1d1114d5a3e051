"""API tokens, webhook endpoints and the log of webhook messages with their attempts."""

from django.db import models
from django.utils import timezone


class ApiToken(models.Model):
    """A bearer token for the REST API; only the SHA-256 of its value is kept."""

    name = models.CharField(max_length=24, unique=True)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    scopes = models.JSONField(default=list)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.name


class WebhookEndpoint(models.Model):
    """A URL that receives signed events; its secret is shown once when registered."""

    url = models.URLField(max_length=500)
    events = models.JSONField(default=list)
    secret = models.CharField(max_length=64, editable=False)
    include_topics = models.BooleanField(default=False)
    active = models.BooleanField(default=True)
    disabled_reason = models.CharField(max_length=300, blank=True)
    failing_since = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return self.url


class WebhookMessage(models.Model):
    """One event for one endpoint, with every attempt at sending it in `log`."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting"
        DELIVERED = "delivered", "Delivered"
        FAILED = "failed", "Given up"

    endpoint = models.ForeignKey(WebhookEndpoint, on_delete=models.CASCADE, related_name="messages")
    message_id = models.CharField(max_length=40, unique=True)
    event = models.CharField(max_length=40)
    subscriber = models.ForeignKey(
        "newsletter.Subscriber", null=True, blank=True, on_delete=models.SET_NULL
    )
    payload = models.JSONField(default=dict)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    log = models.JSONField(default=list)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"{self.event} to {self.endpoint}"
