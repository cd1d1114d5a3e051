"""Email.message() builds the message Django builds, with shared headers parsed once."""

import email
import email.policy
from datetime import UTC, datetime

import pytest
from django.core.mail import EmailMultiAlternatives

from newsletter import emails, mime
from tests import sample_sequence

LONG_ASCII = ("Breathe in = breathe out, " * 12 + "  \n") * 3 + ".\nlast line\t \n"
NON_ASCII_LONG = "Grounding — a calmer week, “slowly” — " * 8 + "\n" + "café " * 30
GREEK = "\n".join(["Καλημέρα, μια πιο ήρεμη εβδομάδα ξεκινά σήμερα."] * 12)

BODIES = {
    "short ascii lines (7bit)": "Hi there,\n\nA calmer week.\n",
    "short lines with accents (8bit)": "Café hours change this week.\n— Jane\n",
    "long ascii lines, '=' and trailing spaces (quoted-printable)": LONG_ASCII,
    "long lines with accents (quoted-printable)": NON_ASCII_LONG,
    "mostly non-Latin text (base64)": GREEK,
}


def pair(text: str, html: str, headers: dict | None = None):
    """The same email as our Email and as Django's own EmailMultiAlternatives."""
    built = []
    for cls in (mime.Email, EmailMultiAlternatives):
        message = cls(
            "A calmer week",
            text,
            "Stillwater Counseling <hello@stillwater.example>",
            ["reader@example.com"],
            reply_to=["hello@stillwater.example"],
            headers={"Date": "Tue, 03 Nov 2026 15:00:00 +0000", **(headers or {})},
        )
        message.attach_alternative(html, "text/html")
        built.append(message)
    return built


def parsed(message, policy=email.policy.SMTP):
    return email.message_from_bytes(message.message(policy=policy).as_bytes(), policy=policy)


def comparable(msg) -> list:
    """Every part's headers (without MIME boundaries) and decoded content, in order."""
    parts = []
    for part in msg.walk():
        headers = [
            (name, value) for name, value in part.items() if not value.startswith("multipart/")
        ]
        body = None if part.is_multipart() else part.get_content()
        parts.append((part.get_content_type(), sorted(headers), body))
    return parts


@pytest.mark.parametrize(
    "policy", [email.policy.default, email.policy.SMTP], ids=["default", "smtp"]
)
@pytest.mark.parametrize("text", list(BODIES.values()), ids=list(BODIES))
def test_the_message_matches_djangos_in_headers_encodings_and_decoded_content(text, policy):
    ours, django = pair(text, f"<p>{text}</p>", {"Message-ID": "<a.1@stillwater.example>"})
    assert comparable(parsed(ours, policy)) == comparable(parsed(django, policy))


def test_a_real_step_email_round_trips_exactly_through_smtp_bytes(active_subscriber, audience):
    deliveries = sample_sequence.deliveries(sample_sequence.sequence(audience), active_subscriber)
    message = emails.message_for(deliveries[0])
    assert isinstance(message, mime.Email)
    django = EmailMultiAlternatives(
        message.subject,
        message.body,
        message.from_email,
        message.to,
        reply_to=message.reply_to,
        headers={**message.extra_headers, "Date": "Tue, 03 Nov 2026 15:00:00 +0000"},
    )
    django.attach_alternative(message.alternatives[0].content, "text/html")
    message.extra_headers["Date"] = "Tue, 03 Nov 2026 15:00:00 +0000"
    ours = parsed(message)
    assert comparable(ours) == comparable(parsed(django))
    html = ours.get_body(("html",))
    assert html["Content-Transfer-Encoding"] == "quoted-printable"
    sent = html.get_content().replace("\r\n", "\n")  # SMTP lines end in CRLF
    assert sent == message.alternatives[0].content.replace("\r\n", "\n")


def test_quoted_printable_lines_stay_within_the_rfc_2045_limit():
    ours, _ = pair(LONG_ASCII, "<p>" + "Breathe in = breathe out, " * 40 + "</p>")
    raw = ours.message(policy=email.policy.SMTP).as_bytes()
    body = raw.split(b"\r\n\r\n", 1)[1]
    assert max(len(line) for line in body.split(b"\r\n")) <= 76
    assert b"in =3D breathe" in body


def test_a_header_value_is_parsed_once_and_the_same_object_serves_every_message():
    headers = mime.SharedHeaders(email.policy.default.header_factory, size=3)
    first = headers("Subject", "A calmer week")
    assert headers("Subject", "A calmer week") is first
    assert headers("Subject", "Another week") is not first
    assert str(headers("To", "Reader <r@example.com>").addresses[0].addr_spec) == "r@example.com"


def test_the_store_of_parsed_headers_never_grows_past_its_size():
    headers = mime.SharedHeaders(email.policy.default.header_factory, size=3)
    for n in range(10):
        headers("To", f"r{n}@example.com")
    assert 1 <= len(headers.parsed) <= 3


def test_a_date_is_shared_within_its_second_and_keeps_its_value():
    headers = mime.SharedHeaders(email.policy.default.header_factory)
    first = headers("Date", datetime(2026, 11, 3, 15, 0, 0, 1, tzinfo=UTC))
    again = headers("Date", datetime(2026, 11, 3, 15, 0, 0, 999_999, tzinfo=UTC))
    assert again is first
    assert first.datetime == datetime(2026, 11, 3, 15, 0, tzinfo=UTC)
    assert headers("Date", datetime(2026, 11, 3, 15, 0, 1, tzinfo=UTC)) is not first


def test_a_header_with_a_line_break_is_still_refused():
    ours, _ = pair("Hi", "<p>Hi</p>", {"X-Note": "one\r\nBcc: someone@example.com"})
    with pytest.raises(ValueError, match="linefeed"):
        ours.message()
