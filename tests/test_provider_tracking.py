"""No open pixel and no click redirect through the provider: every message asks the provider
to switch both off where its anymail backend can, whatever the account's default."""

import json

import pytest
import requests
from django.utils.module_loading import import_string

from newsletter import settings as project_settings
from newsletter.mail import emails

from .providers import sent_row


@pytest.fixture
def sent(audience, outbox, django_capture_on_commit_callbacks):
    return sent_row(audience, django_capture_on_commit_callbacks)


CREDENTIALS = {
    "postmark": {"ANYMAIL_POSTMARK_SERVER_TOKEN": "server-token"},
    "mailgun": {"ANYMAIL_MAILGUN_API_KEY": "key-mailgun"},
    "sendgrid": {"ANYMAIL_SENDGRID_API_KEY": "SG.key"},
    "mailjet": {"ANYMAIL_MAILJET_API_KEY": "public", "ANYMAIL_MAILJET_SECRET_KEY": "secret"},
    "mailersend": {"ANYMAIL_MAILERSEND_API_TOKEN": "mlsn.token"},
    "sparkpost": {"ANYMAIL_SPARKPOST_API_KEY": "sparkpost-key"},
    "mandrill": {"ANYMAIL_MANDRILL_API_KEY": "mandrill-key"},
    "unisender_go": {
        "ANYMAIL_UNISENDER_GO_API_KEY": "unisender-key",
        "ANYMAIL_UNISENDER_GO_API_URL": "https://go1.unisender.ru/ru/transactional/api/v1/",
    },
    "brevo": {"ANYMAIL_BREVO_API_KEY": "xkeysib-key"},
    "amazon_ses": {},
    "resend": {"ANYMAIL_RESEND_API_KEY": "re_key"},
    "postal": {
        "ANYMAIL_POSTAL_API_KEY": "postal-key",
        "ANYMAIL_POSTAL_API_URL": "https://postal.example.com",
    },
    "mailtrap": {"ANYMAIL_MAILTRAP_API_TOKEN": "mailtrap-token"},
}
CAN_SWITCH_OFF = [
    "postmark",
    "mailgun",
    "sendgrid",
    "mailjet",
    "mailersend",
    "sparkpost",
    "mandrill",
    "unisender_go",
]
# anymail's MailerSend and Postal backends refuse message metadata (events find the row by the
# provider's message id instead).
NO_METADATA = {"mailersend", "postal"}
CANNOT = ["brevo", "amazon_ses", "resend", "postal", "mailtrap"]


def message(row, esp: str):
    built = emails.message_for(row)
    if esp in NO_METADATA:
        del built.metadata
    return built


def backend_for(esp: str, monkeypatch, settings):
    """The backend the environment ESP=<esp> configures, with the ANYMAIL settings it yields."""
    for name in [name for name in project_settings.os.environ if name.startswith("ANYMAIL_")]:
        monkeypatch.delenv(name)
    monkeypatch.setenv("ESP", esp)
    for name, value in CREDENTIALS[esp].items():
        monkeypatch.setenv(name, value)
    mailers, anymail = project_settings.mailers_from_env()
    settings.ANYMAIL = anymail
    return import_string(mailers["default"]["BACKEND"])()


@pytest.mark.parametrize("esp", CAN_SWITCH_OFF)
def test_providers_that_can_switch_tracking_off_are_told_to_on_every_message(
    esp, monkeypatch, settings, sent
):
    backend = backend_for(esp, monkeypatch, settings)
    assert backend.send_defaults == {"track_opens": False, "track_clicks": False}
    payload = backend.build_message_payload(message(sent, esp), backend.send_defaults)
    assert payload.data  # built without complaint


@pytest.mark.parametrize("esp", CANNOT)
def test_providers_without_the_switch_send_as_before(esp, monkeypatch, settings, sent):
    backend = backend_for(esp, monkeypatch, settings)
    assert "track_opens" not in backend.send_defaults
    backend.build_message_payload(message(sent, esp), backend.send_defaults)


class Answer:
    """What requests returns, enough for anymail to read the provider's reply."""

    def __init__(self, body: dict):
        self.status_code, self.body = 200, body
        self.text, self.content = json.dumps(body), json.dumps(body).encode()
        self.headers, self.encoding = {}, "utf-8"

    def json(self):
        return self.body

    def raise_for_status(self):
        return None


def intercept(monkeypatch, reply: dict) -> list[dict]:
    calls = []

    def request(session, **params):
        calls.append(params)
        return Answer(reply)

    monkeypatch.setattr(requests.Session, "request", request)
    return calls


def test_a_message_sent_through_postmark_asks_for_no_open_or_link_tracking(
    monkeypatch, settings, sent
):
    backend = backend_for("postmark", monkeypatch, settings)
    reply = {"To": sent.subscriber.email, "MessageID": "b7bc2f4a", "ErrorCode": 0, "Message": "OK"}
    calls = intercept(monkeypatch, reply)
    assert backend.send_messages([emails.message_for(sent)]) == 1
    body = json.loads(calls[0]["data"])
    assert (body["TrackOpens"], body["TrackLinks"]) == (False, "None")


def test_a_message_sent_through_mailgun_asks_for_no_open_or_click_tracking(
    monkeypatch, settings, sent
):
    backend = backend_for("mailgun", monkeypatch, settings)
    calls = intercept(monkeypatch, {"id": "<20261103.1@example.com>", "message": "Queued."})
    assert backend.send_messages([emails.message_for(sent)]) == 1
    data = dict(calls[0]["data"])
    assert (data["o:tracking-opens"], data["o:tracking-clicks"]) == ("no", "no")


@pytest.mark.parametrize("esp", sorted(NO_METADATA))
def test_a_provider_that_refuses_metadata_is_sent_messages_it_accepts(
    esp, monkeypatch, settings, sent
):
    backend = backend_for(esp, monkeypatch, settings)
    settings.MAILERS = {"default": {"BACKEND": f"anymail.backends.{esp}.EmailBackend"}}
    built = emails.message_for(sent)
    assert not getattr(built, "metadata", None)
    assert backend.build_message_payload(built, backend.send_defaults).data
