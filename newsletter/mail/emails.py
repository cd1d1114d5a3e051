"""Every outgoing email is built here: one funnel for confirmation, steps and broadcasts."""

from collections.abc import Sequence as Seq
from dataclasses import dataclass
from email.utils import formataddr, make_msgid
from urllib.parse import quote

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.urls import reverse

from ..models import Audience, Broadcast, Delivery, Membership, Practice, Step, Subscriber
from ..subscribers import tokens
from . import readers, rendering
from .headers import register as register_header_folding
from .mime import Email
from .palette import palette
from .rendering import Rendered, token

CTA_TEXT = "Book a free consultation"
# anymail substitutes merge_data into the message body in each ESP's own syntax. Listed
# only where substitution is verbatim (no HTML escaping of values, which are escaped here);
# other ESPs (Postmark, Amazon SES, Resend, SMTP, ...) take one message per delivery.
MERGE_FIELD_FORMATS = {
    "test": "%%{}%%",
    "mailgun": "%recipient.{}%",
    "sendgrid": "-{}-",
}


register_header_folding()


class BatchUnsupported(Exception):
    """The configured transport cannot substitute per-recipient values in one batch call."""


def absolute(path: str) -> str:
    return settings.SITE_URL + path


def site_domain() -> str:
    return settings.SITE_URL.split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0]


def sender(practice: Practice) -> str:
    return formataddr((practice.sender_name or practice.name, practice.sender_email))


def practice_context(practice: Practice) -> dict:
    return {
        "practice": practice,
        "colours": palette(practice.brand_colour),
        "signature_html": rendering.body_html(practice.signature),
        "signature_text": rendering.plain_text(rendering.body_html(practice.signature)),
    }


def practice_fingerprint(practice: Practice) -> tuple:
    return tuple(getattr(practice, field.attname) for field in practice._meta.concrete_fields)


def compose(
    subject: str, parts: tuple[str, str], to: list[str], practice: Practice, headers: dict
) -> EmailMultiAlternatives:
    """The message object every email becomes: parts are (html, text)."""
    html, text = parts
    message = Email(
        subject=subject,
        body=text,
        from_email=sender(practice),
        to=to,
        reply_to=[practice.reply_to or practice.sender_email],
        headers=headers,
    )
    message.attach_alternative(html, "text/html")
    return message


def build(name: str, context: dict, to: str, headers: dict | None = None) -> EmailMultiAlternatives:
    """One email from the templates emails/<name>.subject.txt, .txt and .html (uncached)."""
    practice = context.setdefault("practice", Practice.get())
    context = {**practice_context(practice), **context}
    rendered = rendering.render(name, context)
    extra = {"Message-ID": make_msgid(domain=site_domain()), **(headers or {})}
    return compose(rendered.subject, rendered.fill(_Literal()), [to], practice, extra)


class _Literal(dict):
    """Values for an email rendered with real data: any %%token%% stays as written."""

    def __missing__(self, name: str) -> str:
        return token(name)


# The confirmation email ---------------------------------------------------------------


def confirmation(subscriber: Subscriber, audience_ids: list[int]) -> EmailMultiAlternatives:
    practice = Practice.get()
    audiences = list(Audience.objects.filter(pk__in=audience_ids).order_by("name"))
    rendered = _confirmation_rendering(practice, audiences)
    link = reverse("newsletter:confirm", args=[tokens.confirmation(subscriber, audience_ids)])
    # No first name: whoever typed the address chose it, and this email goes to a stranger
    # until they confirm.
    values = {"confirm_url": absolute(link)}
    headers = {"Message-ID": make_msgid(domain=site_domain())}
    return compose(rendered.subject, rendered.fill(values), [subscriber.email], practice, headers)


def _confirmation_rendering(practice: Practice, audiences: list[Audience]) -> Rendered:
    names = [audience.name for audience in audiences]
    days = settings.CONFIRMATION_MAX_AGE_DAYS
    key = rendering.cache_key("confirmation", practice_fingerprint(practice), names, days)
    return rendering.cached(key, lambda: _render_confirmation(practice, names, days))


def _render_confirmation(practice: Practice, names: list[str], days: int) -> Rendered:
    context = {
        **practice_context(practice),
        "audiences": names,
        "valid_days": days,
        "confirm_url": token("confirm_url"),
    }
    return rendering.render("confirmation", context)


def data_link(subscriber: Subscriber) -> EmailMultiAlternatives:
    """The fresh link to download or erase one's data, asked for on the preferences page."""
    link = reverse("newsletter:data_rights", args=[tokens.data_link(subscriber)])
    minutes = int(tokens.DATA_LINK_MAX_AGE.total_seconds() // 60)
    return build("data_link", {"data_url": absolute(link), "minutes": minutes}, subscriber.email)


# Marketing emails (sequence steps and broadcasts) -------------------------------------


def source_of(delivery: Delivery) -> Step | Broadcast:
    return delivery.step if delivery.step_id else delivery.broadcast


def marketing_rendering(source: Step | Broadcast, practice: Practice) -> Rendered:
    """The shared rendering of a step or broadcast, done once per content version."""
    content = (source.subject, source.preview, source.content_note, source.body, source.cta_text)
    kind = type(source).__name__
    key = rendering.cache_key(
        kind, source.pk, source.version, content, practice_fingerprint(practice)
    )
    return rendering.cached(
        key, lambda: rendering.render("marketing", _marketing_context(source, practice))
    )


# What differs between readers; the *_html forms are escaped for the HTML part.
READER_FIELDS = (
    "greeting",
    "greeting_html",
    "audience",
    "audience_html",
    "subscribed_on",
    "cta_url",
    "view_online_url",
    "preferences_url",
    "unsubscribe_url",
)


def _marketing_context(source: Step | Broadcast, practice: Practice) -> dict:
    body = rendering.body_html(source.body)
    return {
        **practice_context(practice),
        "source": source,
        "body_html": body,
        "body_text": rendering.plain_text(body),
        "cta_text": source.cta_text or CTA_TEXT,
        **{name: token(name) for name in READER_FIELDS},
    }


def source_audiences(source: Step | Broadcast) -> list[Audience]:
    if isinstance(source, Step):
        return [source.sequence.audience]
    return list(source.audiences.all())


def _why(deliveries: Seq[Delivery], audiences: list[Audience]) -> dict[int, tuple[str, object]]:
    """For each subscriber: the audience they get this through and when they joined it."""
    joined = {}
    memberships = Membership.objects.filter(
        subscriber_id__in=[d.subscriber_id for d in deliveries], audience__in=audiences
    ).order_by("-joined_at")
    names = {audience.pk: audience.name for audience in audiences}
    for membership in memberships:
        joined[membership.subscriber_id] = (names[membership.audience_id], membership.joined_at)
    return joined


def list_headers(audiences: list[Audience], practice: Practice) -> dict[str, str]:
    # A neutral list id: mail clients show it, and a topic name could out the reader.
    list_key = f"{audiences[0].pk}" if audiences else "all"
    phrase = practice.name.replace('"', "'").replace("\\", "")
    return {
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        "List-Id": f'"{phrase}" <list-{list_key}.{site_domain()}>',
    }


def recipient_headers(delivery: Delivery, values: dict, practice: Practice) -> dict[str, str]:
    mailbox = settings.UNSUBSCRIBE_MAILTO or practice.reply_to or practice.sender_email
    code = quote(values["unsubscribe_url"].rstrip("/").rsplit("/", 1)[-1])
    mailto = f"mailto:{mailbox}?subject=unsubscribe%20{code}"
    return {
        "List-Unsubscribe": f"<{values['unsubscribe_url']}>, <{mailto}>",
        "Message-ID": message_id(delivery),
    }


def message_id(delivery: Delivery) -> str:
    """Stable per ledger row, so a resent copy can be recognised as the same email."""
    if delivery.message_id:
        return delivery.message_id
    if not delivery.pk:
        return make_msgid(domain=site_domain())
    return f"<delivery.{delivery.pk}.{int(delivery.created_at.timestamp())}@{site_domain()}>"


def message_for(delivery: Delivery) -> EmailMultiAlternatives:
    """The complete email for one ledger row: body, footer, links and list headers."""
    return messages_for([delivery])[0]


def messages_for(deliveries: Seq[Delivery]) -> list[EmailMultiAlternatives]:
    """The email for each row, in order; what readers of one source share is read once."""
    practice = Practice.get()
    by_source: dict[tuple, list[int]] = {}
    for index, delivery in enumerate(deliveries):
        by_source.setdefault((delivery.step_id, delivery.broadcast_id), []).append(index)
    messages: list = [None] * len(deliveries)
    for indexes in by_source.values():
        group = [deliveries[i] for i in indexes]
        for index, message in zip(indexes, _same_source(group, practice), strict=True):
            messages[index] = message
    return messages


def _same_source(deliveries: list[Delivery], practice: Practice) -> list[EmailMultiAlternatives]:
    source = source_of(deliveries[0])
    audiences = source_audiences(source)
    shared = _Shared(
        practice=practice,
        rendered=marketing_rendering(source, practice),
        fallback=_fallback_audience(audiences, practice),
        headers=list_headers(audiences, practice),
        link_bases=readers.link_bases(),
    )
    why = _why(deliveries, audiences)
    return [_personal(d, why.get(d.subscriber_id), shared) for d in deliveries]


@dataclass(frozen=True)
class _Shared:
    """What every reader of one step or broadcast gets alike."""

    practice: Practice
    rendered: Rendered
    fallback: str
    headers: dict[str, str]
    link_bases: dict[str, tuple[str, str]]


def _personal(delivery: Delivery, why, shared: _Shared) -> EmailMultiAlternatives:
    practice = shared.practice
    zone = practice.default_time_zone
    values = readers.recipient_values(delivery, why, shared.fallback, zone, shared.link_bases)
    headers = {**shared.headers, **recipient_headers(delivery, values, practice)}
    parts = shared.rendered.fill(values)
    to = [delivery.subscriber.email]
    message = compose(shared.rendered.subject, parts, to, practice, headers)
    message.metadata = {"delivery_id": str(delivery.pk)}
    return message


def _fallback_audience(audiences: list[Audience], practice: Practice) -> str:
    return audiences[0].name if audiences else practice.name


def esp_name(mailer: str = "default") -> str | None:
    parts = settings.MAILERS[mailer]["BACKEND"].split(".")
    return parts[2] if parts[:2] == ["anymail", "backends"] else None


def merge_field_format(mailer: str = "default") -> str | None:
    """How the configured ESP writes a merge field, or None when it cannot batch."""
    return MERGE_FIELD_FORMATS.get(esp_name(mailer) or "")


def batch_message(deliveries: Seq[Delivery], mailer: str = "default") -> EmailMultiAlternatives:
    """One message for many deliveries of the same step or broadcast (an anymail batch send)."""
    field_format = merge_field_format(mailer)
    if field_format is None:
        raise BatchUnsupported(f"The {mailer!r} mailer cannot merge per-recipient values.")
    source = _one_source(deliveries)
    practice = Practice.get()
    audiences = source_audiences(source)
    rendered = marketing_rendering(source, practice)
    to = [d.subscriber.email for d in deliveries]
    parts = rendered.with_merge_fields(field_format)
    message = compose(rendered.subject, parts, to, practice, list_headers(audiences, practice))
    why, fallback = _why(deliveries, audiences), _fallback_audience(audiences, practice)
    message.merge_data, message.merge_headers, message.merge_metadata = {}, {}, {}
    bases, zone = readers.link_bases(), practice.default_time_zone
    for delivery in deliveries:
        values = readers.recipient_values(
            delivery, why.get(delivery.subscriber_id), fallback, zone, bases
        )
        _merge_one(message, delivery, values, rendered.fields, practice)
    if esp_name(mailer) == "sendgrid":
        message.esp_extra = {"merge_field_format": field_format}
    return message


def _one_source(deliveries: Seq[Delivery]) -> Step | Broadcast:
    source = source_of(deliveries[0])
    if any(source_of(d) != source for d in deliveries):
        raise ValueError("A batch holds deliveries of one step or broadcast only.")
    return source


def _merge_one(message, delivery: Delivery, values: dict, fields: set, practice) -> None:
    address = delivery.subscriber.email
    message.merge_data[address] = {name: values[name] for name in fields}
    message.merge_headers[address] = recipient_headers(delivery, values, practice)
    message.merge_metadata[address] = {"delivery_id": str(delivery.pk)}
