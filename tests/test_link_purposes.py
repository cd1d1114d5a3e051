"""Links that outlive their purpose: what an email's links can do, what they say about the
list, and what a browser or proxy may keep of the pages behind them."""

import base64
import json
import re
from datetime import timedelta

import pytest
from django.core import signing
from django.test import Client
from django.utils import timezone

from newsletter.mail import emails
from newsletter.models import Delivery, Sequence, Step, Subscriber
from newsletter.subscribers import tokens

SITE = "http://127.0.0.1:8000"


@pytest.fixture
def delivery(active_subscriber, audience) -> Delivery:
    sequence = Sequence.objects.create(name="Welcome", slug="welcome", audience=audience)
    step = Step.objects.create(sequence=sequence, position=1, subject="Hello", body="Hi.")
    return Delivery.objects.create(subscriber=active_subscriber, step=step)


def email_links(delivery: Delivery) -> list[str]:
    message = emails.message_for(delivery)
    html = message.alternatives[0].content
    found = re.findall(r'href="([^"]+)"', html) + [message.extra_headers["List-Unsubscribe"]]
    return [link.removeprefix(SITE) for link in re.findall(rf"{SITE}/[^\s<>\",]+", " ".join(found))]


def payload(token: str):
    encoded = token.split(":")[0]
    return json.loads(base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4)))


def test_no_email_link_leads_within_two_clicks_to_the_data_or_to_erasure(
    delivery, active_subscriber
):
    http = Client()
    reached = []
    for link in email_links(delivery):
        page = http.get(link)
        reached.append(page)
        for href in re.findall(r'href="(/[^"]+)"', page.content.decode(errors="replace")):
            reached += [http.get(href), http.post(href, {"action": "erase"})]
    for response in reached:
        assert not response.get("Content-Type", "").startswith("application/json")
        assert "active@example.com" not in json.dumps(response.get("Content-Disposition", ""))
    assert Subscriber.objects.get(pk=active_subscriber.pk).status == "active"


def test_the_old_download_and_delete_links_only_offer_a_fresh_link(active_subscriber, outbox):
    base = f"/preferences/{tokens.subscriber_link(tokens.PREFERENCES, active_subscriber)}"
    http = Client()
    download = http.get(f"{base}/data.json")
    assert download["Content-Type"].startswith("text/html")
    assert "Email me a link for my data" in download.content.decode()
    http.post(f"{base}/delete/")
    assert Subscriber.objects.get(pk=active_subscriber.pk).status == "active"


def test_a_data_link_goes_to_the_address_and_works_once(
    active_subscriber, outbox, django_capture_on_commit_callbacks
):
    preferences = f"/preferences/{tokens.subscriber_link(tokens.PREFERENCES, active_subscriber)}/"
    http = Client()
    with django_capture_on_commit_callbacks(execute=True):
        page = http.post(preferences, {"action": "data_link"})
    assert "We have emailed a link to active@example.com" in page.content.decode()
    [message] = outbox
    assert message.to == ["active@example.com"] and "one hour" not in message.subject
    link = next(w for w in message.body.split() if "/data/" in w).removeprefix(SITE)
    assert "60 minutes, and only once" in message.body
    assert http.get(link).status_code == 200
    download = http.post(link, {"action": "download"})
    assert json.loads(download.content)["profile"]["email"] == "active@example.com"
    assert http.post(link, {"action": "download"}).status_code == 410
    assert http.post(link, {"action": "erase"}).status_code == 410
    assert Subscriber.objects.get(pk=active_subscriber.pk).status == "active"


def test_a_data_link_expires_after_an_hour(active_subscriber, time_machine):
    link = f"/data/{tokens.data_link(active_subscriber)}/"
    time_machine.move_to(timezone.now() + timedelta(minutes=61))
    page = Client().post(link, {"action": "erase"})
    assert page.status_code == 410 and "one hour, once" in page.content.decode()
    assert Subscriber.objects.get(pk=active_subscriber.pk).status == "active"


def test_a_data_link_is_emailed_at_most_once_in_five_minutes(
    active_subscriber, outbox, django_capture_on_commit_callbacks
):
    preferences = f"/preferences/{tokens.subscriber_link(tokens.PREFERENCES, active_subscriber)}/"
    http = Client()
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(5):
            http.post(preferences, {"action": "data_link"})
    assert len(outbox) == 1


def test_new_links_carry_a_random_public_id_and_no_row_id(delivery, active_subscriber):
    for link in email_links(delivery):
        match = re.match(r"/(?:unsubscribe|preferences)/([^/]+)/", link)
        if match:
            assert payload(match.group(1)) == {"p": active_subscriber.public_id}
    confirmation = payload(tokens.confirmation(active_subscriber, [1]))
    assert "s" not in confirmation and confirmation["p"] == active_subscriber.public_id
    other = Subscriber.objects.create(email="b@example.com", email_key="b@example.com")
    assert len(active_subscriber.public_id) >= 20 and other.public_id != active_subscriber.public_id


def test_links_sent_before_public_ids_keep_working(active_subscriber):
    old_unsubscribe = tokens.make(tokens.UNSUBSCRIBE, {"s": active_subscriber.pk})
    old_preferences = tokens.make(tokens.PREFERENCES, {"s": active_subscriber.pk})
    http = Client()
    page = http.get(f"/preferences/{old_preferences}/")
    assert page.status_code == 200 and "active@example.com" in page.content.decode()
    one_click = http.post(f"/unsubscribe/{old_unsubscribe}/", {"List-Unsubscribe": "One-Click"})
    assert one_click.status_code == 200
    assert Subscriber.objects.get(pk=active_subscriber.pk).status == "unsubscribed"


def test_an_old_style_link_naming_a_row_that_is_not_an_integer_is_refused(active_subscriber):
    forged = signing.dumps({"s": str(active_subscriber.pk)}, salt=tokens.UNSUBSCRIBE)
    assert Client().get(f"/unsubscribe/{forged}/").status_code == 400


def test_personal_pages_are_never_kept_by_a_browser_or_a_proxy(delivery, active_subscriber, links):
    pages = [
        f"/confirm/{links['confirm']}/",
        f"/unsubscribe/{links['unsubscribe']}/",
        f"/preferences/{links['preferences']}/",
        f"/preferences/{links['preferences']}/data.json",
        f"/data/{tokens.data_link(active_subscriber)}/",
        f"/e/{tokens.make(tokens.VIEW_ONLINE, delivery.pk)}/",
    ]
    http = Client()
    for path in pages:
        cache_control = http.get(path)["Cache-Control"]
        assert "private" in cache_control and "no-store" in cache_control, path


@pytest.mark.parametrize(
    "path", ["/subscribe/", "/admin/login/", "/confirm/not-a-token/", "/no-such-page/"]
)
def test_every_page_sends_a_content_security_policy(practice, path):
    policy = Client().get(path)["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "script-src 'self'" in policy
    assert "object-src 'none'" in policy
