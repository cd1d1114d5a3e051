"""The practice that sends, its topic lists and its consent wording."""

from django.db import models

from .validators import embed_origin, no_placeholders, single_line

DEFAULT_CRISIS_NOTE = (
    "If you are in crisis, call or text 988 (Suicide & Crisis Lifeline, 988lifeline.org) "
    "in the US, or call 911 if you are in immediate danger. This inbox is not watched for "
    "emergencies, and these emails are educational, not therapy."
)
DEFAULT_CONSENT_TEXT = (
    "Yes, please email me educational articles from the practice, with occasional "
    "invitations to book a consultation. I can pause or unsubscribe at any time."
)


class Practice(models.Model):
    """The one practice this installation sends for (a single row)."""

    name = models.CharField(max_length=200, validators=[single_line])
    sender_name = models.CharField(max_length=200, validators=[single_line])
    sender_email = models.EmailField()
    reply_to = models.EmailField(blank=True)
    postal_address = models.TextField(help_text="Printed in every email's footer.")
    consultation_url = models.URLField(max_length=500)
    therapist_name = models.CharField(max_length=200, blank=True)
    therapist_credentials = models.CharField(max_length=200, blank=True)
    signature = models.TextField(blank=True, help_text="Closing signature in Markdown.")
    crisis_note = models.TextField(default=DEFAULT_CRISIS_NOTE)
    brand_colour = models.CharField(max_length=7, default="#2f5d62")
    default_time_zone = models.CharField(max_length=64, default="America/New_York")
    send_days = models.CharField(
        max_length=7, default="01234", help_text="Weekdays to send on, 0 = Monday."
    )
    send_start_hour = models.PositiveSmallIntegerField(default=9)
    send_end_hour = models.PositiveSmallIntegerField(default=17)
    record_ip = models.BooleanField(
        default=False, help_text="Keep the IP address and browser with each consent record."
    )
    lock_screen_words = models.TextField(
        blank=True,
        help_text="Words to warn about in subject and preview lines, one per line.",
    )
    sending_paused = models.BooleanField(
        default=False, help_text="Hold every newsletter and sequence email until turned off."
    )
    sending_paused_at = models.DateTimeField(null=True, blank=True)
    weekly_summary = models.BooleanField(
        default=True, help_text="Email the practice a summary of last week every Monday morning."
    )
    archive_enabled = models.BooleanField(
        default=False, help_text="Show the newsletters marked for it at /archive/."
    )
    # Pacing: the least time between two marketing emails to one reader.
    min_hours_between_emails = models.PositiveSmallIntegerField(default=48)
    one_sequence_at_a_time = models.BooleanField(default=True)
    quiet_dates = models.TextField(blank=True, help_text="Dates nothing is sent, one a line.")
    country = models.CharField(max_length=2, default="US")
    hard_days = models.CharField(max_length=200, blank=True)
    tone_words = models.TextField(blank=True)
    # The practice's own words on the subscribe journey; empty means the shipped text.
    confirmation_subject = models.CharField(
        max_length=200, blank=True, validators=[single_line, no_placeholders]
    )
    confirmation_text = models.TextField(blank=True, validators=[no_placeholders])
    thanks_text = models.TextField(blank=True, validators=[no_placeholders])
    confirmed_text = models.TextField(blank=True, validators=[no_placeholders])
    unsubscribed_text = models.TextField(blank=True, validators=[no_placeholders])
    paused_text = models.TextField(blank=True, validators=[no_placeholders])

    class Meta:
        verbose_name = "practice settings"
        verbose_name_plural = "practice settings"
        permissions = [("view_outbox", "Can read the emails written to the outbox on disk")]

    def __str__(self) -> str:
        return self.name

    @classmethod
    def get(cls) -> "Practice":
        practice = cls.objects.order_by("pk").first()
        if practice is None:
            practice = cls.objects.create(
                name="Your practice",
                sender_name="Your practice",
                sender_email="hello@example.com",
                postal_address="(set the practice's postal address)",
                consultation_url="https://example.com/consultation",
            )
        return practice

    def current_consent(self) -> "ConsentWording":
        wording = ConsentWording.objects.order_by("-version").first()
        return wording or ConsentWording.objects.create(version=1, text=DEFAULT_CONSENT_TEXT)


class Audience(models.Model):
    """A topic list people subscribe to ("Ketamine-assisted therapy")."""

    name = models.CharField(max_length=200)
    slug = models.SlugField(unique=True)
    description = models.TextField(blank=True)
    is_public = models.BooleanField(
        default=True, help_text="Shown on the preferences page for subscribers to choose."
    )
    is_default = models.BooleanField(
        default=False, help_text="Used when a form does not name an audience."
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @classmethod
    def default(cls) -> "Audience":
        audience = cls.objects.filter(is_default=True).first() or cls.objects.first()
        if audience is None:
            audience = cls.objects.create(name="Newsletter", slug="newsletter", is_default=True)
        return audience


class ConsentWording(models.Model):
    """A version of the consent checkbox text; new wording is a new row, never an edit."""

    version = models.PositiveIntegerField(unique=True)
    text = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-version"]

    def __str__(self) -> str:
        return f"v{self.version}: {self.text[:60]}"

    def save(self, *args, **kwargs):
        if self.pk:
            raise ValueError("Consent wording is versioned: add a new version instead.")
        if not self.version:
            latest = ConsentWording.objects.aggregate(models.Max("version"))["version__max"]
            self.version = (latest or 0) + 1
        super().save(*args, **kwargs)


class EmbedOrigin(models.Model):
    """A blog origin (`https://blog.example.com`) whose pages may embed the subscribe form."""

    origin = models.CharField(max_length=300, unique=True, validators=[embed_origin])
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["origin"]

    def __str__(self) -> str:
        return self.origin
