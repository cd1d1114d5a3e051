"""The emails to the practice itself: what each alert says, and where it leads in the workspace.

They are the practice's own mail, not marketing: no unsubscribe link, no list headers; they go
to the address replies go to (or the sender address) in the practice's own email design. A
failed send's error can quote a reader's address, so an alert never quotes it: the workspace
page it links to shows it.
"""

from datetime import datetime

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.urls import reverse

from ..mail import emails
from ..models import Broadcast, Practice
from ..sequences import words
from ..stats import health
from . import conditions, provider_events

# How providers spell their own names (anymail's names are lower case, with underscores).
PROVIDERS = {"amazon_ses": "Amazon SES", "sendgrid": "SendGrid", "sparkpost": "SparkPost"}
PROVIDERS |= {"mailersend": "MailerSend", "unisender_go": "UniSender Go"}


def inbox(practice: Practice) -> str:
    return practice.reply_to or practice.sender_email


def send_to_practice(name: str, context: dict) -> EmailMultiAlternatives:
    practice = Practice.get()
    return emails.build(name, {"practice": practice, **context}, inbox(practice))


def alert(key: str, now: datetime) -> EmailMultiAlternatives | None:
    """The email for one alert, or None when what it was about is gone."""
    if key.startswith(conditions.PAUSED):
        return _paused(key)
    if key in (conditions.COMPLAINTS_NEAR_KEY, conditions.COMPLAINTS_OVER_KEY):
        figures = health.last_30_days(now)
        over = key == conditions.COMPLAINTS_OVER_KEY
        context = {
            "over": over,
            "rate": figures.complaint_rate,
            "complained": f"{figures.complained:,}",
            "sent": f"{figures.sent:,}",
            "postmaster": health.POSTMASTER_TOOLS,
        }
        return send_to_practice("alert_complaints", {**context, "url": _page("numbers")})
    if key == conditions.SILENT:
        return _silent()
    return None


def _paused(key: str) -> EmailMultiAlternatives | None:
    subject = conditions.paused_subject(key)
    if subject is None:
        return None
    is_newsletter = isinstance(subject, Broadcast)
    context = {
        "is_newsletter": is_newsletter,
        "name": subject.subject if is_newsletter else subject.name,
        "url": _page("broadcast" if is_newsletter else "sequence", subject.pk),
        "failures": settings.SEND_AUTO_PAUSE_AFTER,
    }
    return send_to_practice("alert_paused", context)


def _silent() -> EmailMultiAlternatives:
    last = provider_events.last_seen()
    zone = Practice.get().default_time_zone
    context = {
        "provider": _provider(emails.esp_name() or ""),
        "last_seen": words.moment(last, zone) if last else "",
        "url": _page("numbers"),
    }
    return send_to_practice("alert_silent", context)


def _provider(name: str) -> str:
    return PROVIDERS.get(name, name.replace("_", " ").title())


def _page(name: str, *args) -> str:
    return emails.absolute(reverse(f"workspace:{name}", args=args))
