"""Links in emails: confirm (7 days, one button), unsubscribe (one-click, pause instead)."""

import pytest
from django.test import Client
from django.test.client import MULTIPART_CONTENT, encode_multipart

from newsletter.models import ConsentEvent, Subscriber
from newsletter.subscribers import data_rights, tokens
from tests.helpers import link_in

ONE_CLICK = {"List-Unsubscribe": "One-Click"}


@pytest.fixture
def http() -> Client:
    return Client(enforce_csrf_checks=True)


@pytest.fixture
def pending(http, practice, outbox, django_capture_on_commit_callbacks, time_machine):
    time_machine.move_to("2026-03-02 10:00:00+00:00", tick=False)
    with django_capture_on_commit_callbacks(execute=True):
        http.post("/subscribe/", {"email": "p@example.com", "consent": "on"})
    return link_in(outbox[-1], "confirm")


def test_the_confirmation_email_has_text_and_html_and_a_link(pending, outbox):
    message = outbox[0]
    assert message.to == ["p@example.com"]
    assert pending in message.body
    html = message.alternatives[0]
    assert html.mimetype == "text/html" and pending in html.content


def test_a_get_shows_one_button_and_changes_nothing(http, pending):
    page = http.get(pending)
    assert page.status_code == 200
    assert page.content.decode().count("<button") == 1
    assert Subscriber.objects.get().status == "pending"


def test_confirming_twice_is_harmless(http, pending):
    assert http.post(pending).status_code == 200
    second = http.post(pending)
    assert second.status_code == 200 and "subscribed" in second.content.decode()
    assert ConsentEvent.objects.filter(kind="confirmed").count() == 1
    assert Subscriber.objects.get().status == "active"


def test_a_link_older_than_seven_days_offers_a_new_one(
    http, pending, outbox, time_machine, django_capture_on_commit_callbacks
):
    time_machine.move_to("2026-03-09 10:00:01+00:00", tick=False)
    page = http.get(pending)
    assert page.status_code == 410
    assert "expired" in page.content.decode()
    assert http.post(pending).status_code == 410
    assert Subscriber.objects.get().status == "pending"
    with django_capture_on_commit_callbacks(execute=True):
        resent = http.post(pending + "resend/")
    assert resent.status_code == 200 and len(outbox) == 2
    fresh = link_in(outbox[-1], "confirm")
    assert http.post(fresh).status_code == 200
    assert Subscriber.objects.get().status == "active"


def test_a_link_just_under_seven_days_still_works(http, pending, time_machine):
    time_machine.move_to("2026-03-09 09:59:00+00:00", tick=False)
    assert http.post(pending).status_code == 200


def test_a_broken_link_shows_a_friendly_page(http, pending):
    page = http.get(pending[:-10] + "/")
    assert page.status_code == 400
    assert "This link does not work" in page.content.decode()
    assert Subscriber.objects.get().status == "pending"


def test_resending_from_the_expired_page_is_rate_limited(
    http, pending, outbox, time_machine, django_capture_on_commit_callbacks
):
    time_machine.move_to("2026-03-10 10:00:00+00:00", tick=False)
    with django_capture_on_commit_callbacks(execute=True):
        http.post(pending + "resend/")
        http.post(pending + "resend/")
    assert len(outbox) == 2


def unsubscribe_path(subscriber) -> str:
    return f"/unsubscribe/{tokens.subscriber_link(tokens.UNSUBSCRIBE, subscriber)}/"


def test_one_click_form_encoded_as_gmail_sends_it(http, active_subscriber):
    response = http.post(unsubscribe_path(active_subscriber), ONE_CLICK)
    assert response.status_code == 200
    assert not response.cookies
    active_subscriber.refresh_from_db()
    assert active_subscriber.status == "unsubscribed"
    assert active_subscriber.consent_events.last().channel == "one-click"


def test_one_click_multipart(http, active_subscriber):
    body = encode_multipart("BoUnDaRy", ONE_CLICK)
    response = http.generic(
        "POST",
        unsubscribe_path(active_subscriber),
        body,
        content_type=MULTIPART_CONTENT.replace("BoUnDaRyStRiNg", "BoUnDaRy"),
    )
    assert response.status_code == 200
    active_subscriber.refresh_from_db()
    assert active_subscriber.status == "unsubscribed"


def test_one_click_twice_and_after_erasure_still_answers_200(http, active_subscriber):
    path = unsubscribe_path(active_subscriber)
    assert http.post(path, ONE_CLICK).status_code == 200
    data_rights.erase(active_subscriber)
    assert http.post(path, ONE_CLICK).status_code == 200
    page = http.get(path)
    assert page.status_code == 200 and "not on our list" in page.content.decode()
    assert Subscriber.objects.get().status == "erased"


def test_the_unsubscribe_page_has_one_unsubscribe_button_and_pause_choices(http, active_subscriber):
    page = http.get(unsubscribe_path(active_subscriber)).content.decode()
    assert page.count(">Unsubscribe</button>") == 1
    for weeks in (2, 4, 8):
        assert f'value="{weeks}"' in page
    active_subscriber.refresh_from_db()
    assert active_subscriber.status == "active"


def test_pausing_from_the_unsubscribe_page(http, active_subscriber, time_machine):
    time_machine.move_to("2026-04-01 12:00:00+00:00", tick=False)
    path = unsubscribe_path(active_subscriber)
    page = http.post(path, {"action": "pause", "weeks": "8"})
    assert page.status_code == 200 and "paused" in page.content.decode()
    active_subscriber.refresh_from_db()
    assert active_subscriber.status == "paused"
    assert active_subscriber.paused_until.isoformat() == "2026-05-27T12:00:00+00:00"


def test_unsubscribing_from_the_page_then_subscribing_again_records_both(http, active_subscriber):
    path = unsubscribe_path(active_subscriber)
    assert "unsubscribed" in http.post(path, {"action": "unsubscribe"}).content.decode()
    again = http.post(path, {"action": "resubscribe"})
    assert again.status_code == 200
    active_subscriber.refresh_from_db()
    assert active_subscriber.status == "active"
    kinds = list(active_subscriber.consent_events.values_list("kind", flat=True))
    assert kinds[-2:] == ["unsubscribed", "resubscribed"]


def test_no_new_link_goes_to_an_address_suppressed_meanwhile(
    http, pending, outbox, time_machine, django_capture_on_commit_callbacks
):
    from newsletter.models import Suppression
    from newsletter.subscribers import addresses

    Suppression.objects.create(
        address_hash=addresses.suppression_hash("p@example.com"), reason="bounced"
    )
    time_machine.move_to("2026-03-10 10:00:00+00:00", tick=False)
    with django_capture_on_commit_callbacks(execute=True):
        answer = http.post(pending + "resend/")
    assert answer.status_code == 200 and len(outbox) == 1
