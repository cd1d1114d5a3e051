"""Each provider's tracking webhook as the provider calls it: its settings, how it signs, and
its payloads, written from the provider's webhook documentation."""

import base64
import hashlib
import hmac
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import urlencode

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from svix.webhooks import Webhook as Svix

from newsletter.models import Delivery

from .sequencing import enrolled, make_sequence, run_pass

NOON = datetime(2026, 11, 3, 17, 0, tzinfo=UTC)
READER = "reader@example.com"
SECRET = "hooks:s3cret-for-tests"  # ANYMAIL_WEBHOOK_SECRET: basic auth in the webhook URL
MESSAGE_ID = "12345"  # the provider's id of the sent message, on the ledger row
MAILGUN_KEY = "mailgun-http-webhook-signing-key"
MANDRILL_KEY = "mandrill-webhook-key"
MAILERSEND_SECRET = "mailersend-signing-secret"
MAILTRAP_SECRET = "mailtrap-tracking-secret"
UNISENDER_KEY = "unisender-go-api-key"
RESEND_SECRET = "whsec_" + base64.b64encode(b"resend-signing-secret-32-bytes!!").decode()
POSTAL_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
SENDGRID_KEY = ec.generate_private_key(ec.SECP256R1())


def public_key_setting(private_key) -> str:
    """The base64 DER public key, as Postal and SendGrid show it (PEM without its armour)."""
    der = private_key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return base64.b64encode(der).decode()


def basic_auth(secret: str = SECRET) -> dict:
    return {"Authorization": "Basic " + base64.b64encode(secret.encode()).decode()}


@dataclass
class Provider:
    esp: str  # the ESP environment value and the route's <esp>
    settings: dict = field(default_factory=dict)  # ANYMAIL settings besides WEBHOOK_SECRET
    # (client, payload, forged) -> response; forged posts a wrong signature or password
    poster: Callable = None

    @property
    def url(self) -> str:
        return f"/anymail/{self.esp}/tracking/"

    def post(self, client, payload, forged: bool = False):
        return self.poster(self, client, payload, forged)


def _json(provider, client, payload, forged, headers=None):
    return client.post(
        provider.url,
        json.dumps(payload),
        content_type="application/json",
        headers={**basic_auth("hooks:guessed" if forged else SECRET), **(headers or {})},
    )


def _hmac_sha256(key: str, body: bytes) -> str:
    return hmac.new(key.encode(), body, hashlib.sha256).hexdigest()


def _mailgun(provider, client, payload, forged):
    timestamp, token = "1793725500", "a8ce0edb2dd8301dee6c2405235584e45aa91d1e9f979f3de0"
    key = "guessed" if forged else MAILGUN_KEY
    signature = _hmac_sha256(key, f"{timestamp}{token}".encode())
    signed = {"signature": {"timestamp": timestamp, "token": token, "signature": signature}}
    return _json(provider, client, {**signed, **payload}, False)


def _signed_body(header: str, key: str):
    def post(provider, client, payload, forged):
        body = json.dumps(payload).encode()
        signature = _hmac_sha256("guessed" if forged else key, body)
        return client.post(
            provider.url,
            body,
            content_type="application/json",
            headers={**basic_auth(), header: signature},
        )

    return post


def _mandrill(provider, client, payload, forged):
    params = {"mandrill_events": json.dumps(payload)}
    # Mandrill signs the exact webhook URL (with its basic auth) and the sorted POST fields.
    url = f"http://{SECRET}@testserver{provider.url}"
    signed = url + "".join(key + params[key] for key in sorted(params))
    key = b"guessed" if forged else MANDRILL_KEY.encode()
    digest = hmac.new(key, signed.encode(), hashlib.sha1).digest()
    return client.post(
        provider.url,
        urlencode(params),
        content_type="application/x-www-form-urlencoded",
        headers={**basic_auth(), "X-Mandrill-Signature": base64.b64encode(digest).decode()},
    )


def _unisender(provider, client, payload, forged):
    # The "auth" field is the MD5 of the body written with the API key in its place.
    with_key = json.dumps({"auth": UNISENDER_KEY, **payload})
    auth = hashlib.md5(with_key.encode()).hexdigest()  # noqa: S324 (Unisender Go's scheme)
    body = with_key.replace(UNISENDER_KEY, "0" * 32 if forged else auth)
    return client.post(provider.url, body, content_type="application/json", headers=basic_auth())


def _postal(provider, client, payload, forged):
    body = json.dumps(payload).encode()
    signed = body + b" " if forged else body
    signature = POSTAL_KEY.sign(signed, padding.PKCS1v15(), hashes.SHA1())  # noqa: S303
    return client.post(
        provider.url,
        body,
        content_type="application/json",
        headers={**basic_auth(), "X-Postal-Signature": base64.b64encode(signature).decode()},
    )


def _sendgrid(provider, client, payload, forged):
    body = json.dumps(payload).encode()
    timestamp = "1793725500"
    signed = (timestamp + ("0" if forged else "")).encode() + body
    signature = SENDGRID_KEY.sign(signed, ec.ECDSA(hashes.SHA256()))
    return client.post(
        provider.url,
        body,
        content_type="application/json",
        headers={
            **basic_auth(),
            "X-Twilio-Email-Event-Webhook-Signature": base64.b64encode(signature).decode(),
            "X-Twilio-Email-Event-Webhook-Timestamp": timestamp,
        },
    )


def _resend(provider, client, payload, forged):
    body = json.dumps(payload)
    now = datetime.now(UTC)  # svix refuses a signature more than five minutes old
    guessed = "whsec_" + base64.b64encode(b"a guessed secret, 32 bytes long").decode()
    signature = Svix(guessed if forged else RESEND_SECRET).sign("msg_2Kp0", now, body)
    return client.post(
        provider.url,
        body,
        content_type="application/json",
        headers={
            **basic_auth(),
            "svix-id": "msg_2Kp0",
            "svix-timestamp": str(int(now.timestamp())),
            "svix-signature": signature,
        },
    )


def _ses(provider, client, payload, forged):
    # Amazon SES publishes through SNS, which wraps the event as a JSON string.
    notification = {
        "Type": "Notification",
        "MessageId": "6a1d5f8c-2b1e-5d7c-9d31-0c7d5c8a3f21",
        "TopicArn": "arn:aws:sns:us-east-1:111122223333:ses-events",
        "Message": json.dumps(payload),
        "Timestamp": "2026-11-03T17:05:00.000Z",
        "SignatureVersion": "1",
    }
    headers = {
        "x-amz-sns-message-type": "Notification",
        "x-amz-sns-message-id": notification["MessageId"],
    }
    return _json(provider, client, notification, forged, headers)


def _plain(provider, client, payload, forged):
    return _json(provider, client, payload, forged)


PROVIDERS = {
    provider.esp: provider
    for provider in [
        Provider("postmark", poster=_plain),
        Provider("mailgun", {"MAILGUN_WEBHOOK_SIGNING_KEY": MAILGUN_KEY}, _mailgun),
        Provider(
            "sendgrid",
            {"SENDGRID_TRACKING_WEBHOOK_VERIFICATION_KEY": public_key_setting(SENDGRID_KEY)},
            _sendgrid,
        ),
        Provider("amazon_ses", poster=_ses),
        Provider("brevo", poster=_plain),
        Provider("mailjet", poster=_plain),
        Provider(
            "mailersend",
            {"MAILERSEND_SIGNING_SECRET": MAILERSEND_SECRET},
            _signed_body("Signature", MAILERSEND_SECRET),
        ),
        Provider("sparkpost", poster=_plain),
        Provider("resend", {"RESEND_SIGNING_SECRET": RESEND_SECRET}, _resend),
        Provider("postal", {"POSTAL_WEBHOOK_KEY": public_key_setting(POSTAL_KEY)}, _postal),
        Provider("mandrill", {"MANDRILL_WEBHOOK_KEY": MANDRILL_KEY}, _mandrill),
        Provider(
            "mailtrap",
            {"MAILTRAP_TRACKING_SECRET": MAILTRAP_SECRET},
            _signed_body("Mailtrap-Signature", MAILTRAP_SECRET),
        ),
        Provider("unisender_go", {"UNISENDER_GO_API_KEY": UNISENDER_KEY}, _unisender),
    ]
}


def configure(settings, esp: str) -> Provider:
    """Make `esp` the configured provider, with its webhook secret and signing key."""
    provider = PROVIDERS[esp]
    settings.ESP_NAME = esp
    settings.ANYMAIL = {**settings.ANYMAIL, "WEBHOOK_SECRET": SECRET, **provider.settings}
    return provider


def sent_row(audience, capture) -> Delivery:
    """One reader who has received the first step of a four-step sequence, with the
    provider's message id on the ledger."""
    make_sequence(audience)
    reader = enrolled(audience, READER, NOON)
    run_pass(capture, NOON)
    row = Delivery.objects.get(subscriber=reader)
    Delivery.objects.filter(pk=row.pk).update(esp_message_id=MESSAGE_ID)
    return row
