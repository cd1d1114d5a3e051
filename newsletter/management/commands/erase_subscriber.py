"""Erase one subscriber's data on their request (by email, by phone), as their own link does."""

from django.core.management.base import BaseCommand

from newsletter.observability import audit
from newsletter.subscribers import data_rights

from ._subscriber import named


class Command(BaseCommand):
    help = (
        "Erase everything kept about one subscriber except a keyed hash of the address "
        "(so it is never mailed again) and an anonymised consent trail."
    )

    def add_arguments(self, parser):
        parser.add_argument("address")

    def handle(self, *args, address, **options):
        subscriber = named(address)
        data_rights.erase(subscriber, channel="command")
        audit.record(None, "erase", subscriber, channel="command")
        self.stdout.write(f"Erased the data of {address}; it will never be mailed again.")
