"""Consent events are append-only in the database too, not only in ConsentEvent.save().

The triggers and what they let through are described in newsletter/models/consent_triggers.py.
"""

from django.db import migrations

from newsletter.models import consent_triggers


class VendorSQL(migrations.RunSQL):
    """RunSQL that runs only on one database vendor."""

    def __init__(self, vendor, sql, reverse_sql):
        super().__init__(sql, reverse_sql)
        self.vendor = vendor

    def deconstruct(self):
        name, args, kwargs = super().deconstruct()
        return name, args, {"vendor": self.vendor, **kwargs}

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == self.vendor:
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == self.vendor:
            super().database_backwards(app_label, schema_editor, from_state, to_state)


class Migration(migrations.Migration):
    dependencies = [("newsletter", "0005_public_ids_and_outbox_permission")]

    operations = [
        VendorSQL(
            "postgresql", consent_triggers.POSTGRESQL_CREATE, consent_triggers.POSTGRESQL_DROP
        ),
        VendorSQL("sqlite", consent_triggers.SQLITE_CREATE, consent_triggers.SQLITE_DROP),
    ]
