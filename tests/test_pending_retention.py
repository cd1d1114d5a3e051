"""Requests never confirmed are deleted after PENDING_RETENTION_DAYS, by a daily beat task."""

from datetime import timedelta

import pytest
from celery.schedules import crontab
from django.utils import timezone

from celery_app import app
from newsletter import tasks
from newsletter.models import ConsentEvent, Subscriber, Suppression
from newsletter.subscribers import data_rights, subscriptions


@pytest.fixture
def month_later():
    return timezone.now() + timedelta(days=31)


def test_a_request_never_confirmed_goes_with_its_consent_events(subscribe, month_later):
    pending = subscribe("pending@example.com")
    assert data_rights.delete_unconfirmed(now=month_later) == 1
    assert not Subscriber.objects.filter(pk=pending.pk).exists()
    assert not ConsentEvent.objects.filter(subscriber_id=pending.pk).exists()
    assert not Suppression.objects.exists()  # they may ask again one day


def test_a_request_younger_than_the_retention_is_kept(subscribe):
    pending = subscribe("pending@example.com")
    assert data_rights.delete_unconfirmed(now=timezone.now() + timedelta(days=29)) == 0
    assert Subscriber.objects.filter(pk=pending.pk).exists()


def test_the_retention_counts_from_the_latest_request(subscribe, settings, time_machine):
    time_machine.move_to(timezone.now() - timedelta(days=40), tick=False)
    pending = subscribe("pending@example.com")
    time_machine.move_to(timezone.now() + timedelta(days=38), tick=False)
    subscribe("pending@example.com")  # asked again two days ago: its new link must work
    assert data_rights.delete_unconfirmed() == 0
    assert Subscriber.objects.filter(pk=pending.pk).exists()


def test_people_who_ever_confirmed_are_never_swept(active_subscriber, month_later):
    subscriptions.unsubscribe(active_subscriber, "admin")
    assert data_rights.delete_unconfirmed(now=month_later) == 0
    assert Subscriber.objects.filter(pk=active_subscriber.pk).exists()


def test_the_retention_is_the_pending_retention_days_setting(subscribe, settings):
    settings.PENDING_RETENTION_DAYS = 5
    subscribe("pending@example.com")
    assert data_rights.delete_unconfirmed(now=timezone.now() + timedelta(days=4)) == 0
    assert data_rights.delete_unconfirmed(now=timezone.now() + timedelta(days=6)) == 1


def test_beat_runs_the_sweep_every_day(subscribe, time_machine):
    entry = next(
        e
        for e in app.conf.beat_schedule.values()
        if e["task"] == "newsletter.tasks.delete_unconfirmed_requests"
    )
    assert isinstance(entry["schedule"], crontab) and entry["schedule"].day_of_week == set(range(7))
    subscribe("pending@example.com")
    time_machine.move_to(timezone.now() + timedelta(days=31))
    assert tasks.delete_unconfirmed_requests.delay().get() == 1


def test_the_outbox_copy_of_a_deleted_request_goes_too(
    subscribe, settings, tmp_path, month_later, django_capture_on_commit_callbacks
):
    settings.MAILERS = {
        "default": {
            "BACKEND": "newsletter.mail.outbox.EmailBackend",
            "OPTIONS": {"directory": str(tmp_path)},
        }
    }
    subscribe("pending@example.com")
    assert len(list(tmp_path.glob("*.eml"))) == 1
    with django_capture_on_commit_callbacks(execute=True):
        data_rights.delete_unconfirmed(now=month_later)
    assert list(tmp_path.glob("*.eml")) == []
