"""Email.message() builds the message Django builds, with shared headers parsed once."""

import binascii
import email
import email.policy
import random
from datetime import UTC, datetime, timedelta, timezone

import pytest
from django.core.mail import EmailMultiAlternatives

from newsletter.mail import emails, mime
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


# Policies with a fresh header registry: the email package's own header classes, none of
# ours (newsletter.headers upgrades the registry the standard policies share).
STOCK_DEFAULT = email.policy.EmailPolicy()
STOCK_SMTP = email.policy.EmailPolicy(linesep="\r\n")
STOCK = {email.policy.default: STOCK_DEFAULT, email.policy.SMTP: STOCK_SMTP}


def parsed(message, policy=email.policy.SMTP):
    """The message built with `policy`, written out and read back by the stock parser."""
    raw = message.message(policy=policy).as_bytes()
    return email.message_from_bytes(raw, policy=STOCK.get(policy, policy))


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
    assert comparable(parsed(ours, policy)) == comparable(parsed(django, STOCK[policy]))


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
    assert comparable(ours) == comparable(parsed(django, STOCK_SMTP))
    written = message.message(policy=email.policy.SMTP).as_bytes()
    stock = django.message(policy=STOCK_SMTP).as_bytes()
    unsubscribe = (b"List-Unsubscribe:",)  # written differently on purpose: see test_emails
    assert [h for h in header_lines(written) if not h.startswith(unsubscribe)] == [
        h for h in header_lines(stock) if not h.startswith(unsubscribe)
    ]
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
    paris = datetime(2026, 11, 3, 16, 0, tzinfo=timezone(timedelta(hours=1)))  # same instant
    assert str(headers("Date", paris)) == "Tue, 03 Nov 2026 16:00:00 +0100"


def test_a_header_with_a_line_break_is_still_refused():
    ours, _ = pair("Hi", "<p>Hi</p>", {"X-Note": "one\r\nBcc: someone@example.com"})
    with pytest.raises(ValueError, match="linefeed"):
        ours.message()


ADDRESSES = ["reader@example.com", "r.o+news@mail.example.co.uk", "Ada Reader <ada@example.com>"]


def header_lines(raw: bytes) -> list[bytes]:
    head = raw.split(b"\r\n\r\n", 1)[0].replace(b"\r\n ", b" ")
    return [line for line in head.split(b"\r\n") if not line.startswith(b"Content-Type: multi")]


@pytest.mark.parametrize("to", ADDRESSES)
def test_headers_are_written_byte_for_byte_as_the_stock_email_package_writes_them(to):
    headers = {"Message-ID": "<delivery.7.1700000000@stillwater.example>"}
    ours, django = pair("Hi", "<p>Hi</p>", headers)
    ours.to = django.to = [to]
    written = ours.message(policy=email.policy.SMTP).as_bytes()
    assert header_lines(written) == header_lines(django.message(policy=STOCK_SMTP).as_bytes())
    assert email.message_from_bytes(written, policy=STOCK_SMTP)["To"].addresses[0].domain in to


def test_a_plain_address_keeps_its_parts_and_an_unusual_one_gets_the_full_parser():
    plain = email.policy.default.header_factory("To", "r.o+news@mail.example.co.uk")
    assert (plain.addresses[0].username, plain.addresses[0].domain) == (
        "r.o+news",
        "mail.example.co.uk",
    )
    quoted = email.policy.default.header_factory("To", '"r o"@example.com')
    assert quoted.addresses[0].username == "r o"
    assert not quoted.defects


def test_an_international_domain_is_still_written_in_punycode():
    ours, _ = pair("Hi", "<p>Hi</p>")
    ours.to = ["reader@bücher.example"]
    written = ours.message(policy=email.policy.SMTP).as_bytes()
    assert b"To: reader@xn--bcher-kva.example\r\n" in written


def test_a_message_id_that_is_not_plain_goes_through_the_standard_parser():
    factory = email.policy.default.header_factory
    odd = factory("Message-ID", "<not plain@example.com>")
    assert odd.defects  # the space is reported, as the email package reports it
    assert str(factory("Message-ID", "<a.1@example.com>")) == "<a.1@example.com>"


def test_bodies_encoded_line_by_line_are_the_bytes_of_encoding_the_whole_body():
    pieces = [b"a", b" ", b"\t", b"=", b".", "é".encode(), "—".encode(), b"x" * 30, b"\n", b"\n"]
    bodies = mime.FastTextBodies(size=50)  # small, so the store empties along the way
    randomly = random.Random(7)
    for _ in range(3000):
        data = b"".join(randomly.choice(pieces) for _ in range(randomly.randint(0, 90)))
        lines = data.splitlines()
        whole = binascii.b2a_qp(b"\n".join(lines) + b"\n", istext=True).decode("ascii")
        assert bodies._encode(lines) == whole
    assert len(bodies.encoded) <= 50 + 90


def test_only_lines_up_to_the_longest_kept_are_stored():
    bodies = mime.FastTextBodies(longest=100)
    lines = [b"short line", b"x" * 101]
    assert bodies._encode(lines) == binascii.b2a_qp(b"\n".join(lines) + b"\n", istext=True).decode()
    assert list(bodies.encoded) == [b"short line"]
