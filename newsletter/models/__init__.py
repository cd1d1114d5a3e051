"""The data model, split by domain: tables and named querysets. Imports no domain package."""

from .practice import Audience, ConsentWording, EmbedOrigin, Practice
from .sequences import Broadcast, Click, Delivery, Enrollment, Sequence, Step
from .subscribers import ConsentEvent, Membership, Subscriber, Suppression

__all__ = [
    "Audience",
    "Broadcast",
    "Click",
    "ConsentEvent",
    "ConsentWording",
    "Delivery",
    "EmbedOrigin",
    "Enrollment",
    "Membership",
    "Practice",
    "Sequence",
    "Step",
    "Subscriber",
    "Suppression",
]
