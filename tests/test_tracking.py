"""The consultation redirect and the view-online page, reached over HTTP as a reader would."""

from urllib.parse import parse_qsl, urlsplit

import pytest

from newsletter.mail import emails
from newsletter.models import Click, Practice, Step
from newsletter.subscribers import data_rights, tokens
from tests import sample_sequence


@pytest.fixture
def delivery(active_subscriber, audience):
    return sample_sequence.deliveries(sample_sequence.sequence(audience), active_subscriber)[2]


def click_url(delivery) -> str:
    return f"/c/{tokens.make(tokens.CLICK, delivery.pk)}/"


def view_url(delivery) -> str:
    return f"/e/{tokens.make(tokens.VIEW_ONLINE, delivery.pk)}/"


@pytest.fixture
def frozen(time_machine):
    """Signed links carry the second they were made: compare renders made in the same one."""
    time_machine.move_to("2026-05-04 12:00:00+00:00", tick=False)


def test_a_click_keeps_the_consultation_urls_own_query_and_adds_the_campaign(client, delivery):
    Practice.objects.update(consultation_url="https://book.example/s?calendar=intro&utm_source=x")
    response = client.get(click_url(delivery))
    assert response.status_code == 302
    location = urlsplit(response["Location"])
    assert (location.scheme, location.netloc, location.path) == ("https", "book.example", "/s")
    assert parse_qsl(location.query) == [
        ("calendar", "intro"),
        ("utm_source", "newsletter"),
        ("utm_medium", "email"),
        ("utm_campaign", "understanding-change"),
        ("utm_content", "3"),
    ]
    assert Click.objects.filter(delivery=delivery).count() == 1


def test_a_step_with_its_own_call_to_action_sends_the_reader_there(client, delivery):
    delivery.step.cta_url = "https://stillwater.example/groups"
    delivery.step.save()
    response = client.get(click_url(delivery))
    assert response["Location"].startswith("https://stillwater.example/groups?utm_source=")


def test_a_link_checkers_head_request_is_redirected_but_not_counted(client, delivery):
    response = client.head(click_url(delivery))
    assert response.status_code == 302 and not Click.objects.exists()


def test_a_click_stores_nothing_about_the_device(client, delivery):
    client.get(click_url(delivery), HTTP_USER_AGENT="Phone/1.0", REMOTE_ADDR="203.0.113.9")
    fields = {f.name for f in Click._meta.get_fields()}
    assert fields == {"id", "delivery", "created_at"}


def test_the_redirect_is_never_cached_so_each_click_counts(client, delivery):
    response = client.get(click_url(delivery))
    assert "no-store" in response["Cache-Control"]


def test_view_online_shows_the_same_email_the_reader_received(client, delivery, frozen):
    response = client.get(view_url(delivery))
    assert response.status_code == 200
    assert response.content.decode() == emails.message_for(delivery).alternatives[0].content
    assert "default-src 'none'" in response["Content-Security-Policy"]
    assert "noindex" in response["X-Robots-Tag"] and "no-store" in response["Cache-Control"]


def test_view_online_after_erasure_shows_a_polite_page(client, delivery):
    data_rights.erase(delivery.subscriber)
    response = client.get(view_url(delivery))
    assert response.status_code == 410 and b"not on our list" in response.content


@pytest.mark.parametrize("path", ["/e/garbage/", "/c/garbage/", "/e/Mg:1x:abc/"])
def test_a_broken_link_gets_the_friendly_page(client, practice, path):
    response = client.get(path)
    assert response.status_code == 400 and b"This link does not work" in response.content


def test_posting_to_a_tracking_link_changes_nothing(client, delivery):
    response = client.post(click_url(delivery))
    assert response.status_code == 405 and not Click.objects.exists()


def test_the_view_online_page_of_an_email_that_cannot_be_built_is_a_calm_page(client, delivery):
    Step.objects.filter(pk=delivery.step_id).update(body="Hi %%first_name%%")
    response = client.get(view_url(delivery))
    assert response.status_code == 503
    assert "cannot be shown just now" in response.content.decode()
    assert response["Cache-Control"].startswith("max-age=0")
