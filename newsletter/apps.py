"""The newsletter app."""

from django.apps import AppConfig


class NewsletterConfig(AppConfig):
    name = "newsletter"
    verbose_name = "Newsletter"

    def ready(self):
        from corsheaders.signals import check_request_enabled
        from django.db.models.signals import post_migrate, pre_migrate

        from .delivery import events  # noqa: F401 (connects the ESP tracking receiver)
        from .models import consent_triggers
        from .views.subscribe import embed_cors_allowed

        check_request_enabled.connect(embed_cors_allowed, dispatch_uid="newsletter-embed-cors")
        # SQLite rebuilds tables to alter them: its consent triggers step aside meanwhile.
        pre_migrate.connect(consent_triggers.before_migrate, sender=self)
        post_migrate.connect(consent_triggers.after_migrate, sender=self)
