"""People in the workspace: finding subscribers, one person's page, its confirmed actions, and
addresses the practice never wants mailed."""

from datetime import timedelta

import pytest
from bs4 import BeautifulSoup
from django.test import Client
from django.utils import timezone

from newsletter.management import demo
from newsletter.models import Booking, Delivery, Enrollment, Subscriber, Suppression
from newsletter.subscribers import addresses, people, subscriptions
from tests.sequencing import enrolled, make_sequence, make_subscriber


@pytest.fixture
def therapist(practice) -> Client:
    password = demo.create_therapist()
    http = Client()
    http.post("/workspace/login/", {"username": "therapist", "password": password})
    return http


@pytest.fixture
def reader(audience) -> Subscriber:
    make_sequence(audience)
    return enrolled(audience, "ada@example.com", timezone.now(), time_zone="Europe/Paris")


def test_the_search_finds_people_by_address_or_first_name_and_counts_each_status(audience):
    make_subscriber(audience, "ada@example.com", first_name="Ada")
    bea = make_subscriber(audience, "bea@example.com", first_name="Bea")
    Subscriber.objects.filter(pk=bea.pk).update(status="paused")
    make_subscriber(audience, "cy@example.org")
    assert [s.email for s in people.find(people.Search(text="ada"))] == ["ada@example.com"]
    assert [s.email for s in people.find(people.Search(text="BEA"))] == ["bea@example.com"]
    search = people.Search(text="example.com")
    counts = {status: n for status, _, n in people.status_counts(search)}
    assert counts["active"] == 1 and counts["paused"] == 1 and counts["unsubscribed"] == 0
    paused = people.find(people.Search(text="example", status="paused"))
    assert [s.email for s in paused] == ["bea@example.com"]


def test_the_people_page_filters_by_audience_and_survives_nonsense_filters(therapist, audience):
    make_subscriber(audience, "ada@example.com")
    page = therapist.get("/workspace/people/", {"audience": audience.pk, "q": "ada"})
    assert page.status_code == 200 and "ada@example.com" in page.content.decode()
    odd = therapist.get("/workspace/people/", {"status": "nonsense", "audience": "x", "page": "z"})
    assert odd.status_code == 200 and "not one of the list" in odd.content.decode()


def test_a_persons_page_shows_where_they_are_and_when_the_next_email_goes_in_their_time(
    therapist, reader
):
    page = therapist.get(f"/workspace/people/{reader.pk}/").content.decode()
    assert "Has had 0 of 4 emails" in page and "Europe/Paris" in page
    assert "their time" in page and "Welcome" in page


def test_a_persons_page_shows_what_became_of_each_email_but_never_their_clicks(therapist, reader):
    step = reader.enrollments.get().sequence.steps.first()
    delivery = Delivery.objects.create(
        subscriber=reader, step=step, status="sent", event="bounced", sent_at=timezone.now()
    )
    delivery.clicks.create()
    page = therapist.get(f"/workspace/people/{reader.pk}/").content.decode()
    assert "Step 1" in page and "Bounced" in page and "click" not in page.lower()


def test_pausing_asks_how_long_in_words_and_a_pause_without_a_length_changes_nothing(
    therapist, reader
):
    question = therapist.get(f"/workspace/people/{reader.pk}/pause/").content.decode()
    assert "For how long?" in question and "8 weeks" in question
    refused = therapist.post(f"/workspace/people/{reader.pk}/pause/", {"weeks": "3"})
    assert refused.status_code == 400 and "Choose how long" in refused.content.decode()
    reader.refresh_from_db()
    assert reader.status == "active"
    done = therapist.post(f"/workspace/people/{reader.pk}/pause/", {"weeks": "4"})
    reader.refresh_from_db()
    assert done.status_code == 302 and reader.status == "paused"
    assert reader.consent_events.filter(kind="paused", channel="workspace").exists()


def test_resume_unsubscribe_and_mark_as_booked_do_what_they_say(therapist, reader):
    subscriptions.pause(reader, 2)
    therapist.post(f"/workspace/people/{reader.pk}/resume/")
    reader.refresh_from_db()
    assert reader.status == "active"
    therapist.post(f"/workspace/people/{reader.pk}/booked/")
    assert Booking.objects.filter(subscriber=reader, tool="practice").exists()
    assert reader.enrollments.get().exit_reason == Enrollment.ExitReason.BOOKED
    therapist.post(f"/workspace/people/{reader.pk}/unsubscribe/")
    reader.refresh_from_db()
    assert reader.status == "unsubscribed"


def test_an_action_the_person_is_not_in_a_state_for_is_refused_and_changes_nothing(
    therapist, reader
):
    answer = therapist.post(f"/workspace/people/{reader.pk}/resume/")
    assert answer.status_code == 400 and "nothing was changed" in answer.content.decode()
    assert therapist.post(f"/workspace/people/{reader.pk}/fly/").status_code == 400
    assert therapist.get("/workspace/people/999999/").status_code == 404


def test_downloading_gives_the_same_document_the_subscriber_would_get(therapist, reader):
    answer = therapist.post(f"/workspace/people/{reader.pk}/download/")
    assert answer["Content-Disposition"].startswith("attachment")
    assert answer.json()["profile"]["email"] == "ada@example.com"


def test_erasing_from_the_workspace_is_as_complete_as_the_subscribers_own(therapist, reader):
    step = reader.enrollments.get().sequence.steps.first()
    delivery = Delivery.objects.create(
        subscriber=reader, step=step, status="sent", sent_at=timezone.now()
    )
    delivery.clicks.create()
    therapist.post(f"/workspace/people/{reader.pk}/erase/")
    reader.refresh_from_db()
    assert reader.status == "erased" and reader.email == "" and not reader.audiences.exists()
    assert not delivery.clicks.exists()
    assert subscriptions.is_suppressed("ada@example.com")
    assert reader.consent_events.filter(kind="erased", channel="workspace").exists()


def test_a_typed_address_is_kept_only_as_its_keyed_hash_and_its_subscriber_unsubscribed(
    therapist, reader
):
    answer = therapist.post("/workspace/people/never-mail/", {"address": "ADA@example.com"})
    assert answer.status_code == 302
    row = Suppression.objects.get()
    assert row.reason == "manual" and row.address_hash == addresses.suppression_hash(
        "ada@example.com"
    )
    reader.refresh_from_db()
    assert reader.status == "unsubscribed"


def test_suppressing_refuses_a_bad_address_or_one_already_listed_next_to_the_field(therapist):
    bad = therapist.post("/workspace/people/never-mail/", {"address": "not an address"})
    assert bad.status_code == 400 and 'id="address-error"' in bad.content.decode()
    assert not Suppression.objects.exists()
    people.suppress("gone@example.com")
    again = therapist.post("/workspace/people/never-mail/", {"address": "gone@example.com"})
    assert again.status_code == 400 and "already" in again.content.decode()


def test_a_paused_persons_next_email_is_never_shown_in_the_past(reader):
    now = timezone.now()
    reader.enrollments.update(next_send_at=now - timedelta(days=3))
    [place] = people.places(reader, now)
    assert place.next_email.endswith("their time")


def test_a_paused_persons_next_email_is_said_to_wait_for_the_end_of_the_pause(reader):
    subscriptions.pause(reader, 2)
    reader.refresh_from_db()
    [place] = people.places(reader, timezone.now())
    assert place.next_email.startswith("After their pause ends")


def test_the_consent_trail_shows_the_wording_only_where_the_person_agreed_to_it(therapist, reader):
    subscriptions.record(reader, "confirmed", "email link")
    subscriptions.pause(reader, 4)
    page = BeautifulSoup(therapist.get(f"/workspace/people/{reader.pk}/").content, "html.parser")
    entries = {li.strong.text: li for li in page.select("ol.trail > li")}
    assert entries["Confirmed by email"].blockquote.text.strip()
    assert entries["Paused"].blockquote is None
    assert "for 4 weeks" in entries["Paused"].text
