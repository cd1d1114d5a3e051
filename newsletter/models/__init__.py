"""The data model, split by domain: tables and named querysets. Imports no domain package."""

from .alerts import Alert, ProviderSignal, WeeklySummary
from .audit import AuditEntry, EmailTally
from .bookings import Booking
from .content import ContentVersion, Draft
from .imports import ListImport
from .integrations import ApiToken, WebhookEndpoint, WebhookMessage
from .numbers import EmailNumbers, SendHour
from .practice import Audience, ConsentWording, EmbedOrigin, Practice
from .sequences import Broadcast, Click, Delivery, Enrollment, Sequence, Step
from .subscribers import ConsentEvent, Membership, Subscriber, Suppression

__all__ = [
    "Alert",
    "AuditEntry",
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
    "EmailNumbers",
    "EmailTally",
    "EmbedOrigin",
    "Enrollment",
    "ListImport",
    "Membership",
    "Practice",
    "ProviderSignal",
    "SendHour",
    "Sequence",
    "Step",
    "Subscriber",
    "Suppression",
    "WebhookEndpoint",
    "WebhookMessage",
    "WeeklySummary",
]
