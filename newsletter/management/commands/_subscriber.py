"""The subscriber a command names by address, or the one-line error every such command gives."""

from django.core.management.base import CommandError

from newsletter.models import Subscriber
from newsletter.subscribers import subscriptions


def named(address: str) -> Subscriber:
    subscriber = subscriptions.find(address)
    if subscriber is None:
        raise CommandError(f"No subscriber with the address {address!r}.", returncode=1)
    return subscriber
