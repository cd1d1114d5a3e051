"""The data model, split by domain: tables and named querysets. Imports no domain package."""

from .bookings import Booking
from .content import ContentVersion, Draft
from .integrations import ApiToken, WebhookEndpoint, WebhookMessage
from .practice import Audience, ConsentWording, EmbedOrigin, Practice
from .sequences import Broadcast, Click, Delivery, Enrollment, Sequence, Step
from .subscribers import ConsentEvent, Membership, Subscriber, Suppression

__all__ = [
    "ApiToken",
    "Audience",
    "Booking",
    "Broadcast",
    "Click",
    "ConsentEvent",
    "ConsentWording",
    "ContentVersion",
    "Delivery",
    "Draft",
    "EmbedOrigin",
    "Enrollment",
    "Membership",
    "Practice",
    "Sequence",
    "Step",
    "Subscriber",
    "Suppression",
    "WebhookEndpoint",
    "WebhookMessage",
]
