"""The therapist's workspace: its login, who may enter, and the sequences page in plain words."""

import pytest
from django.contrib.auth.models import User
from django.test import Client

from newsletter.management import demo
from newsletter.models import Enrollment, Practice, Sequence, Step
from newsletter.sequences import words
from newsletter.sequences.windows import Window


@pytest.fixture
def therapist(practice) -> Client:
    password = demo.create_therapist()
    http = Client()
    answer = http.post("/workspace/login/", {"username": "therapist", "password": password})
    assert answer.status_code == 302 and answer["Location"] == "/workspace/"
    return http


@pytest.fixture
def sequence(audience) -> Sequence:
    sequence = Sequence.objects.create(
        name="Welcome", slug="welcome", audience=audience, status="active"
    )
    Step.objects.create(sequence=sequence, position=1, subject="Welcome", body="Hi.")
    Step.objects.create(
        sequence=sequence, position=2, delay_value=2, subject="What a session is like", body="."
    )
    Step.objects.create(
        sequence=sequence, position=3, delay_value=4, subject="After a session", body="."
    )
    return sequence


def test_the_workspace_sends_strangers_to_its_own_login_page(practice):
    answer = Client().get("/workspace/")
    assert answer.status_code == 302 and answer["Location"].startswith("/workspace/login/")


def test_a_wrong_password_is_answered_next_to_the_form_and_logs_nobody_in(practice):
    demo.create_therapist()
    http = Client()
    page = http.post("/workspace/login/", {"username": "therapist", "password": "nope"})
    assert page.status_code == 200 and 'role="alert"' in page.content.decode()
    assert http.get("/workspace/").status_code == 302


def test_an_account_without_staff_access_is_told_so(practice):
    User.objects.create_user("reader", password="pw-12345678")
    http = Client()
    http.post("/workspace/login/", {"username": "reader", "password": "pw-12345678"})
    page = http.get("/workspace/")
    assert page.status_code == 403 and "cannot use the workspace" in page.content.decode()


def test_the_sequences_page_shows_each_email_as_a_day_with_its_window_and_who_waits(
    therapist, sequence, active_subscriber
):
    Enrollment.objects.filter(subscriber=active_subscriber).delete()
    Enrollment.objects.create(subscriber=active_subscriber, sequence=sequence, next_position=2)
    html = therapist.get("/workspace/").content.decode()
    assert "Day 0 (on confirming)" in html and "Day 2" in html and "Day 6" in html
    assert "weekdays, 9 am to 5 pm, in each reader&#x27;s time zone" in html
    assert "1 person waiting for it" in html and "1 person in it now" in html
    assert "0 =" not in html and "UTC" not in html


def test_send_windows_read_as_plain_words():
    assert words.window(Window.of("01234", 9, 17)).startswith("weekdays, 9 am to 5 pm")
    assert words.days(frozenset({1, 3})) == "Tuesdays and Thursdays"
    assert words.days(frozenset(range(7))) == "every day"
    assert (words.hour(0), words.hour(12), words.hour(13)) == ("midnight", "noon", "1 pm")


def test_delays_add_up_along_the_timeline(sequence):
    steps = list(sequence.steps.order_by("position"))
    steps[1].delay_value, steps[1].delay_unit = 3, "hours"
    assert words.timeline(steps) == [
        "Day 0 (on confirming)",
        "Day 0, 3 hours later",
        "Day 4 and 3 hours",
    ]


def test_the_practice_window_is_used_where_a_sequence_has_none(therapist, sequence):
    Practice.objects.update(send_days="56", send_start_hour=10, send_end_hour=14)
    assert "weekends, 10 am to 2 pm" in therapist.get("/workspace/").content.decode()
