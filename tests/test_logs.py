"""Logs: JSON lines with a request id and delivery ids, and never an address or a first name."""

import base64
import io
import json
import logging
import re

import pytest
from django.utils import timezone

from newsletter import queue
from newsletter.models import Delivery, Subscriber
from newsletter.observability import logs
from newsletter.subscribers import data_rights, subscriptions, tokens

from .sequencing import make_sequence, run_pass
from .smtp_sink import Sink

SECRET = "hooks:s3cret-for-tests"


@pytest.fixture
def captured(db, monkeypatch):
    """Every log line of the test, through the production (JSON) formatter."""
    # Each eager task re-runs django.setup() through Celery's loader, which re-reads LOGGING
    # and would drop this handler: load the tasks once, then leave logging alone.
    queue.app.loader.import_default_modules()
    monkeypatch.setattr(queue.app.loader, "import_default_modules", lambda: None)
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logs.formatter(json=True))
    root = logging.getLogger()
    root.addHandler(handler)
    yield stream
    root.removeHandler(handler)


def lines(stream: io.StringIO) -> list[dict]:
    return [json.loads(line) for line in stream.getvalue().splitlines() if line.strip()]


def test_a_log_line_is_json_with_any_address_masked(captured):
    logging.getLogger("newsletter.test").warning(
        "Refused <ada.l@example.com>", extra={"error": "550 for ada.l@example.com"}
    )
    (line,) = lines(captured)
    assert line["event"] == "Refused <[address]>"
    assert line["error"] == "550 for [address]"
    assert line["level"] == "warning" and line["logger"] == "newsletter.test"


def test_the_request_id_is_taken_from_the_header_echoed_and_on_every_line(client, captured):
    response = client.get("/healthz", headers={"X-Request-ID": "lb-7f3a"})
    assert response["X-Request-ID"] == "lb-7f3a"
    request_line = next(line for line in lines(captured) if line["event"] == "request")
    assert request_line["request_id"] == "lb-7f3a"


def test_a_missing_or_unsafe_request_id_is_replaced_by_a_fresh_one(client):
    fresh = client.get("/healthz")["X-Request-ID"]
    unsafe = client.get("/healthz", headers={"X-Request-ID": "a b\nc"})["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", fresh) and re.fullmatch(r"[0-9a-f]{32}", unsafe)
    assert fresh != unsafe


def test_request_lines_name_the_route_not_the_path_with_its_signed_link(
    client, captured, active_subscriber
):
    token = tokens.subscriber_link(tokens.PREFERENCES, active_subscriber)
    client.get(f"/preferences/{token}/")
    request_line = next(line for line in lines(captured) if line["event"] == "request")
    assert request_line["route"] == "newsletter:preferences"
    assert token not in captured.getvalue()


def postmark_bounce(client, delivery: Delivery):
    payload = {
        "RecordType": "Bounce",
        "Type": "HardBounce",
        "TypeCode": 1,
        "ID": 42,
        "MessageID": "883953f4-6105-42a2-a16a-77a8eac79483",
        "Email": "bounced.reader@example.com",
        "BouncedAt": "2026-11-03T17:05:00Z",
        "Description": "The server was unable to deliver to bounced.reader@example.com.",
        "Details": "smtp;550 5.1.1 <bounced.reader@example.com> does not exist.",
        "Metadata": {"delivery_id": str(delivery.pk)},
    }
    auth = base64.b64encode(SECRET.encode()).decode()
    return client.post(
        "/anymail/postmark/tracking/",
        json.dumps(payload),
        content_type="application/json",
        headers={"Authorization": f"Basic {auth}"},
    )


def test_subscribe_send_refuse_bounce_and_erase_log_no_address_or_first_name(
    client, settings, captured, audience, django_capture_on_commit_callbacks
):
    settings.ESP_NAME = "postmark"
    settings.ANYMAIL = {**settings.ANYMAIL, "WEBHOOK_SECRET": SECRET}
    make_sequence(audience).steps.update(ignore_window=True)
    people = {
        "bounced.reader@example.com": "Bettina",
        "reject.reader@example.com": "Rosalind",
        "erased.reader@example.com": "Evangeline",
    }
    for address, name in people.items():
        with django_capture_on_commit_callbacks(execute=True):
            client.post(
                "/subscribe/",
                {"email": address, "first_name": name, "consent": "on"},
                headers={"Accept": "application/json"},
            )
        subscriber = subscriptions.find(address)
        with django_capture_on_commit_callbacks(execute=True):
            client.post(f"/confirm/{tokens.confirmation(subscriber, [audience.pk])}/")
        Subscriber.objects.filter(pk=subscriber.pk).update(time_zone="UTC")
    sink = Sink().start()  # refuses "reject..." recipients with a 550 naming the address
    settings.MAILERS = sink.mailer()
    try:
        run_pass(django_capture_on_commit_callbacks, timezone.now())
    finally:
        sink.stop()
    bounced = Delivery.objects.get(subscriber=subscriptions.find("bounced.reader@example.com"))
    refused = Delivery.objects.get(subscriber=subscriptions.find("reject.reader@example.com"))
    assert (bounced.status, refused.status) == ("sent", "failed")
    assert postmark_bounce(client, bounced).status_code == 200
    data_rights.erase(subscriptions.find("erased.reader@example.com"))

    text = captured.getvalue()
    assert "Task newsletter.tasks.send_batch[" in text  # Celery's task lines are captured too
    assert "Task newsletter.tasks.send_confirmation[" in text
    events = {(line["event"], line.get("delivery_id")) for line in lines(captured)}
    assert ("email sent", bounced.pk) in events and ("email failed", refused.pk) in events
    assert ("provider event", bounced.pk) in events
    for address, name in people.items():
        assert address not in text and address.split("@")[0] not in text
        assert name not in text
