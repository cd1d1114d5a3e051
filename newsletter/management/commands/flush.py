"""Django's `flush`, which on SQLite also empties the append-only consent events."""

from django.core.management.commands import flush
from django.db import connections

from newsletter.models import consent_triggers


class Command(flush.Command):
    def handle(self, **options):
        # SQLite deletes row by row, which the consent-event triggers refuse.
        with consent_triggers.set_aside(connections[options["database"]]):
            return super().handle(**options)
