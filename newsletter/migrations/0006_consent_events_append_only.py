"""Consent events are append-only in the database too, not only in ConsentEvent.save().

A trigger refuses every UPDATE and DELETE of newsletter_consentevent except two:
- erasure's anonymising update: once the subscriber is erased, ip_address may become NULL
  and user_agent and source_url empty, with every other column unchanged;
- deleting the events of a request never confirmed (subscriber still pending, never
  confirmed), which the retention sweep deletes together with the request.

PostgreSQL's TRUNCATE (what `manage.py flush` uses there) is not a row operation and is not
refused. On SQLite, a later migration that rebuilds newsletter_consentevent drops these
triggers with the old table, so such a migration must create them again.
"""

from django.db import migrations

MESSAGE = "Consent events are append-only: only erasure anonymises them."

POSTGRESQL_FORWARD = f"""
CREATE FUNCTION newsletter_consentevent_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        IF EXISTS (
            SELECT 1 FROM newsletter_subscriber s
            WHERE s.id = OLD.subscriber_id AND s.status = 'pending' AND s.confirmed_at IS NULL
        ) THEN
            RETURN OLD;
        END IF;
    ELSIF NEW.ip_address IS NULL AND NEW.user_agent = '' AND NEW.source_url = ''
        AND (to_jsonb(NEW) - 'ip_address' - 'user_agent' - 'source_url')
            = (to_jsonb(OLD) - 'ip_address' - 'user_agent' - 'source_url')
        AND EXISTS (
            SELECT 1 FROM newsletter_subscriber s
            WHERE s.id = OLD.subscriber_id AND s.status = 'erased'
        )
    THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'integrity_constraint_violation';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER newsletter_consentevent_append_only
    BEFORE UPDATE OR DELETE ON newsletter_consentevent
    FOR EACH ROW EXECUTE FUNCTION newsletter_consentevent_append_only();
"""

POSTGRESQL_BACKWARD = """
DROP TRIGGER IF EXISTS newsletter_consentevent_append_only ON newsletter_consentevent;
DROP FUNCTION IF EXISTS newsletter_consentevent_append_only();
"""

SQLITE_FORWARD = [
    f"""
CREATE TRIGGER newsletter_consentevent_no_update
BEFORE UPDATE ON newsletter_consentevent
FOR EACH ROW WHEN NOT (
    NEW.ip_address IS NULL AND NEW.user_agent = '' AND NEW.source_url = ''
    AND NEW.id IS OLD.id AND NEW.subscriber_id IS OLD.subscriber_id
    AND NEW.kind IS OLD.kind AND NEW.channel IS OLD.channel
    AND NEW.consent_text IS OLD.consent_text AND NEW.consent_version IS OLD.consent_version
    AND NEW.detail IS OLD.detail AND NEW.created_at IS OLD.created_at
    AND EXISTS (
        SELECT 1 FROM newsletter_subscriber
        WHERE id = OLD.subscriber_id AND status = 'erased'
    )
)
BEGIN
    SELECT RAISE(ABORT, '{MESSAGE}');
END;
""",
    f"""
CREATE TRIGGER newsletter_consentevent_no_delete
BEFORE DELETE ON newsletter_consentevent
FOR EACH ROW WHEN NOT EXISTS (
    SELECT 1 FROM newsletter_subscriber
    WHERE id = OLD.subscriber_id AND status = 'pending' AND confirmed_at IS NULL
)
BEGIN
    SELECT RAISE(ABORT, '{MESSAGE}');
END;
""",
]

SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS newsletter_consentevent_no_update;",
    "DROP TRIGGER IF EXISTS newsletter_consentevent_no_delete;",
]


class VendorSQL(migrations.RunSQL):
    """RunSQL that runs only on one database vendor."""

    def __init__(self, vendor: str, sql, reverse_sql):
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
        VendorSQL("postgresql", POSTGRESQL_FORWARD, POSTGRESQL_BACKWARD),
        VendorSQL("sqlite", SQLITE_FORWARD, SQLITE_BACKWARD),
    ]
