"""Subscribing, confirming and unsubscribing over HTTP, as a blog visitor does."""

import re

from django.urls import reverse

from newsletter.models import ConsentEvent, Subscriber
from newsletter.subscribers import tokens


def confirm_link(message) -> str:
    return re.search(r"https?://\S+/confirm/[^/\s]+/", message.body).group(0)


def test_subscribing_sends_one_confirmation_and_records_the_consent_text(
    client, practice, outbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/subscribe/",
            {"email": "Reader@Example.com", "consent": "on", "first_name": "Ann"},
            HTTP_ACCEPT="application/json",
        )
    assert response.status_code == 200
    assert response.json()["ok"] is True
    subscriber = Subscriber.objects.get()
    assert subscriber.status == "pending"
    assert subscriber.email_key == "reader@example.com"
    assert len(outbox) == 1 and outbox[0].to == ["Reader@example.com"]
    event = ConsentEvent.objects.get()
    assert event.kind == "requested"
    assert event.consent_text == practice.current_consent().text
    assert event.ip_address is None


def test_the_answer_is_the_same_for_new_and_active_addresses(client, active_subscriber):
    new = client.post(
        "/subscribe/",
        {"email": "new@example.com", "consent": "yes"},
        HTTP_ACCEPT="application/json",
    )
    known = client.post(
        "/subscribe/",
        {"email": active_subscriber.email, "consent": "yes"},
        HTTP_ACCEPT="application/json",
    )
    assert new.json() == known.json()
    assert new.status_code == known.status_code == 200


def test_confirming_takes_a_post_after_a_get_page(
    client, practice, outbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/subscribe/", {"email": "a@example.com", "consent": "1"})
    link = confirm_link(outbox[0]).split("8000", 1)[-1]
    assert client.get(link).status_code == 200
    assert Subscriber.objects.get().status == "pending"
    assert client.post(link).status_code == 200
    assert client.post(link).status_code == 200
    subscriber = Subscriber.objects.get()
    assert subscriber.status == "active"
    assert list(subscriber.consent_events.values_list("kind", flat=True)) == [
        "requested",
        "confirmed",
    ]


def test_one_click_unsubscribe_answers_200_without_csrf(active_subscriber):
    from django.test import Client

    token = tokens.subscriber_link(tokens.UNSUBSCRIBE, active_subscriber)
    browserless = Client(enforce_csrf_checks=True)
    response = browserless.post(
        reverse("newsletter:unsubscribe", args=[token]), {"List-Unsubscribe": "One-Click"}
    )
    assert response.status_code == 200
    active_subscriber.refresh_from_db()
    assert active_subscriber.status == "unsubscribed"
