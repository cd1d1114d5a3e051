"""The newsletter app."""

from django.apps import AppConfig


class NewsletterConfig(AppConfig):
    name = "newsletter"
    verbose_name = "Newsletter"

    def ready(self):
        from corsheaders.signals import check_request_enabled

        from .delivery import events  # noqa: F401 (connects the ESP tracking receiver)
        from .views.subscribe import embed_cors_allowed

        check_request_enabled.connect(embed_cors_allowed, dispatch_uid="newsletter-embed-cors")
