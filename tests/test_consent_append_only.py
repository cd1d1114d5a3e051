"""Consent events are append-only in the database itself: only erasure anonymises them."""

import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction

from newsletter.models import ConsentEvent, Subscriber
from newsletter.subscribers import data_rights

TABLE = ConsentEvent._meta.db_table


def refused(sql: str, params: list) -> bool:
    """True when the database refuses the statement (the test's transaction carries on)."""
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, params)
    except IntegrityError as error:
        assert "append-only" in str(error)
        return True
    return False


def first_event(subscriber: Subscriber) -> ConsentEvent:
    return ConsentEvent.objects.filter(subscriber=subscriber).first()


def test_an_ordinary_update_of_a_consent_event_fails_in_the_database(active_subscriber):
    event = first_event(active_subscriber)
    assert refused(f"UPDATE {TABLE} SET consent_text = %s WHERE id = %s", ["other", event.pk])
    with pytest.raises(IntegrityError), transaction.atomic():
        ConsentEvent.objects.filter(pk=event.pk).update(kind="confirmed")
    assert ConsentEvent.objects.get(pk=event.pk).consent_text == event.consent_text


def test_an_ordinary_delete_of_a_consent_event_fails_in_the_database(active_subscriber):
    event = first_event(active_subscriber)
    assert refused(f"DELETE FROM {TABLE} WHERE id = %s", [event.pk])
    with pytest.raises(IntegrityError), transaction.atomic():
        ConsentEvent.objects.filter(subscriber=active_subscriber).delete()
    assert ConsentEvent.objects.filter(subscriber=active_subscriber).count() == 2


def test_anonymising_is_refused_while_the_subscriber_is_not_erased(active_subscriber):
    with pytest.raises(IntegrityError), transaction.atomic():
        active_subscriber.consent_events.update(ip_address=None, user_agent="", source_url="")


def test_erasure_anonymises_through_the_trigger_and_nothing_else_passes_after(
    active_subscriber,
):
    data_rights.erase(active_subscriber)
    events = ConsentEvent.objects.filter(subscriber=active_subscriber)
    assert not events.exclude(source_url="").exists()
    event = events.first()
    assert refused(f"UPDATE {TABLE} SET kind = %s WHERE id = %s", ["imported", event.pk])
    assert refused(
        f"UPDATE {TABLE} SET source_url = '', consent_version = 99 WHERE id = %s", [event.pk]
    )
    assert refused(f"DELETE FROM {TABLE} WHERE id = %s", [event.pk])


def test_the_events_of_a_request_never_confirmed_may_be_deleted(subscribe):
    pending = subscribe("pending@example.com")
    assert pending.status == "pending" and pending.consent_events.count() == 1
    assert not refused(f"DELETE FROM {TABLE} WHERE subscriber_id = %s", [pending.pk])
    assert pending.consent_events.count() == 0


def test_the_events_of_someone_who_once_confirmed_may_never_be_deleted(active_subscriber):
    Subscriber.objects.filter(pk=active_subscriber.pk).update(status="pending")
    assert refused(f"DELETE FROM {TABLE} WHERE subscriber_id = %s", [active_subscriber.pk])


@pytest.mark.django_db(transaction=True)
def test_flush_empties_the_database_and_the_triggers_stay(subscribe, audience):
    from newsletter.subscribers import subscriptions

    reader = subscribe("flushed@example.com")
    subscriptions.confirm(reader.pk, [audience.pk], subscriptions.Client())
    call_command("flush", interactive=False, verbosity=0)
    assert not ConsentEvent.objects.exists()
    reader = subscribe("again@example.com")
    subscriptions.confirm(reader.pk, [audience.pk], subscriptions.Client())
    assert refused(f"DELETE FROM {TABLE} WHERE subscriber_id = %s", [reader.pk])


@pytest.mark.django_db(transaction=True)
def test_a_migration_that_rebuilds_the_tables_keeps_the_triggers(active_subscriber):
    """SQLite rebuilds a table to alter it; `migrate` sets the triggers aside meanwhile."""
    from django.core.management.sql import emit_post_migrate_signal, emit_pre_migrate_signal
    from django.db import models

    def alter(model, name: str, length: int) -> None:
        old = model._meta.get_field(name)
        new = models.CharField(max_length=length, blank=True)
        new.set_attributes_from_name(name)
        new.model = model
        with connection.schema_editor() as editor:
            editor.alter_field(model, old, new)
            editor.alter_field(model, new, old)

    emit_pre_migrate_signal(0, False, "default")
    alter(Subscriber, "first_name", 120)
    alter(ConsentEvent, "channel", 40)
    emit_post_migrate_signal(0, False, "default")
    assert refused(f"DELETE FROM {TABLE} WHERE subscriber_id = %s", [active_subscriber.pk])
