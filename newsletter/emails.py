"""Every outgoing email is built here."""

import markdown
import nh3
from django.conf import settings
from django.core.mail import EmailMultiAlternatives, make_msgid
from django.template.loader import render_to_string
from django.urls import reverse

from . import tokens
from .models import Audience, Delivery, Practice, Subscriber


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


def _links(delivery: Delivery) -> dict:
    subscriber_id = delivery.subscriber_id
    return {
        "unsubscribe_url": absolute(
            reverse(
                "newsletter:unsubscribe",
                args=[tokens.subscriber_link(tokens.UNSUBSCRIBE, subscriber_id)],
            )
        ),
        "preferences_url": absolute(
            reverse(
                "newsletter:preferences",
                args=[tokens.subscriber_link(tokens.PREFERENCES, subscriber_id)],
            )
        ),
        "cta_url": absolute(
            reverse("newsletter:click", args=[tokens.make(tokens.CLICK, delivery.pk)])
        ),
        "view_online_url": absolute(
            reverse("newsletter:view_online", args=[tokens.make(tokens.VIEW_ONLINE, delivery.pk)])
        ),
    }


def body_html(markdown_text: str) -> str:
    """Markdown to sanitised HTML: no scripts, no event handlers, no remote images."""
    html = markdown.markdown(markdown_text, extensions=["extra", "sane_lists"])
    tags = nh3.ALLOWED_TAGS - {"img"}
    return nh3.clean(html, tags=tags, url_schemes={"http", "https", "mailto"})


def content_context(delivery: Delivery) -> dict:
    source = delivery.step or delivery.broadcast
    practice = Practice.get()
    subscriber = delivery.subscriber
    return {
        "practice": practice,
        "source": source,
        "subscriber": subscriber,
        "greeting_name": subscriber.first_name or "there",
        "body_html": body_html(source.body),
        "cta_text": source.cta_text or "Book a free consultation",
        "audience": _audience_of(delivery),
        **_links(delivery),
    }


def _audience_of(delivery: Delivery):
    if delivery.step_id:
        return delivery.step.sequence.audience
    return delivery.broadcast.audiences.first()


def list_id(context: dict) -> str:
    audience = context["audience"]
    slug = audience.slug if audience else "newsletter"
    return f"<{slug}.{site_domain()}>"


def message_for(delivery: Delivery) -> EmailMultiAlternatives:
    """The complete email for one ledger row: body, footer, links and list headers."""
    context = content_context(delivery)
    headers = {
        "List-Unsubscribe": f"<{context['unsubscribe_url']}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        "List-Id": list_id(context),
    }
    message = build("marketing", context, to=delivery.subscriber.email, headers=headers)
    message.metadata = {"delivery_id": str(delivery.pk)}
    return message
