"""Booking tools natively: Calendly and Cal.com webhooks, the signed generic hook, the stored
booking and the email it is owed to. Payloads follow each tool's webhook documentation."""

import hashlib
import hmac
import json
import time
from datetime import UTC, datetime, timedelta

import pytest
from django.test import Client
from django.utils import timezone

from newsletter.models import Booking, Click, Delivery, Enrollment, Sequence, Subscriber
from newsletter.sequences import attribution, booking, sequences
from newsletter.subscribers import data_rights, subscriptions

from .sequencing import enrolled, make_sequence

CALENDLY_KEY = "test-calendly-signing-key"
CALCOM_SECRET = "test-calcom-secret"
INVITEE = "https://api.calendly.com/scheduled_events/GBGBDCAADAEDCRZ2/invitees/AAAAAAAAAAAAAAAA"


def calendly_event(event: str, email: str = "reader@example.com", **payload) -> dict:
    """The shape Calendly documents for invitee.created / invitee.canceled."""
    return {
        "created_at": "2026-11-03T10:00:00.000000Z",
        "created_by": "https://api.calendly.com/users/AAAAAAAAAAAAAAAA",
        "event": event,
        "payload": {
            "cancel_url": "https://calendly.com/cancellations/AAAAAAAAAAAAAAAA",
            "created_at": "2026-11-03T10:00:00.000000Z",
            "email": email,
            "name": "Reader",
            "rescheduled": False,
            "reschedule_url": "https://calendly.com/reschedulings/AAAAAAAAAAAAAAAA",
            "scheduled_event": {
                "uri": "https://api.calendly.com/scheduled_events/GBGBDCAADAEDCRZ2",
                "name": "Free consultation",
                "start_time": "2026-11-10T15:00:00.000000Z",
                "end_time": "2026-11-10T15:30:00.000000Z",
                "status": "active",
            },
            "status": "active",
            "timezone": "America/New_York",
            "uri": INVITEE,
            **payload,
        },
    }


def calcom_event(trigger: str, uid: str = "bFJeNb2uX8ANpT3JL5EfXw", email="reader@example.com"):
    """The shape Cal.com documents for its booking triggers."""
    return {
        "triggerEvent": trigger,
        "createdAt": "2026-11-03T10:00:00.000Z",
        "payload": {
            "type": "free-consultation",
            "title": "Free consultation between Practice and Reader",
            "startTime": "2026-11-10T15:00:00Z",
            "endTime": "2026-11-10T15:30:00Z",
            "organizer": {"email": "therapist@practice.example", "timeZone": "America/New_York"},
            "attendees": [{"email": email, "name": "Reader", "timeZone": "America/New_York"}],
            "uid": uid,
            "bookingId": 91,
            "status": "ACCEPTED" if trigger != "BOOKING_CANCELLED" else "CANCELLED",
        },
    }


def signed_calendly(body: bytes, key=CALENDLY_KEY, at: int | None = None) -> str:
    stamp = str(int(time.time()) if at is None else at)
    digest = hmac.new(key.encode(), f"{stamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={stamp},v1={digest}"


def post_calendly(http: Client, data, header: str | None = None):
    body = json.dumps(data).encode()
    headers = {"Calendly-Webhook-Signature": signed_calendly(body) if header is None else header}
    return http.post("/hooks/calendly/", body, content_type="application/json", headers=headers)


def post_calcom(http: Client, data, secret=CALCOM_SECRET, sign=True):
    body = json.dumps(data).encode()
    digest = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    headers = {"X-Cal-Signature-256": digest} if sign else {}
    return http.post("/hooks/calcom/", body, content_type="application/json", headers=headers)


@pytest.fixture
def reader(audience):
    make_sequence(audience)
    return enrolled(audience, "reader@example.com", datetime(2026, 11, 3, tzinfo=UTC))


def places(subscriber) -> list[tuple[str, str]]:
    rows = Enrollment.objects.filter(subscriber=subscriber).order_by("pk")
    return list(rows.values_list("status", "exit_reason"))


def test_a_calendly_booking_ends_the_nurture_and_is_stored(client, reader):
    answer = post_calendly(client, calendly_event("invitee.created"))
    assert (answer.status_code, answer.json()) == (200, {"ok": True})
    assert places(reader) == [("exited", "booked")]
    stored = Booking.objects.get()
    assert (stored.subscriber, stored.tool, stored.external_id) == (reader, "calendly", INVITEE)


def test_a_calendly_cancellation_brings_the_nurture_back_but_a_reschedule_does_not(client, reader):
    post_calendly(client, calendly_event("invitee.created"))
    post_calendly(client, calendly_event("invitee.canceled", rescheduled=True))
    assert places(reader) == [("exited", "booked")]
    post_calendly(client, calendly_event("invitee.canceled"))
    assert places(reader) == [("active", "")]
    assert Booking.objects.get().cancelled_at is not None


def test_a_cancellation_does_not_revive_a_sequence_that_is_no_longer_active(client, reader):
    post_calendly(client, calendly_event("invitee.created"))
    Sequence.objects.update(status="paused")
    post_calendly(client, calendly_event("invitee.canceled"))
    assert places(reader) == [("exited", "booked")]


@pytest.mark.parametrize(
    "header",
    [
        "",
        "t=1,v1=deadbeef",
        "v1=abc",
        signed_calendly(b"another body"),
        signed_calendly(json.dumps(calendly_event("invitee.created")).encode(), key="wrong"),
    ],
)
def test_a_calendly_event_without_a_good_signature_is_refused_and_changes_nothing(
    client, reader, header
):
    answer = post_calendly(client, calendly_event("invitee.created"), header=header)
    assert answer.status_code == 401
    assert places(reader) == [("active", "")] and not Booking.objects.exists()


def test_a_calendly_event_older_than_three_minutes_is_refused(client, reader):
    body = json.dumps(calendly_event("invitee.created")).encode()
    stale = signed_calendly(body, at=int(time.time()) - 181)
    answer = client.post(
        "/hooks/calendly/",
        body,
        content_type="application/json",
        headers={"Calendly-Webhook-Signature": stale},
    )
    assert answer.status_code == 400 and not Booking.objects.exists()


def test_a_replayed_booking_and_an_unknown_address_answer_like_a_known_one(client, reader):
    assert post_calendly(client, calendly_event("invitee.created")).json() == {"ok": True}
    assert post_calendly(client, calendly_event("invitee.created")).json() == {"ok": True}
    stranger = calendly_event("invitee.created", email="not-listed@example.com", uri="x:1")
    assert post_calendly(client, stranger).json() == {"ok": True}
    assert Booking.objects.count() == 1
    assert not Subscriber.objects.filter(email="not-listed@example.com").exists()


@pytest.mark.parametrize("body", [{"event": "invitee.created"}, [], {"payload": {"uri": "x"}}])
def test_a_malformed_calendly_body_is_a_clear_400(client, reader, body):
    answer = post_calendly(client, {**body} if isinstance(body, dict) else body)
    assert answer.status_code == 400 and answer.json()["ok"] is False
    assert not Booking.objects.exists()


def test_a_calcom_booking_and_its_cancellation(client, reader):
    assert post_calcom(client, calcom_event("BOOKING_CREATED")).status_code == 200
    assert places(reader) == [("exited", "booked")]
    post_calcom(client, calcom_event("BOOKING_CANCELLED"))
    assert places(reader) == [("active", "")]


def test_a_calcom_reschedule_keeps_the_person_booked(client, reader):
    post_calcom(client, calcom_event("BOOKING_CREATED"))
    post_calcom(client, calcom_event("BOOKING_RESCHEDULED", uid="new-uid-after-reschedule"))
    assert places(reader) == [("exited", "booked")]
    assert Booking.objects.filter(cancelled_at__isnull=True).count() == 2


def test_cal_com_requests_without_a_signature_are_refused(client, reader):
    assert post_calcom(client, calcom_event("BOOKING_CREATED"), sign=False).status_code == 401
    assert post_calcom(client, calcom_event("BOOKING_CREATED"), secret="x").status_code == 401
    assert not Booking.objects.exists()


def test_a_replayed_calcom_event_is_recognised_by_its_uid(client, reader):
    post_calcom(client, calcom_event("BOOKING_CREATED"))
    post_calcom(client, calcom_event("BOOKING_CANCELLED"))
    assert post_calcom(client, calcom_event("BOOKING_CREATED")).status_code == 200
    assert places(reader) == [("active", "")] and Booking.objects.count() == 1


def test_the_generic_hook_also_takes_a_signed_body(client, reader, settings):
    body = json.dumps({"email": "reader@example.com", "id": "booking-7"}).encode()
    digest = hmac.new(settings.BOOKING_HOOK_SECRET.encode(), body, hashlib.sha256).hexdigest()
    headers = {"X-Booking-Signature": f"sha256={digest}"}
    answer = client.post("/hooks/booked/", body, content_type="application/json", headers=headers)
    assert answer.status_code == 200 and places(reader) == [("exited", "booked")]
    headers = {"X-Booking-Signature": "sha256=" + "0" * 64}
    wrong = client.post("/hooks/booked/", body, content_type="application/json", headers=headers)
    assert wrong.status_code == 403


def test_someone_who_booked_is_kept_out_of_sequences_joined_later(client, reader, audience):
    post_calendly(client, calendly_event("invitee.created"))
    later = make_sequence(audience, slug="second-series")
    assert sequences.enroll(reader, [audience], now=timezone.now()) == []
    assert not Enrollment.objects.filter(sequence=later).exists()


def test_a_booking_is_owed_to_the_last_email_clicked_within_14_days(reader, audience):
    step = Sequence.objects.get().steps.order_by("position")
    first = Delivery.objects.create(subscriber=reader, step=step[0], status="sent")
    second = Delivery.objects.create(subscriber=reader, step=step[1], status="sent")
    booked_at = timezone.now()
    Click.objects.create(delivery=second, created_at=booked_at - timedelta(days=15))
    Click.objects.create(delivery=first, created_at=booked_at - timedelta(days=3))
    assert attribution.attributed_email(reader, booked_at) == first
    assert attribution.attributed_email(reader, booked_at - timedelta(days=20)) is None
    booking.record("reader@example.com", booking.Tool.HOOK, "x", booked_at)
    assert Booking.objects.get().attributed_to == first


def test_erasure_removes_a_persons_bookings(client, reader):
    post_calendly(client, calendly_event("invitee.created"))
    assert data_rights.export(reader)["bookings"][0]["tool"] == "Calendly"
    data_rights.erase(reader)
    assert not Booking.objects.exists()


def test_the_practice_marking_a_booking_records_it_too(reader):
    assert booking.mark_booked("READER@example.com") == 1
    assert Booking.objects.get().tool == "practice" and places(reader) == [("exited", "booked")]


def test_a_hook_whose_key_is_not_set_is_off(client, settings, reader):
    settings.CALENDLY_SIGNING_KEY = ""
    settings.CALCOM_WEBHOOK_SECRET = ""
    assert post_calendly(client, calendly_event("invitee.created")).status_code == 404
    assert post_calcom(client, calcom_event("BOOKING_CREATED")).status_code == 404
    assert subscriptions.find("reader@example.com") == reader
