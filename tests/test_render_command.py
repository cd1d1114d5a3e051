"""`manage.py render_email`: the exact MIME message a reader would be sent, on stdout."""

import email
import io
from email import policy

import pytest
from django.core.management import ManagementUtility, call_command

from newsletter.mail import emails
from tests import sample_sequence


class BinaryStdout(io.TextIOWrapper):
    def __init__(self):
        super().__init__(io.BytesIO(), encoding="utf-8")

    def raw_bytes(self) -> bytes:
        self.flush()
        return self.buffer.getvalue()


def render(*args) -> tuple[bytes, email.message.EmailMessage]:
    out = BinaryStdout()
    call_command("render_email", *args, stdout=out)
    raw = out.raw_bytes()
    return raw, email.message_from_bytes(raw, policy=policy.default)


def unix(text: str) -> str:
    return text.replace("\r\n", "\n")


@pytest.fixture
def sequence(audience):
    return sample_sequence.sequence(audience)


@pytest.fixture
def frozen(time_machine):
    """Signed links carry the second they were made: compare renders made in the same one."""
    time_machine.move_to("2026-05-04 12:00:00+00:00", tick=False)


def test_a_step_renders_for_a_made_up_reader_when_no_address_is_given(sequence):
    raw, parsed = render("--sequence", sequence.slug, "--step", "2")
    assert b"\r\nSubject: When understanding is not enough\r\n" in raw
    assert parsed["Subject"] == "When understanding is not enough"
    assert parsed["To"] == "reader@example.com"
    assert parsed["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    text = parsed.get_body(("plain",)).get_content()
    html = parsed.get_body(("html",)).get_content()
    assert text.startswith("Content note:") and "Hi Alex," in text and "Hi Alex," in html


def test_a_step_renders_byte_for_byte_as_sent_to_a_real_subscriber(
    sequence, active_subscriber, frozen
):
    delivery = sample_sequence.deliveries(sequence, active_subscriber)[0]
    raw, parsed = render(
        "--sequence", sequence.slug, "--step", "1", "--email", "ACTIVE@example.com"
    )
    expected = emails.message_for(delivery)
    assert parsed["To"] == "active@example.com"
    assert parsed["Message-ID"] == expected.extra_headers["Message-ID"]
    assert parsed["List-Unsubscribe"] == expected.extra_headers["List-Unsubscribe"]
    assert unix(parsed.get_body(("plain",)).get_content()) == expected.body
    assert unix(parsed.get_body(("html",)).get_content()) == expected.alternatives[0].content


def test_the_confirmation_email_renders_too(practice, active_subscriber):
    _, parsed = render("--confirmation", "--email", active_subscriber.email)
    assert parsed["Subject"] == "Please confirm your subscription to Stillwater Counseling"
    assert "/confirm/" in parsed.get_body(("plain",)).get_content()


def test_a_broadcast_renders_by_its_slug(audience):
    sample_sequence.broadcast([audience])
    _, parsed = render("--broadcast", "spring-letter")
    assert parsed["Subject"] == "A letter for the change of season"


@pytest.mark.parametrize(
    "args, line",
    [
        (["--sequence", "nope", "--step", "1"], "No sequence with the slug 'nope'."),
        (["--sequence", "understanding-change", "--step", "9"], "has no step at position 9."),
        (["--sequence", "understanding-change"], "Say which step with --step POSITION."),
        (["--confirmation", "--email", "who@example.com"], "No subscriber with the address"),
    ],
)
def test_an_unknown_sequence_step_or_reader_exits_1_with_one_clear_line(
    sequence, capsys, args, line
):
    with pytest.raises(SystemExit) as exit:
        ManagementUtility(["manage.py", "render_email", *args]).execute()
    assert exit.value.code == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert line in captured.err and captured.err.count("\n") == 1
