"""Every outgoing email is built here."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, make_msgid
from django.template.loader import render_to_string
from django.urls import reverse

from . import tokens
from .models import Audience, Practice, Subscriber


def absolute(path: str) -> str:
    return settings.SITE_URL + path


def site_domain() -> str:
    return settings.SITE_URL.split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0]


def sender(practice: Practice) -> str:
    from email.utils import formataddr

    return formataddr((practice.sender_name, practice.sender_email))


def build(name: str, context: dict, to: str, headers: dict | None = None) -> EmailMultiAlternatives:
    """One email from the templates emails/<name>.subject.txt, .txt and .html."""
    practice = context.setdefault("practice", Practice.get())
    subject = " ".join(render_to_string(f"emails/{name}.subject.txt", context).split())
    text = render_to_string(f"emails/{name}.txt", context)
    html = render_to_string(f"emails/{name}.html", context)
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        from_email=sender(practice),
        to=[to],
        reply_to=[practice.reply_to] if practice.reply_to else None,
        headers={"Message-ID": make_msgid(domain=site_domain()), **(headers or {})},
    )
    message.attach_alternative(html, "text/html")
    return message


def confirmation(subscriber: Subscriber, audience_ids: list[int]) -> EmailMultiAlternatives:
    token = tokens.confirmation(subscriber.pk, audience_ids)
    context = {
        "subscriber": subscriber,
        "greeting_name": subscriber.first_name or "there",
        "audiences": Audience.objects.filter(pk__in=audience_ids),
        "confirm_url": absolute(reverse("newsletter:confirm", args=[token])),
        "valid_days": settings.CONFIRMATION_MAX_AGE_DAYS,
    }
    return build("confirmation", context, to=subscriber.email)
