"""ESPs with batch APIs get one call per step and chunk, each recipient's result recorded."""

from datetime import UTC, datetime

import pytest
from django.test import override_settings

from newsletter.delivery import dispatch, sending
from newsletter.models import Delivery

from .sequencing import enrolled, make_sequence

NOON = datetime(2026, 11, 3, 17, 0, tzinfo=UTC)
ANYMAIL_TEST = {"default": {"BACKEND": "anymail.backends.test.EmailBackend"}}


@pytest.fixture
def batch_esp(settings):
    # anymail's test backend substitutes merge fields, so it batches like Mailgun or SendGrid.
    settings.ANYMAIL_BATCH_SIZES = {"test": 2}
    with override_settings(MAILERS=ANYMAIL_TEST):
        yield


def test_a_batch_esp_gets_one_call_per_chunk_and_every_row_is_recorded(audience, outbox, batch_esp):
    make_sequence(audience)
    for n in range(5):
        enrolled(audience, f"p{n}@example.com", NOON)
    report = dispatch.send_due(NOON)
    results = sending.send_batch(report.tasks[0], NOON)
    assert [len(message.to) for message in outbox] == [2, 2, 1]
    assert len(results.sent) == 5
    assert set(Delivery.objects.values_list("status", flat=True)) == {"sent"}
    assert Delivery.objects.exclude(esp_message_id="").count() == 5


def test_without_a_batch_esp_each_email_is_its_own_call(audience, outbox):
    make_sequence(audience)
    for n in range(3):
        enrolled(audience, f"p{n}@example.com", NOON)
    report = dispatch.send_due(NOON)
    sending.send_batch(report.tasks[0], NOON)
    assert [message.to for message in outbox] == [[f"p{n}@example.com"] for n in range(3)]


def test_an_unsubscribe_between_two_batch_calls_keeps_the_reader_out_of_the_second(
    audience, outbox, batch_esp, monkeypatch
):
    from newsletter.delivery import batching
    from newsletter.subscribers import subscriptions

    make_sequence(audience)
    readers = [enrolled(audience, f"p{n}@example.com", NOON) for n in range(4)]
    report = dispatch.send_due(NOON)
    send_part = batching._send_part

    def send_and_meanwhile_the_last_reader_unsubscribes(connection, part, results):
        if readers[0].pk in {row.subscriber_id for row in part}:
            subscriptions.unsubscribe(readers[-1], channel="one-click")
        return send_part(connection, part, results)

    monkeypatch.setattr(batching, "_send_part", send_and_meanwhile_the_last_reader_unsubscribes)
    results = sending.send_batch(report.tasks[0], NOON)
    assert [message.to for message in outbox] == [
        ["p0@example.com", "p1@example.com"],
        ["p2@example.com"],
    ]
    assert len(results.sent) == 3 and results.skipped == 1
    assert Delivery.objects.get(subscriber=readers[-1]).status == "skipped"


BREVO = {"default": {"BACKEND": "anymail.backends.brevo.EmailBackend"}}


@pytest.fixture
def brevo_calls(settings, monkeypatch):
    """anymail's real Brevo backend; each HTTP call is answered as Brevo's API answers it."""
    import json

    import requests

    settings.ANYMAIL = {**settings.ANYMAIL, "BREVO_API_KEY": "key"}
    settings.ANYMAIL_BATCH_SIZES = {"brevo": 1000}
    calls = []

    def post(session, method, url, data=None, **kwargs):
        payload = json.loads(data)
        calls.append(payload)
        versions = payload.get("messageVersions")
        answer = (
            {"messageIds": [f"<{n}@b>" for n in range(len(versions))]}
            if versions
            else {"messageId": f"<{len(calls)}@b>"}
        )
        response = requests.Response()
        response.status_code = 201
        response._content = json.dumps(answer).encode()
        return response

    monkeypatch.setattr(requests.Session, "request", post)
    with override_settings(MAILERS=BREVO):
        yield calls


def test_brevo_gets_one_call_per_chunk(audience, brevo_calls):
    make_sequence(audience)
    for n in range(3):
        enrolled(audience, f"p{n}@example.com", NOON)
    report = dispatch.send_due(NOON)
    results = sending.send_batch(report.tasks[0], NOON)
    assert [len(call["messageVersions"]) for call in brevo_calls] == [3]
    assert len(results.sent) == 3
    assert sorted(Delivery.objects.values_list("esp_message_id", flat=True)) == [
        "<0@b>",
        "<1@b>",
        "<2@b>",
    ]


def test_an_email_whose_text_holds_brevo_template_markers_goes_one_per_call(audience, brevo_calls):
    from newsletter.models import Step

    sequence = make_sequence(audience)
    Step.objects.filter(sequence=sequence).update(body="Write {{ this }} as it is.")
    for n in range(3):
        enrolled(audience, f"p{n}@example.com", NOON)
    report = dispatch.send_due(NOON)
    results = sending.send_batch(report.tasks[0], NOON)
    assert len(brevo_calls) == 3
    assert all("messageVersions" not in call for call in brevo_calls)
    assert "Write {{ this }} as it is." in brevo_calls[0]["htmlContent"]
    assert len(results.sent) == 3
