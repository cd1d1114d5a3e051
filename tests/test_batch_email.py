"""One batch message for many readers of a step: per-recipient values travel as merge data."""

import json
import re

import pytest
import requests
from django.core import mail
from django.test import override_settings

from newsletter.mail import emails
from newsletter.models import Delivery
from newsletter.subscribers import subscriptions
from tests import sample_sequence

MAILGUN = {"default": {"BACKEND": "anymail.backends.mailgun.EmailBackend"}}
ANYMAIL_TEST = {"default": {"BACKEND": "anymail.backends.test.EmailBackend"}}


@pytest.fixture(autouse=True)
def frozen(time_machine):
    """Signed links carry the second they were made: compare renders made in the same one."""
    time_machine.move_to("2026-05-04 12:00:00+00:00", tick=False)


@pytest.fixture(autouse=True)
def anymail_test_backend(settings):
    """The test runner swaps every mailer for locmem, which cannot merge; anymail's can."""
    settings.MAILERS = ANYMAIL_TEST


@pytest.fixture
def readers(subscribe, audience):
    people = []
    for index, name in enumerate(["Ada", "", "Cy & Co"]):
        subscriber = subscribe(f"reader{index}@example.com", first_name=name)
        subscriptions.confirm(subscriber.pk, [audience.pk], subscriptions.Client())
        subscriber.refresh_from_db()
        people.append(subscriber)
    return people


@pytest.fixture
def batch(readers, audience) -> list[Delivery]:
    step = sample_sequence.sequence(audience).steps.get(position=2)
    return [Delivery.objects.create(subscriber=reader, step=step) for reader in readers]


def merged(template: str, values: dict) -> str:
    """What an ESP does with merge_data: replace each merge field with the reader's value."""
    for name, value in values.items():
        template = template.replace(emails.MERGE_FIELD_FORMATS["test"].format(name), value)
    return template


def test_a_batch_is_one_message_addressed_to_every_reader(batch):
    message = emails.batch_message(batch)
    addresses = [d.subscriber.email for d in batch]
    assert message.to == addresses
    assert set(message.merge_data) == set(message.merge_headers) == set(addresses)
    assert message.merge_metadata == {d.subscriber.email: {"delivery_id": str(d.pk)} for d in batch}


def test_each_reader_of_a_batch_gets_exactly_what_a_single_send_would_give(batch):
    message = emails.batch_message(batch)
    for delivery in batch:
        single = emails.message_for(delivery)
        values = message.merge_data[delivery.subscriber.email]
        assert merged(message.body, values) == single.body
        assert merged(message.alternatives[0].content, values) == single.alternatives[0].content


def test_per_reader_headers_travel_in_merge_headers_and_shared_ones_on_the_message(batch):
    message = emails.batch_message(batch)
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "List-Id" in message.extra_headers
    for delivery in batch:
        single = emails.message_for(delivery).extra_headers
        headers = message.merge_headers[delivery.subscriber.email]
        assert headers["List-Unsubscribe"] == single["List-Unsubscribe"]
        assert headers["Message-ID"] == single["Message-ID"]


def test_deliveries_of_different_steps_cannot_share_a_batch(batch, active_subscriber):
    other_step = batch[0].step.sequence.steps.get(position=3)
    stray = Delivery.objects.create(subscriber=active_subscriber, step=other_step)
    with pytest.raises(ValueError, match="one step or broadcast"):
        emails.batch_message([*batch, stray])


def test_a_batch_is_sent_in_one_call_through_anymail(batch, outbox):
    emails.batch_message(batch).send()
    assert len(mail.outbox) == 1
    params = mail.outbox[0].anymail_test_params
    assert set(params["merge_data"]) == {d.subscriber.email for d in batch}
    assert "merge_headers" in params


@override_settings(MAILERS=MAILGUN)
def test_merge_fields_are_written_in_the_providers_own_syntax(batch):
    message = emails.batch_message(batch)
    assert "%recipient.unsubscribe_url%" in message.alternatives[0].content
    assert "Hi %recipient.greeting%," in message.body
    assert "%%" not in message.body


def test_sendgrid_is_told_how_its_merge_fields_are_written(batch, settings):
    settings.MAILERS = {"default": {"BACKEND": "anymail.backends.sendgrid.EmailBackend"}}
    message = emails.batch_message(batch)
    assert message.esp_extra == {"merge_field_format": "-{}-"}
    assert 'href="-unsubscribe_url-"' in message.alternatives[0].content


def test_a_provider_that_escapes_or_cannot_merge_gets_one_message_per_reader(settings):
    for esp in ("postmark", "amazon_ses", "resend", "sparkpost"):
        settings.MAILERS = {"default": {"BACKEND": f"anymail.backends.{esp}.EmailBackend"}}
        assert emails.merge_field_format() is None


BREVO = {"default": {"BACKEND": "anymail.backends.brevo.EmailBackend"}}
BREVO_FIELD = re.compile(r"\{% autoescape off %\}\{\{ params\.(\w+) \}\}\{% endautoescape %\}")


@pytest.fixture
def brevo_api(settings, monkeypatch):
    """anymail's real Brevo backend, its HTTP call answered as Brevo's API answers a batch."""
    settings.MAILERS = BREVO
    settings.ANYMAIL = {**settings.ANYMAIL, "BREVO_API_KEY": "key"}
    calls = []

    def post(session, method, url, data=None, **kwargs):
        payload = json.loads(data)
        calls.append((url, payload))
        response = requests.Response()
        response.status_code = 201
        ids = [f"<{n}@smtp-relay.mailin.fr>" for n in range(len(payload["messageVersions"]))]
        response._content = json.dumps({"messageIds": ids}).encode()
        return response

    monkeypatch.setattr(requests.Session, "request", post)
    return calls


def test_brevo_gets_one_call_with_a_message_version_per_reader(batch, brevo_api):
    message = emails.batch_message(batch)
    message.send()
    [(url, payload)] = brevo_api
    assert url.endswith("/smtp/email")
    versions = payload["messageVersions"]
    assert [v["to"][0]["email"] for v in versions] == [d.subscriber.email for d in batch]
    for delivery, version in zip(batch, versions, strict=True):
        single = emails.message_for(delivery)

        def brevo_fills(match, params=version["params"]):
            return params[match.group(1)]  # autoescape off: the value as given

        html = single.alternatives[0].content
        assert BREVO_FIELD.sub(brevo_fills, payload["htmlContent"]) == html
        assert BREVO_FIELD.sub(brevo_fills, payload["textContent"]) == single.body
        headers = version["headers"]
        assert headers["List-Unsubscribe"] == single.extra_headers["List-Unsubscribe"]
        assert json.loads(headers["X-Mailin-custom"]) == {"delivery_id": str(delivery.pk)}
    statuses = message.anymail_status.recipients
    assert statuses[batch[1].subscriber.email].message_id == "<1@smtp-relay.mailin.fr>"
