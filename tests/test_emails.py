"""The email funnel: what every marketing email carries, and how it is rendered and cached."""

import email
import email.policy
import re
import socket

import pytest
from django.core import mail
from django.test import override_settings

from newsletter.mail import emails, readers, rendering
from newsletter.models import Membership, Practice
from newsletter.subscribers import subscriptions
from tests import sample_sequence

SMTP = {"default": {"BACKEND": "django.core.mail.backends.smtp.EmailBackend"}}


@pytest.fixture
def steps(active_subscriber, audience):
    return sample_sequence.deliveries(sample_sequence.sequence(audience), active_subscriber)


def html_of(message) -> str:
    return message.alternatives[0].content


def links(html: str) -> list[str]:
    return re.findall(r'href="([^"]*)"', html)


@pytest.fixture
def frozen(time_machine):
    """Signed links carry the second they were made: compare renders made in the same one."""
    time_machine.move_to("2026-05-04 12:00:00+00:00", tick=False)


def test_a_step_email_has_text_and_html_parts_and_every_list_header(steps, settings):
    settings.SITE_URL = "https://news.stillwater.example"
    message = emails.message_for(steps[0])
    assert message.from_email == "Stillwater Counseling <hello@stillwater.example>"
    assert message.reply_to == ["hello@stillwater.example"]
    assert message.body.startswith("Hi Ada,") and "<html" in html_of(message)
    headers = message.extra_headers
    unsubscribe, mailto = headers["List-Unsubscribe"].split(", ")
    assert re.fullmatch(r"<https://news\.stillwater\.example/unsubscribe/[^>]+/>", unsubscribe)
    assert mailto.startswith("<mailto:hello@stillwater.example?subject=unsubscribe")
    assert headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert headers["List-Id"].endswith(".news.stillwater.example>")
    assert headers["Message-ID"].endswith("@news.stillwater.example>")
    assert message.metadata == {"delivery_id": str(steps[0].pk)}


def test_the_footer_says_why_the_reader_gets_it_and_how_to_leave(steps, audience, frozen):
    membership = Membership.objects.get(subscriber=steps[0].subscriber, audience=audience)
    Membership.objects.filter(pk=membership.pk).update(joined_at="2026-03-04T12:00:00Z")
    message = emails.message_for(steps[0])
    for part in (message.body, html_of(message)):
        assert "subscribed to Ketamine-assisted therapy from Stillwater Counseling" in part
        assert "March 4, 2026" in part
        assert "Portland, OR 97201" in part
        assert "call or text 988" in part and "not watched for emergencies" in part
    values = readers.recipient_values(steps[0], None, "")
    hrefs = links(html_of(message))
    for name in ("unsubscribe_url", "preferences_url", "view_online_url", "cta_url"):
        assert values[name] in hrefs
        assert values[name] in message.body


def test_the_practice_can_reword_the_crisis_note_and_the_next_email_carries_it(steps):
    before = emails.message_for(steps[0])
    Practice.objects.update(crisis_note="In the UK, call 999 or Samaritans on 116 123.")
    after = emails.message_for(steps[0])
    assert "988" in before.body and "988" not in after.body
    assert "Samaritans on 116 123" in after.body and "Samaritans on 116 123" in html_of(after)


def test_the_signature_comes_from_the_practice_settings(steps):
    assert "Dr. Jane Rivera, PhD, LMFT" in emails.message_for(steps[0]).body
    Practice.objects.update(signature="With care,\n\n**Sam Lee**, LCSW")
    message = emails.message_for(steps[0])
    assert "Sam Lee" in message.body and "<strong>Sam Lee</strong>" in html_of(message)
    assert "Jane Rivera" not in message.body


def test_a_content_note_opens_the_email_only_when_the_step_has_one(steps):
    noted, plain = emails.message_for(steps[1]), emails.message_for(steps[0])
    assert noted.body.startswith("Content note: This email mentions difficult")
    assert "Content note:" in html_of(noted) and "Content note" not in html_of(plain)


def test_the_preview_line_is_hidden_text_at_the_top_of_the_html(steps):
    html = html_of(emails.message_for(steps[0]))
    preheader = re.search(r'<div class="preheader" style="([^"]*)">([^<]*)', html)
    assert "display:none" in preheader.group(1) and "mso-hide:all" in preheader.group(1)
    assert preheader.group(2).startswith("A short note about what is coming")


def test_a_reader_without_a_first_name_is_greeted_as_there(steps):
    subscriber = steps[0].subscriber
    subscriber.first_name = "  "
    subscriber.save()
    message = emails.message_for(steps[0])
    assert message.body.startswith("Hi there,") and "Hi there," in html_of(message)


def test_a_first_name_is_escaped_in_html_and_kept_as_written_in_text(steps):
    subscriber = steps[0].subscriber
    subscriber.first_name = "Tom & <Jerry>"
    subscriber.save()
    message = emails.message_for(steps[0])
    assert message.body.startswith("Hi Tom & <Jerry>,")
    assert "Hi Tom &amp; &lt;Jerry&gt;," in html_of(message)


def test_links_in_the_body_are_written_out_in_the_text_part(steps):
    body = emails.message_for(steps[1]).body
    assert "article this series is based on (https://stillwater.example/articles/insight)" in body
    assert "* Insight can tell you why a reaction happens." in body


def test_markdown_is_sanitised_no_script_no_handlers_no_remote_images(steps):
    step = steps[0].step
    step.body = (
        'Hello <script>alert(1)</script><a href="javascript:alert(2)" onclick="x()">x</a>'
        ' ![pixel](https://tracker.example/p.gif) <img src="https://tracker.example/i.gif">'
    )
    step.version += 1
    step.save()
    html = html_of(emails.message_for(steps[0]))
    assert "<script" not in html and "alert" not in html and "onclick" not in html
    assert "tracker.example" not in html and "<img" not in html


def test_no_placeholder_is_left_and_links_survive_css_inlining_exactly(steps):
    for delivery in steps:
        message = emails.message_for(delivery)
        assert "%%" not in message.body and "%%" not in html_of(message)
        for href in links(html_of(message)):
            assert " " not in href and "%7B" not in href and "%25" not in href


def test_a_step_is_rendered_and_inlined_once_for_all_its_readers(
    steps, subscribe, audience, monkeypatch
):
    other = subscribe("second@example.com", first_name="Bea")
    subscriptions.confirm(other.pk, [audience.pk], subscriptions.Client())
    second = steps[2].step.deliveries.create(subscriber=other)
    calls = []
    original = rendering.inline
    monkeypatch.setattr(rendering, "inline", lambda html: calls.append(1) or original(html))
    rendering.clear_local_cache()
    first_body = emails.message_for(steps[2]).body
    second_body = emails.message_for(second).body
    assert len(calls) == 1
    assert first_body.startswith("Hi Ada,") and second_body.startswith("Hi Bea,")
    rendering.clear_local_cache()
    emails.message_for(second)
    assert len(calls) == 1, "a fresh worker process takes the rendering from the shared cache"


def test_an_edited_step_is_rendered_again_with_its_new_words(steps):
    assert "Thank you for confirming" in emails.message_for(steps[0]).body
    step = steps[0].step
    step.body, step.version = "A rewritten welcome.", step.version + 1
    step.save()
    body = emails.message_for(steps[0]).body
    assert "A rewritten welcome." in body and "Thank you for confirming" not in body


def test_the_message_id_is_on_the_site_domain_and_stable_for_a_ledger_row(steps):
    first = emails.message_for(steps[0]).extra_headers["Message-ID"]
    assert first == emails.message_for(steps[0]).extra_headers["Message-ID"]
    assert first != emails.message_for(steps[1]).extra_headers["Message-ID"]


def test_list_unsubscribe_stays_readable_when_written_out_for_smtp(steps):
    message = emails.message_for(steps[0])
    raw = message.message(policy=email.policy.SMTP).as_bytes()
    assert b"=?utf-8?" not in raw.split(b"\r\n\r\n", 1)[0]
    parsed = email.message_from_bytes(raw, policy=email.policy.default)
    assert str(parsed["List-Unsubscribe"]) == message.extra_headers["List-Unsubscribe"]


def test_a_broadcast_goes_through_the_same_funnel(active_subscriber, audience):
    broadcast = sample_sequence.broadcast([audience])
    delivery = broadcast.deliveries.create(subscriber=active_subscriber)
    message = emails.message_for(delivery)
    assert message.subject == "A letter for the change of season"
    assert "subscribed to Ketamine-assisted therapy" in message.body
    assert "Book a free consultation: http" in message.body


def test_the_message_is_sent_through_anymail_with_its_delivery_id(steps, outbox, settings):
    settings.MAILERS = {"default": {"BACKEND": "anymail.backends.test.EmailBackend"}}
    emails.message_for(steps[0]).send()
    assert len(mail.outbox) == 1
    assert mail.outbox[0].anymail_test_params["metadata"] == {"delivery_id": str(steps[0].pk)}


def test_a_rendered_email_stays_well_under_gmails_clipping_size(steps):
    for delivery in steps:
        assert len(html_of(emails.message_for(delivery)).encode()) < 102 * 1024


def test_build_renders_any_email_template_with_a_plain_context(practice, active_subscriber):
    message = emails.build(
        "confirmation",
        {"greeting": "Ada", "greeting_html": "Ada", "confirm_url": "https://x.example/c/1/"},
        to="ada@example.com",
        headers={"X-Test": "1"},
    )
    assert message.to == ["ada@example.com"] and message.extra_headers["X-Test"] == "1"
    assert "https://x.example/c/1/" in links(html_of(message))


def test_the_confirmation_email_uses_the_same_calm_template_without_a_sales_pitch(
    subscribe, outbox
):
    subscribe("new@example.com")
    message = mail.outbox[-1]
    html = html_of(message)
    assert message.body.startswith("Hello,") and "Hello," in html
    assert "Confirm my subscription" in html and 'class="card"' in html
    assert "Portland, OR 97201" in message.body and "988" in html
    assert "consultation" not in message.body.lower() and "/c/" not in html


@override_settings(MAILERS=SMTP)
def test_a_transport_that_cannot_merge_is_refused_a_batch(steps):
    assert emails.merge_field_format() is None
    with pytest.raises(emails.BatchUnsupported):
        emails.batch_message(steps[:1])


def test_a_subject_is_sent_as_written_never_html_escaped(steps):
    step = steps[0].step
    step.subject, step.version = 'Rest & "small steps"', step.version + 1
    step.save()
    Practice.objects.update(name="Rivera & Co")
    assert emails.message_for(steps[0]).subject == 'Rest & "small steps"'
    confirmation = emails.confirmation(steps[0].subscriber, [])
    assert confirmation.subject == "Please confirm your subscription to Rivera & Co"


def test_an_unreachable_shared_cache_slows_rendering_but_never_stops_it(steps):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        dead = f"redis://127.0.0.1:{probe.getsockname()[1]}/0"
    rendering.clear_local_cache()
    backend = "django.core.cache.backends.redis.RedisCache"
    with override_settings(CACHES={"default": {"BACKEND": backend, "LOCATION": dead}}):
        message = emails.message_for(steps[3])
    assert message.body.startswith("Hi Ada,") and "integration" in message.body


def test_the_subscription_date_is_the_one_the_readers_calendar_showed(steps, audience):
    subscriber = steps[0].subscriber
    Membership.objects.filter(subscriber=subscriber).update(joined_at="2026-03-05T03:00:00Z")
    assert "on March 4, 2026" in emails.message_for(steps[0]).body  # practice: New York
    subscriber.time_zone = "Asia/Tokyo"
    subscriber.save()
    assert "on March 5, 2026" in emails.message_for(steps[0]).body
