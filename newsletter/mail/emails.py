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
from . import placeholders, readers, rendering
from .headers import register as register_header_folding
from .mime import Email
from .palette import palette
from .rendering import Filled, Rendered, RenderError, token

CTA_TEXT = "Book a free consultation"
# anymail substitutes merge_data into the message body in each ESP's own syntax. Listed
# only where substitution is verbatim (no HTML escaping of values, which are escaped here;
# Brevo's template language escapes unless told not to); other ESPs (Postmark, Amazon SES,
# Resend, SMTP, ...) take one message per delivery (bench/README.md says why for each).
MERGE_FIELD_FORMATS = {
    "test": "%%{}%%",
    "mailgun": "%recipient.{}%",
    "sendgrid": "-{}-",
    "brevo": "{{% autoescape off %}}{{{{ params.{} }}}}{{% endautoescape %}}",
}


# anymail backends that refuse message metadata; their events are matched to the ledger by
# the provider's message id instead.
WITHOUT_METADATA = {"mailersend", "postal"}

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


def compose(filled: Filled, to: list[str], practice: Practice, headers: dict) -> Email:
    """The message object every email becomes."""
    _one_line(filled.subject, *to, *headers.values())
    message = Email(
        subject=filled.subject,
        body=filled.text,
        from_email=sender(practice),
        to=to,
        reply_to=[practice.reply_to or practice.sender_email],
        headers=headers,
    )
    message.attach_alternative(filled.html, "text/html")
    return message


def _one_line(*values: str) -> None:
    """A header split by a line break cannot be sent: refuse it while building."""
    for value in map(str, values):
        if "\n" in value or "\r" in value:
            raise RenderError(f"A header of this email has a line break: {value[:60]!r}")


def build(name: str, context: dict, to: str, headers: dict | None = None) -> EmailMultiAlternatives:
    """One email from the templates emails/<name>.subject.txt, .txt and .html (uncached)."""
    practice = context.setdefault("practice", Practice.get())
    context = {**practice_context(practice), **context}
    rendered = rendering.render(name, context)
    extra = {"Message-ID": make_msgid(domain=site_domain()), **(headers or {})}
    return compose(rendered.fill(_Literal()), [to], practice, extra)


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
    return compose(rendered.fill(values), [subscriber.email], practice, headers)


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
    return rendering.cached(key, lambda: _render_marketing(source, practice))


# What differs between readers: the placeholders an author may write, too.
READER_FIELDS = placeholders.KNOWN


def _render_marketing(source: Step | Broadcast, practice: Practice) -> Rendered:
    rendered = rendering.render("marketing", _marketing_context(source, practice))
    unknown = sorted(rendered.names - set(READER_FIELDS))
    if unknown:
        raise RenderError(placeholders.problem(unknown))
    return rendered


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
    """The email for each row, in order; raises what keeps any of them from being built."""
    built = messages_or_errors(deliveries)
    for item in built:
        if isinstance(item, Exception):
            raise item
    return built


def messages_or_errors(deliveries: Seq[Delivery]) -> list[EmailMultiAlternatives | Exception]:
    """The email for each row, in order, or the error that keeps that row's email from being
    built (broken content fails its own rows only); what readers of one source share is read
    once. The caller tells an outage (database, cache) from broken content."""
    practice = Practice.get()
    by_source: dict[tuple, list[int]] = {}
    for index, delivery in enumerate(deliveries):
        by_source.setdefault((delivery.step_id, delivery.broadcast_id), []).append(index)
    messages: list = [None] * len(deliveries)
    for indexes in by_source.values():
        group = [deliveries[i] for i in indexes]
        try:
            built = _same_source(group, practice)
        except Exception as error:  # noqa: BLE001 (handed to the caller, row by row)
            built = [error] * len(group)
        for index, message in zip(indexes, built, strict=True):
            messages[index] = message
    return messages


def _same_source(deliveries: list[Delivery], practice: Practice) -> list:
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
    return [_personal_or_error(d, why.get(d.subscriber_id), shared) for d in deliveries]


@dataclass(frozen=True)
class _Shared:
    """What every reader of one step or broadcast gets alike."""

    practice: Practice
    rendered: Rendered
    fallback: str
    headers: dict[str, str]
    link_bases: dict[str, tuple[str, str]]


def _personal_or_error(delivery: Delivery, why, shared: _Shared):
    try:
        return _personal(delivery, why, shared)
    except Exception as error:  # noqa: BLE001 (this row's email cannot be built)
        return error


def _personal(delivery: Delivery, why, shared: _Shared) -> EmailMultiAlternatives:
    practice = shared.practice
    zone = practice.default_time_zone
    values = readers.recipient_values(delivery, why, shared.fallback, zone, shared.link_bases)
    headers = {**shared.headers, **recipient_headers(delivery, values, practice)}
    to = [delivery.subscriber.email]
    message = compose(shared.rendered.fill(values), to, practice, headers)
    if esp_name() not in WITHOUT_METADATA:
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
    """One message for many deliveries of the same step or broadcast (an anymail batch send);
    raises what keeps any of them out."""
    message, errors = batch_or_errors(deliveries, mailer)
    if errors:
        raise next(iter(errors.values()))
    return message


def batch_or_errors(
    deliveries: Seq[Delivery], mailer: str = "default"
) -> tuple[EmailMultiAlternatives | None, dict[int, Exception]]:
    """The batch message for the rows whose email can be built (None if no row's can), and
    for each other row, by id, the error that keeps it out."""
    field_format = merge_field_format(mailer)
    if field_format is None:
        raise BatchUnsupported(f"The {mailer!r} mailer cannot merge per-recipient values.")
    source = _one_source(deliveries)
    try:
        practice = Practice.get()
        audiences = source_audiences(source)
        rendered = marketing_rendering(source, practice)
        why, fallback = _why(deliveries, audiences), _fallback_audience(audiences, practice)
    except Exception as error:  # noqa: BLE001 (handed to the caller, row by row)
        return None, {delivery.pk: error for delivery in deliveries}
    merged, errors = {}, {}
    bases, zone = readers.link_bases(), practice.default_time_zone
    for delivery in deliveries:
        try:
            values = readers.recipient_values(
                delivery, why.get(delivery.subscriber_id), fallback, zone, bases
            )
            merged[delivery] = _merge_values(rendered, delivery, values, practice)
        except Exception as error:  # noqa: BLE001 (this row's email cannot be built)
            errors[delivery.pk] = error
    if not merged:
        return None, errors
    to = [delivery.subscriber.email for delivery in merged]
    filled = rendered.with_merge_fields(field_format)
    message = compose(filled, to, practice, list_headers(audiences, practice))
    message.merge_data = {d.subscriber.email: data for d, (data, _) in merged.items()}
    message.merge_headers = {d.subscriber.email: headers for d, (_, headers) in merged.items()}
    message.merge_metadata = {d.subscriber.email: {"delivery_id": str(d.pk)} for d in merged}
    if esp_name(mailer) == "sendgrid":
        message.esp_extra = {"merge_field_format": field_format}
    return message, errors


def _one_source(deliveries: Seq[Delivery]) -> Step | Broadcast:
    source = source_of(deliveries[0])
    if any(source_of(d) != source for d in deliveries):
        raise ValueError("A batch holds deliveries of one step or broadcast only.")
    return source


def _merge_values(rendered: Rendered, delivery: Delivery, values: dict, practice) -> tuple:
    """One reader's merge data and headers, refused if they would break a header."""
    data = rendered.merge_values(values)
    headers = recipient_headers(delivery, values, practice)
    subject_values = (data[slot] for slot in rendered.subject[1::2])
    _one_line(delivery.subscriber.email, *headers.values(), *subject_values)
    return data, headers
