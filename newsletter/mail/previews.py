"""Exactly what a reader would be sent, for previews and `render_email`; nothing is saved."""

from email.utils import make_msgid

from django.core.mail import EmailMultiAlternatives
from django.utils import timezone

from ..models import Audience, Broadcast, Delivery, Practice, Sequence, Step, Subscriber
from ..subscribers import addresses
from . import emails, readers

TEST_PREFIX = "[Test] "
# A mail app's dark mode, forced: the page asks for dark colours and inverts the email's own
# (as Gmail and Outlook do with an email that has no dark styles), pictures kept as they are.
DARK_STYLE = (
    "<style>:root{color-scheme:dark}html{filter:invert(1) hue-rotate(180deg);"
    "background:#fff}img{filter:invert(1) hue-rotate(180deg)}</style>"
)

SAMPLE_ADDRESS = "reader@example.com"
SAMPLE_NAME = "Alex"


class NotFound(LookupError):
    """The sequence, step, broadcast or subscriber asked for does not exist."""


def sample_subscriber() -> Subscriber:
    """A made-up reader; id 0 matches no row, so its links lead to polite pages."""
    now = timezone.now()
    return Subscriber(
        pk=0,
        email=SAMPLE_ADDRESS,
        first_name=SAMPLE_NAME,
        status=Subscriber.Status.ACTIVE,
        created_at=now,
        confirmed_at=now,
    )


def reader(address: str | None) -> Subscriber:
    if not address:
        return sample_subscriber()
    subscriber = addresses.find(address)
    if subscriber is None:
        raise NotFound(f"No subscriber with the address {address!r}.")
    return subscriber


def delivery_for(source: Step | Broadcast, subscriber: Subscriber) -> Delivery:
    """The reader's ledger row for this email if it exists, else an unsaved one (id 0)."""
    field = "step" if isinstance(source, Step) else "broadcast"
    if subscriber.pk and source.pk:
        existing = Delivery.objects.filter(subscriber=subscriber, **{field: source}).first()
        if existing is not None:
            return existing
    return Delivery(pk=0, subscriber=subscriber, created_at=timezone.now(), **{field: source})


def find_step(slug: str, position: int) -> Step:
    sequence = Sequence.objects.filter(slug=slug).first()
    if sequence is None:
        raise NotFound(f"No sequence with the slug {slug!r}.")
    step = sequence.steps.filter(position=position, removed=False).first()
    if step is None:
        raise NotFound(f"The sequence {slug!r} has no step at position {position}.")
    return step


def step_message(slug: str, position: int, address: str | None = None) -> EmailMultiAlternatives:
    return emails.message_for(delivery_for(find_step(slug, position), reader(address)))


def broadcast_message(slug: str, address: str | None = None) -> EmailMultiAlternatives:
    broadcast = Broadcast.objects.filter(slug=slug).first()
    if broadcast is None:
        raise NotFound(f"No broadcast with the slug {slug!r}.")
    return emails.message_for(delivery_for(broadcast, reader(address)))


def confirmation_message(address: str | None = None) -> EmailMultiAlternatives:
    subscriber = reader(address)
    audiences = list(subscriber.audiences.values_list("pk", flat=True)) if subscriber.pk else []
    return emails.confirmation(subscriber, audiences or [Audience.default().pk])


def message_of(source: Step | Broadcast, subscriber: Subscriber) -> EmailMultiAlternatives:
    """The email this reader would get from `source`, which may be unsaved (an editor's form)."""
    return emails.message_for(delivery_for(source, subscriber))


def html_of(message: EmailMultiAlternatives) -> str:
    return message.alternatives[0].content


def dark(html: str) -> str:
    """The email's HTML as a mail app in dark mode shows it."""
    head = html.find("</head>")
    if head < 0:
        return DARK_STYLE + html
    return html[:head] + DARK_STYLE + html[head:]


def test_message(
    source: Step | Broadcast, subscriber: Subscriber, to: str
) -> EmailMultiAlternatives:
    """The email as `subscriber` would read it, sent to `to` with "[Test] " before the subject
    and links that change nothing; it has no ledger row and counts in no statistic."""
    practice = Practice.get()
    audiences = emails.source_audiences(source)
    audience = audiences[0].name if audiences else practice.name
    consultation = source.cta_url or practice.consultation_url
    zone = practice.default_time_zone
    values = readers.test_values(subscriber, audience, zone, consultation)
    filled = emails.marketing_rendering(source, practice).fill(values)
    headers = {
        **emails.list_headers(audiences, practice),
        "List-Unsubscribe": f"<{values['unsubscribe_url']}>",
        "Message-ID": make_msgid(domain=emails.site_domain()),
    }
    filled = filled._replace(subject=TEST_PREFIX + filled.subject)
    return emails.compose(filled, [to], practice, headers)
