"""The preferences page: first name, topics, time zone, pause and resume."""

import pytest
from django.test import Client

from newsletter.models import Audience, Subscriber
from newsletter.subscribers import data_rights, tokens


@pytest.fixture
def page(active_subscriber) -> str:
    return f"/preferences/{tokens.subscriber_link(tokens.PREFERENCES, active_subscriber)}/"


@pytest.fixture
def http() -> Client:
    return Client(enforce_csrf_checks=True)


def test_the_page_shows_the_current_choices(http, page, active_subscriber, audience):
    html = http.get(page).content.decode()
    assert active_subscriber.email in html and 'value="Ada"' in html
    assert f'value="{audience.pk}"' in html and "checked" in html


def test_saving_name_topics_and_time_zone(http, page, active_subscriber, audience):
    emdr = Audience.objects.get(slug="emdr")
    response = http.post(
        page, {"first_name": "Ada L.", "audiences": [emdr.pk], "time_zone": "Europe/Berlin"}
    )
    assert response.status_code == 200 and "Saved." in response.content.decode()
    active_subscriber.refresh_from_db()
    assert (active_subscriber.first_name, active_subscriber.time_zone) == (
        "Ada L.",
        "Europe/Berlin",
    )
    assert list(active_subscriber.audiences.all()) == [emdr]
    event = active_subscriber.consent_events.last()
    assert (event.kind, event.detail["audiences"]) == ("preferences", ["emdr"])


def test_saving_without_a_change_of_topics_records_no_consent_event(
    http, page, active_subscriber, audience
):
    before = active_subscriber.consent_events.count()
    http.post(page, {"first_name": "Ada", "audiences": [audience.pk], "time_zone": ""})
    assert active_subscriber.consent_events.count() == before


def test_topics_that_are_not_public_are_kept_when_saving(http, page, active_subscriber, audience):
    private = Audience.objects.create(name="Clients list", slug="private", is_public=False)
    active_subscriber.membership_set.create(audience=private)
    http.post(page, {"first_name": "Ada", "audiences": [audience.pk]})
    assert set(active_subscriber.audiences.all()) == {audience, private}
    assert "Clients list" not in http.get(page).content.decode()


def test_pausing_then_resuming(http, page, active_subscriber):
    paused = http.post(page, {"action": "pause", "weeks": "4"})
    assert paused.status_code == 200 and "paused until" in paused.content.decode()
    assert Subscriber.objects.get(pk=active_subscriber.pk).status == "paused"
    resumed = http.post(page, {"action": "resume"})
    assert "Pause emails for" in resumed.content.decode()
    assert Subscriber.objects.get(pk=active_subscriber.pk).status == "active"
    kinds = list(active_subscriber.consent_events.values_list("kind", flat=True))
    assert kinds[-2:] == ["paused", "resumed"]


def test_an_invalid_pause_says_so_and_changes_nothing(http, page, active_subscriber):
    response = http.post(page, {"action": "pause", "weeks": "52"})
    assert response.status_code == 400
    assert "Please choose one of the options" in response.content.decode()
    assert Subscriber.objects.get(pk=active_subscriber.pk).status == "active"


def test_a_link_scanner_opening_the_page_changes_nothing(http, page, active_subscriber):
    before = active_subscriber.consent_events.count()
    http.get(page)
    http.head(page)
    assert active_subscriber.consent_events.count() == before


def test_the_page_after_erasure_is_polite(http, page, active_subscriber):

    data_rights.erase(active_subscriber)
    response = http.get(page)
    assert response.status_code == 200 and "not on our list" in response.content.decode()
