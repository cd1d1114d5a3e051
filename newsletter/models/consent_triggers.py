"""The database triggers that keep consent events append-only (migration 0006 adds them).

Every UPDATE and DELETE of newsletter_consentevent is refused except two:
- erasure's anonymising update: once the subscriber is erased, ip_address may become NULL
  and user_agent and source_url empty, with every other column unchanged;
- deleting the events of a request never confirmed (subscriber pending, never confirmed),
  which the retention sweep deletes together with the request.

PostgreSQL's TRUNCATE (how `manage.py flush` empties tables there) is no row operation and
is not refused. SQLite rebuilds a table to alter it, which drops that table's triggers and
cannot rename a table a trigger names; so on SQLite the triggers are set aside while
migrations run (and while `flush` empties the tables) and created again afterwards.
"""

from contextlib import contextmanager

MIGRATION = ("newsletter", "0006_consent_events_append_only")
MESSAGE = "Consent events are append-only: only erasure anonymises them."

POSTGRESQL_CREATE = f"""
CREATE OR REPLACE FUNCTION newsletter_consentevent_append_only() RETURNS trigger AS $$
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

POSTGRESQL_DROP = """
DROP TRIGGER IF EXISTS newsletter_consentevent_append_only ON newsletter_consentevent;
DROP FUNCTION IF EXISTS newsletter_consentevent_append_only();
"""

SQLITE_CREATE = [
    f"""
CREATE TRIGGER IF NOT EXISTS newsletter_consentevent_no_update
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
CREATE TRIGGER IF NOT EXISTS newsletter_consentevent_no_delete
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

SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS newsletter_consentevent_no_update;",
    "DROP TRIGGER IF EXISTS newsletter_consentevent_no_delete;",
]


def _execute(connection, statements: list[str]) -> None:
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


def _wanted(connection) -> bool:
    """SQLite, with migration 0006 applied (unapplying it removes the triggers for good)."""
    from django.db.migrations.recorder import MigrationRecorder

    return connection.vendor == "sqlite" and MIGRATION in (
        MigrationRecorder(connection).applied_migrations()
    )


@contextmanager
def set_aside(connection):
    """On SQLite, without the triggers for a moment (flush); elsewhere, nothing changes."""
    wanted = _wanted(connection)
    if wanted:
        _execute(connection, SQLITE_DROP)
    try:
        yield
    finally:
        if wanted:
            _execute(connection, SQLITE_CREATE)


def before_migrate(sender, using: str, **kwargs) -> None:
    from django.db import connections

    if connections[using].vendor == "sqlite":
        _execute(connections[using], SQLITE_DROP)


def after_migrate(sender, using: str, **kwargs) -> None:
    from django.db import connections

    if _wanted(connections[using]):
        _execute(connections[using], SQLITE_CREATE)
