"""Only the configured provider's tracking webhook is mounted; it needs that provider's own
secret or signing key (the README names each), and it never answers 500."""

import re
from importlib.metadata import version
from pathlib import Path

import pytest
from anymail import urls as anymail_urls

from .providers import PROVIDERS, SECRET, basic_auth, configure, sent_row
from .test_provider_events import CASES, HARD


@pytest.fixture
def sent(audience, outbox, django_capture_on_commit_callbacks):
    return sent_row(audience, django_capture_on_commit_callbacks)


ROOT = Path(__file__).resolve().parent.parent
# Every route anymail's URLconf offers (tracking and inbound, 13 providers and aliases).
ANYMAIL_ROUTES = [
    "amazon_ses/inbound/",
    "amazon_ses/tracking/",
    "brevo/inbound/",
    "brevo/tracking/",
    "mailersend/inbound/",
    "mailersend/tracking/",
    "mailgun/inbound/",
    "mailgun/tracking/",
    "mailjet/inbound/",
    "mailjet/tracking/",
    "mailtrap/inbound/",
    "mailtrap/tracking/",
    "mandrill/",
    "mandrill/tracking/",
    "postal/inbound/",
    "postal/tracking/",
    "postmark/inbound/",
    "postmark/tracking/",
    "resend/inbound/",
    "resend/tracking/",
    "sendgrid/inbound/",
    "sendgrid/tracking/",
    "sendinblue/inbound/",
    "sendinblue/tracking/",
    "sparkpost/inbound/",
    "sparkpost/tracking/",
    "unisender_go/tracking/",
]
# The providers whose webhook cannot work without its own key (anymail would fail every event).
REQUIRED_KEYS = {
    "mailgun": "MAILGUN_WEBHOOK_SIGNING_KEY",
    "mandrill": "MANDRILL_WEBHOOK_KEY",
    "mailersend": "MAILERSEND_SIGNING_SECRET",
    "unisender_go": "UNISENDER_GO_API_KEY",
    "postal": "POSTAL_WEBHOOK_KEY",
}


def test_the_list_covers_every_route_anymail_offers():
    assert len(ANYMAIL_ROUTES) == len(anymail_urls.urlpatterns) == 27


@pytest.mark.parametrize("route", ANYMAIL_ROUTES)
def test_no_provider_webhook_answers_when_no_provider_is_configured(client, settings, route):
    settings.ESP_NAME = ""
    response = client.post(f"/anymail/{route}", "{}", content_type="application/json")
    assert response.status_code == 404


@pytest.mark.parametrize("route", ANYMAIL_ROUTES)
def test_only_the_configured_providers_tracking_webhook_is_mounted(client, settings, route, db):
    settings.ESP_NAME = "postmark"
    response = client.post(f"/anymail/{route}", "{}", content_type="application/json")
    # The configured one answers, and refuses a caller without the webhook password.
    assert response.status_code == (400 if route == "postmark/tracking/" else 404)


def test_the_configured_provider_is_read_at_request_time(client, settings, db):
    settings.ANYMAIL = {**settings.ANYMAIL, "WEBHOOK_SECRET": SECRET}
    url = "/anymail/brevo/tracking/"
    settings.ESP_NAME = "postmark"
    assert client.post(url, "{}", content_type="application/json").status_code == 404
    settings.ESP_NAME = "brevo"
    ok = client.post(
        url, '{"event": "request"}', content_type="application/json", headers=basic_auth()
    )
    assert ok.status_code == 200


def test_mandrill_also_answers_at_anymails_own_mandrill_url(client, settings, db):
    configure(settings, "mandrill")
    response = client.post("/anymail/mandrill/", {"mandrill_events": "[]"}, headers=basic_auth())
    assert response.status_code == 400  # unsigned: refused, but mounted


@pytest.mark.parametrize(("esp", "key"), REQUIRED_KEYS.items())
def test_a_provider_without_its_signing_key_is_answered_unavailable_not_500(
    client, settings, sent, esp, key
):
    provider = configure(settings, esp)
    settings.ANYMAIL = {name: value for name, value in settings.ANYMAIL.items() if name != key}
    hard_bounce = next(payload for name, payload, effect in CASES[esp] if effect == HARD)
    assert provider.post(client, hard_bounce(sent)).status_code == 503
    sent.subscriber.refresh_from_db()
    assert sent.subscriber.status == "active"


@pytest.mark.parametrize(
    ("esp", "body", "headers"),
    [
        ("postmark", b"not json", basic_auth()),
        ("postmark", b'{"RecordType": "Bounce", "Type": "HardBounce"', basic_auth()),
        ("amazon_ses", b"not json", {}),
        ("amazon_ses", b"not json", basic_auth()),
        ("sparkpost", b'[{"msys": {"a": {}, "b": {}}}]', basic_auth()),
        ("mailgun", b"not json", basic_auth()),
    ],
)
def test_a_malformed_or_unauthenticated_post_is_a_client_error(
    client, settings, esp, body, headers, db
):
    configure(settings, esp)
    response = client.post(
        f"/anymail/{esp}/tracking/", body, content_type="application/json", headers=headers
    )
    assert 400 <= response.status_code < 500


def test_the_readme_names_the_secret_or_signing_key_of_every_provider_webhook():
    readme = (ROOT / "README.md").read_text()
    for provider in PROVIDERS.values():
        for name in provider.settings:
            assert f"ANYMAIL_{name}" in readme, f"{provider.esp} needs ANYMAIL_{name}"
    assert "ANYMAIL_WEBHOOK_SECRET" in readme


@pytest.mark.parametrize("package", ["boto3", "cryptography", "svix"])
def test_requirements_pin_what_the_documented_providers_need(package):
    pins = dict(
        re.findall(r"^([A-Za-z0-9_.-]+)==(\S+)$", (ROOT / "requirements.txt").read_text(), re.M)
    )
    assert pins.get(package) == version(package)
