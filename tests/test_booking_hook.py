"""POST /hooks/booked/: a scheduling tool reports a booking with a shared secret."""

import json
from datetime import UTC, datetime

import pytest
from django.test import override_settings

from newsletter.models import Enrollment

from .sequencing import enrolled, make_sequence

URL = "/hooks/booked/"
SECRET = {"HTTP_X_BOOKING_SECRET": "test-booking-secret"}


@pytest.fixture
def reader(audience):
    make_sequence(audience)
    return enrolled(audience, "reader@example.com", datetime(2026, 11, 3, tzinfo=UTC))


def post(client, body, **headers):
    data = body if isinstance(body, str) else json.dumps(body)
    return client.post(URL, data, content_type="application/json", **headers)


def status(reader) -> tuple[str, str]:
    enrollment = Enrollment.objects.get(subscriber=reader)
    return enrollment.status, enrollment.exit_reason


def test_a_booking_with_the_secret_ends_the_nurture(client, reader):
    response = post(client, {"email": "Reader@example.com"}, **SECRET)
    assert (response.status_code, response.json()) == (200, {"ok": True})
    assert status(reader) == ("exited", "booked")


def test_an_unknown_address_gets_the_same_answer_and_changes_nothing(client, reader):
    response = post(client, {"email": "someone@example.com"}, **SECRET)
    assert (response.status_code, response.json()) == (200, {"ok": True})
    assert status(reader) == ("active", "")


@pytest.mark.parametrize("headers", [{}, {"HTTP_X_BOOKING_SECRET": "guess"}])
def test_a_missing_or_wrong_secret_is_refused(client, reader, headers):
    response = post(client, {"email": "reader@example.com"}, **headers)
    assert response.status_code == 403 and "X-Booking-Secret" in response.json()["error"]
    assert status(reader) == ("active", "")


@pytest.mark.parametrize(
    "body", ["not json", "[]", "{}", {"email": ""}, {"email": 42}, {"mail": "a@b.example"}]
)
def test_a_body_without_an_email_gets_a_clear_400(client, reader, body):
    response = post(client, body, **SECRET)
    assert response.status_code == 400 and '{"email"' in response.json()["error"]
    assert status(reader) == ("active", "")


def test_an_invalid_address_gets_a_clear_400(client, reader):
    response = post(client, {"email": "not an address"}, **SECRET)
    assert response.status_code == 400 and "not a valid email" in response.json()["error"]


def test_undecodable_bytes_get_a_400_not_a_500(client, reader):
    response = client.post(URL, b"\xff\xfe\x00", content_type="application/json", **SECRET)
    assert response.status_code == 400


def test_a_get_is_not_allowed(client, reader):
    assert client.get(URL, **SECRET).status_code == 405


def test_the_hook_is_off_until_a_secret_is_configured(client, reader):
    with override_settings(BOOKING_HOOK_SECRET=""):
        response = post(client, {"email": "reader@example.com"}, HTTP_X_BOOKING_SECRET="")
    assert response.status_code == 404 and "BOOKING_HOOK_SECRET" in response.json()["error"]
    assert status(reader) == ("active", "")
