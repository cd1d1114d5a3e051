"""Consent the practice can prove: what was shown, where, when, and every change after."""

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from newsletter.models import ConsentEvent, ConsentWording, Practice, Suppression
from newsletter.subscribers import addresses, subscriptions

UA = "Mozilla/5.0 (test)"


def post(**fields):
    data = {"email": "reader@example.com", "consent": "yes", **fields}
    headers = {"Accept": "application/json", "User-Agent": UA}
    return Client().post("/subscribe/", data, headers=headers, REMOTE_ADDR="203.0.113.9")


def test_the_exact_wording_version_and_source_page_are_stored(practice):
    shown = practice.current_consent()
    newer = ConsentWording.objects.create(text="New wording, v2.")
    post(consent_version=str(shown.version), source="https://blog.example/post?x=1")
    event = ConsentEvent.objects.get()
    assert event.kind == "requested"
    assert (event.consent_version, event.consent_text) == (shown.version, shown.text)
    assert newer.version == shown.version + 1
    assert event.source_url == "https://blog.example/post?x=1"
    assert event.subscriber.source_url == "https://blog.example/post?x=1"


def test_the_referer_is_the_source_when_the_form_names_none(practice):
    Client().post(
        "/subscribe/",
        {"email": "r@example.com", "consent": "on"},
        headers={"Referer": "https://blog.example/article"},
    )
    assert ConsentEvent.objects.get().source_url == "https://blog.example/article"


def test_ip_and_browser_are_not_kept_by_default(practice):
    post()
    event = ConsentEvent.objects.get()
    assert event.ip_address is None and event.user_agent == ""


def test_ip_and_browser_are_kept_when_the_practice_turns_it_on(practice):
    Practice.objects.update(record_ip=True)
    post()
    event = ConsentEvent.objects.get()
    assert (event.ip_address, event.user_agent) == ("203.0.113.9", UA)


def test_consent_must_be_given(practice):
    wish = subscriptions.SubscribeRequest(email="a@example.com", consent=False)
    with pytest.raises(ValidationError):
        subscriptions.subscribe(wish, subscriptions.Client())
    assert ConsentEvent.objects.count() == 0


def test_every_change_of_consent_is_an_event_in_order(active_subscriber, audience):
    subscriptions.pause(active_subscriber, 2)
    subscriptions.resume(active_subscriber)
    subscriptions.unsubscribe(active_subscriber, "one-click")
    subscriptions.resubscribe(active_subscriber)
    kinds = list(active_subscriber.consent_events.values_list("kind", flat=True))
    assert kinds == [
        "requested",
        "confirmed",
        "paused",
        "resumed",
        "unsubscribed",
        "resubscribed",
    ]
    channels = active_subscriber.consent_events.values_list("channel", flat=True)
    assert "one-click" in channels


def test_consent_events_cannot_be_edited_or_deleted(active_subscriber):
    event = active_subscriber.consent_events.first()
    event.consent_text = "rewritten"
    with pytest.raises(ValueError):
        event.save()
    with pytest.raises(ValueError):
        event.delete()


def test_consent_wording_is_versioned_never_edited(practice):
    wording = practice.current_consent()
    wording.text = "changed"
    with pytest.raises(ValueError):
        wording.save()
    assert ConsentWording.objects.create(text="v2").version == wording.version + 1


def test_confirming_records_a_confirmed_event_and_joins_the_audience(subscribe, audience):
    subscriber = subscribe("p@example.com")
    subscriptions.confirm(subscriber.pk, [audience.pk], subscriptions.Client())
    subscriber.refresh_from_db()
    assert subscriber.status == "active" and subscriber.confirmed_at
    assert list(subscriber.audiences.all()) == [audience]
    assert subscriber.consent_events.last().kind == "confirmed"


def test_an_old_confirmation_link_does_nothing_for_a_suppressed_address(subscribe, audience):
    subscriber = subscribe("s@example.com")
    Suppression.objects.create(
        address_hash=addresses.suppression_hash(subscriber.email), reason="complained"
    )
    assert subscriptions.confirm(subscriber.pk, [audience.pk], subscriptions.Client()) is None
    subscriber.refresh_from_db()
    assert subscriber.status == "pending"


def test_a_paused_subscriber_subscribing_again_gets_no_email(subscribe, active_subscriber, outbox):
    subscriptions.pause(active_subscriber, 4)
    outbox.clear()
    subscribe(active_subscriber.email.upper())
    assert outbox == []
    active_subscriber.refresh_from_db()
    assert active_subscriber.status == "paused"


@pytest.mark.parametrize(
    ("forwarded", "kept"),
    [
        ("203.0.113.9", "203.0.113.9"),
        # The client wrote the left entry; the trusted proxy appended the right one.
        ("10.6.6.6, 198.51.100.7", "198.51.100.7"),
        ("not-an-ip", None),
        ("", None),
    ],
)
def test_behind_a_proxy_the_address_the_proxy_appended_is_kept(practice, settings, forwarded, kept):
    settings.RATELIMIT_IP_META_KEY = "HTTP_X_FORWARDED_FOR"
    Practice.objects.update(record_ip=True)
    response = Client().post(
        "/subscribe/",
        {"email": "r@example.com", "consent": "on"},
        headers={"X-Forwarded-For": forwarded, "User-Agent": "UA\x00x"},
    )
    assert response.status_code == 200
    event = ConsentEvent.objects.get()
    assert (event.ip_address, event.user_agent) == (kept, "UAx")
