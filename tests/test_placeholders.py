"""Placeholders: only known ones are saved, and each value is escaped for where it stands."""

from urllib.parse import parse_qs, urlsplit

import lxml.html
import pytest
from django.contrib.auth.models import User

from newsletter import articles
from newsletter.mail import emails, placeholders
from newsletter.models import Broadcast, Delivery, Sequence, Step

from .sequencing import make_sequence, make_subscriber

HOSTILE = 'Ada" onmouseover="alert(1)<b>&amp;'
KNOWN_NAMES = [f"%%{name}%%" for name in placeholders.KNOWN]


@pytest.fixture
def staff(client, db):
    client.force_login(User.objects.create_superuser("admin", password="pw"))
    return client


def html_of(message) -> str:
    return message.alternatives[0].content


# The rule ---------------------------------------------------------------------------


def test_an_unknown_placeholder_is_named_with_every_known_one():
    found = placeholders.problems({"body": "Hi %%first_name%%,", "subject": "Hello %%greeting%%"})
    assert list(found) == ["body"]
    assert "%%first_name%%" in found["body"]
    assert all(name in found["body"] for name in KNOWN_NAMES)


def test_near_misses_of_a_known_placeholder_are_refused_too():
    assert placeholders.unknown("%%Greeting%% %%first-name%% %%greeting%% 100% sure") == [
        "Greeting",
        "first-name",
    ]


def test_every_known_placeholder_is_a_value_each_reader_gets(active_subscriber, audience):
    sequence = make_sequence(audience)
    delivery = Delivery.objects.create(subscriber=active_subscriber, step=sequence.steps.first())
    values = emails.readers.recipient_values(delivery, None, audience.name)
    assert set(values) == set(placeholders.KNOWN)


# Saving: the admin and the article import -------------------------------------------


def step_rows(sequence, **changes) -> dict:
    step = sequence.steps.get(position=1)
    data = {
        "name": sequence.name,
        "slug": sequence.slug,
        "audience": sequence.audience_id,
        "send_days": "",
        "steps-TOTAL_FORMS": "1",
        "steps-INITIAL_FORMS": "1",
        "steps-MIN_NUM_FORMS": "0",
        "steps-MAX_NUM_FORMS": "1000",
        "steps-0-id": step.pk,
        "steps-0-sequence": sequence.pk,
        "steps-0-position": "1",
        "steps-0-delay_value": "0",
        "steps-0-delay_unit": "minutes",
        "steps-0-subject": step.subject,
        "steps-0-body": step.body,
    }
    data.update({f"steps-0-{field}": value for field, value in changes.items()})
    return data


@pytest.mark.parametrize("field", ["subject", "preview", "content_note", "body", "cta_text"])
def test_the_admin_refuses_a_step_with_an_unknown_placeholder_and_names_the_known_ones(
    staff, audience, field
):
    sequence = make_sequence(audience, delays=[(0, "minutes")])
    url = f"/admin/newsletter/sequence/{sequence.pk}/change/"
    response = staff.post(url, step_rows(sequence, **{field: "Hi %%first_name%%"}))
    assert response.status_code == 200
    page = response.content.decode()
    assert "%%first_name%% is not a placeholder" in page and "%%subscribed_on%%" in page
    assert getattr(Step.objects.get(), field) != "Hi %%first_name%%"


def test_the_admin_saves_a_step_that_uses_known_placeholders(staff, audience):
    sequence = make_sequence(audience, delays=[(0, "minutes")])
    url = f"/admin/newsletter/sequence/{sequence.pk}/change/"
    response = staff.post(url, step_rows(sequence, subject="For you, %%greeting%%"))
    assert response.status_code == 302
    assert Step.objects.get().subject == "For you, %%greeting%%"


def test_the_admin_refuses_a_broadcast_with_an_unknown_placeholder(staff, audience):
    data = {
        "slug": "spring",
        "subject": "Spring",
        "body": "Dear %%FirstName%%,",
        "audiences": [audience.pk],
    }
    response = staff.post("/admin/newsletter/broadcast/add/", data)
    assert response.status_code == 200
    assert "%%FirstName%% is not a placeholder" in response.content.decode()
    assert not Broadcast.objects.exists()


def test_an_article_carrying_an_unknown_placeholder_is_refused_and_creates_nothing(audience):
    text = "# Resting\n\nHi %%first_name%%, " + "rest is part of the work. " * 60
    with pytest.raises(articles.ArticleError) as refused:
        articles.import_article(text, audience=audience, fmt="markdown")
    assert "%%first_name%% is not a placeholder" in str(refused.value)
    assert "%%greeting%%" in str(refused.value)
    assert not Sequence.objects.exists()


# Filling: each value escaped for where it stands ------------------------------------


@pytest.fixture
def hostile_delivery(audience) -> Delivery:
    sequence = make_sequence(audience, delays=[(0, "minutes")])
    Step.objects.update(
        subject="A note for %%greeting%%",
        preview="Hello %%greeting%%, from %%audience%%",
        content_note="Read when ready, %%greeting%%.",
        body=(
            "Dear %%greeting%%, here is "
            '[your page](https://stillwater.example/p?name=%%greeting%% "For %%greeting%%").\n\n'
            "[Book a time](%%cta_url%%)"
        ),
        cta_text="Talk with us, %%greeting%%",
    )
    reader = make_subscriber(audience, "hostile@example.com", first_name=HOSTILE)
    return Delivery.objects.create(subscriber=reader, step=sequence.steps.get())


def test_a_hostile_first_name_cannot_break_out_of_any_attribute(hostile_delivery):
    tree = lxml.html.fromstring(html_of(emails.message_for(hostile_delivery)))
    assert not tree.xpath("//*[@onmouseover]") and not tree.xpath("//b")
    link = tree.xpath("//a[starts-with(@href, 'https://stillwater.example/p')]")[0]
    assert parse_qs(urlsplit(link.get("href")).query)["name"] == [HOSTILE]
    assert link.get("title") == f"For {HOSTILE}"


def test_a_hostile_first_name_reads_as_written_in_html_text(hostile_delivery):
    html = html_of(emails.message_for(hostile_delivery))
    tree = lxml.html.fromstring(html)
    text = tree.text_content()
    assert f"Dear {HOSTILE}, here is" in text and f"Talk with us, {HOSTILE}" in text
    assert f"Read when ready, {HOSTILE}." in text and f"Hello {HOSTILE}, from" in text
    assert "Ada&quot; onmouseover=&quot;alert(1)&lt;b&gt;&amp;amp;" in html


def test_the_plain_text_part_and_the_subject_carry_the_name_as_is(hostile_delivery):
    message = emails.message_for(hostile_delivery)
    assert message.subject == f"A note for {HOSTILE}"
    assert f"Dear {HOSTILE}, here is" in message.body
    assert "&quot;" not in message.body and "&lt;" not in message.body


def test_a_link_written_out_in_the_plain_text_carries_the_name_url_quoted(hostile_delivery):
    body = emails.message_for(hostile_delivery).body
    written = body.split("your page (", 1)[1].split(")", 1)[0]
    assert " " not in written and parse_qs(urlsplit(written).query)["name"] == [HOSTILE]


def test_known_placeholders_fill_the_subject_and_preview_like_the_body(hostile_delivery, audience):
    message = emails.message_for(hostile_delivery)
    assert "%%" not in message.subject and "%%" not in html_of(message)
    preheader = lxml.html.fromstring(html_of(message)).xpath("//div[@class='preheader']")[0]
    assert preheader.text_content().startswith(f"Hello {HOSTILE}, from {audience.name}")


def test_a_link_placeholder_in_the_body_is_the_readers_own_link(hostile_delivery):
    message = emails.message_for(hostile_delivery)
    hrefs = lxml.html.fromstring(html_of(message)).xpath("//a[text()='Book a time']/@href")
    click = lxml.html.fromstring(html_of(message)).xpath("//a[@class='button']/@href")
    assert hrefs == click and hrefs[0].startswith("http") and "/c/" in hrefs[0]


def test_a_batch_send_escapes_each_merge_value_as_a_single_send_does(hostile_delivery, settings):
    settings.MAILERS = {"default": {"BACKEND": "anymail.backends.test.EmailBackend"}}
    batch = emails.batch_message([hostile_delivery])
    single = emails.message_for(hostile_delivery)
    merged = html_of(batch)
    subject = batch.subject
    for slot, value in batch.merge_data[hostile_delivery.subscriber.email].items():
        merged = merged.replace(f"%%{slot}%%", value)
        subject = subject.replace(f"%%{slot}%%", value)
    assert merged == html_of(single) and subject == single.subject
