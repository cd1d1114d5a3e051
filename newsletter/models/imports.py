"""Imports of an existing list from a CSV file: the file, its choices, progress and report."""

from django.db import models
from django.utils import timezone


class ListImport(models.Model):
    """One uploaded file: how its columns map, how consent is given, and what came of each row."""

    class Consent(models.TextChoices):
        AGREED = "agreed", "These people agreed to hear from me"
        CONFIRM = "confirm", "Ask each of them to confirm"

    class Status(models.TextChoices):
        MAPPING = "mapping", "Choosing columns"
        WAITING = "waiting", "Waiting to start"
        RUNNING = "running", "Importing"
        DONE = "done", "Done"

    file_name = models.CharField(max_length=200, blank=True)
    # The file's text until the import has run; cleared then (it holds addresses).
    source = models.TextField(blank=True)
    digest = models.CharField(max_length=64, blank=True)
    columns = models.JSONField(default=list, blank=True)
    mapping = models.JSONField(default=dict, blank=True)
    audiences = models.ManyToManyField("newsletter.Audience", related_name="+", blank=True)
    consent = models.CharField(max_length=8, choices=Consent.choices, blank=True)
    attestation = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.MAPPING)
    total = models.PositiveIntegerField(default=0)
    processed = models.PositiveIntegerField(default=0)
    imported = models.PositiveIntegerField(default=0)
    # [row number, address as written, reason] for every row not imported.
    refused = models.JSONField(default=list, blank=True)
    # Subscribers still to be sent their confirmation, paced by the import's own budget.
    to_confirm = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"import of {self.file_name or 'a file'} at {self.created_at:%Y-%m-%d %H:%M}"
