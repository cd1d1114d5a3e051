"""Django's `flush`, which on SQLite also empties the append-only consent events."""

from django.core.management.commands import flush
from django.db import connections

TRIGGERS = "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s"


class Command(flush.Command):
    def handle(self, **options):
        connection = connections[options["database"]]
        # PostgreSQL empties tables with TRUNCATE, which row triggers do not see; SQLite
        # deletes row by row, so the consent-event triggers are set aside while it does.
        if connection.vendor != "sqlite":
            return super().handle(**options)
        with connection.cursor() as cursor:
            cursor.execute(TRIGGERS, ["newsletter_consentevent"])
            triggers = cursor.fetchall()
            for name, _ in triggers:
                cursor.execute(f"DROP TRIGGER {connection.ops.quote_name(name)}")
        try:
            return super().handle(**options)
        finally:
            with connection.cursor() as cursor:
                for _, sql in triggers:
                    cursor.execute(sql)
