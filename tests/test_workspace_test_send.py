"""'Send me a test': the email as typed, to the staff user, with links that change nothing."""

import re

import pytest
from django.contrib.auth.models import User
from django.test import Client

from newsletter.management import demo
from newsletter.models import Delivery, Practice, Sequence, Step, Subscriber

pytestmark = pytest.mark.django_db


@pytest.fixture
def therapist(practice) -> Client:
    password = demo.create_therapist()
    User.objects.filter(username="therapist").update(email="therapist@practice.example")
    http = Client()
    http.post("/workspace/login/", {"username": "therapist", "password": password})
    return http


@pytest.fixture
def step(audience) -> Step:
    sequence = Sequence.objects.create(name="W", slug="w", audience=audience, status="active")
    return Step.objects.create(sequence=sequence, position=1, subject="Welcome", body="Hello.")


def typed(**changes) -> dict:
    values = {"subject": "Welcome back", "body": "Hi %%greeting%%, typed words."}
    return {**values, "delay_value": "0", "delay_unit": "days", **changes}


def test_a_test_goes_to_the_staff_user_marked_and_leaves_no_ledger_row(therapist, step, outbox):
    answer = therapist.post(f"/workspace/steps/{step.pk}/test/", typed(), HTTP_HX_REQUEST="true")
    assert "A test is on its way to therapist@practice.example" in answer.content.decode()
    (message,) = outbox
    assert message.to == ["therapist@practice.example"]
    assert message.subject == "[Test] Welcome back" and "Hi Alex, typed words." in message.body
    assert not Delivery.objects.exists() and Step.objects.get(pk=step.pk).body == "Hello."


def test_a_test_as_a_real_subscriber_uses_their_name_and_changes_nothing_for_them(
    therapist, step, outbox, active_subscriber
):
    outbox.clear()  # the confirmation email of the subscriber
    data = typed(preview_as=active_subscriber.email, body="%%greeting%% %%unsubscribe_url%%")
    therapist.post(f"/workspace/steps/{step.pk}/test/", data, HTTP_HX_REQUEST="true")
    (message,) = outbox
    assert f"{active_subscriber.first_name} http" in message.body
    unsubscribe = re.search(r"<(http[^>]+)>", message.extra_headers["List-Unsubscribe"])[1]
    path = unsubscribe.split("://", 1)[1].split("/", 1)[1]
    public = Client()
    page = public.get("/" + path)
    assert "This was a test email: nothing has changed" in page.content.decode()
    one_click = public.post("/" + path, {"List-Unsubscribe": "One-Click"})
    assert one_click.content.decode() == "This was a test email: nothing has changed."
    assert public.post("/" + path, {"action": "unsubscribe"}).status_code == 200
    assert Subscriber.objects.get(pk=active_subscriber.pk).status == "active"
    assert not Delivery.objects.exists()


def test_every_link_of_a_test_answers_calmly(therapist, step, outbox):
    body = "%%preferences_url%% %%view_online_url%% %%cta_url%%"
    therapist.post(f"/workspace/steps/{step.pk}/test/", typed(body=body), HTTP_HX_REQUEST="true")
    preferences, online, consultation = re.findall(r"https?://\S+", outbox[0].body)[:3]
    for link in (preferences, online):
        page = Client().get("/" + link.split("://", 1)[1].split("/", 1)[1])
        assert "This was a test email" in page.content.decode()
    assert consultation == Practice.get().consultation_url


def test_a_user_without_an_address_is_told_where_to_add_one(practice, step, outbox):
    password = demo.create_therapist()
    http = Client()
    http.post("/workspace/login/", {"username": "therapist", "password": password})
    answer = http.post(f"/workspace/steps/{step.pk}/test/", typed(), HTTP_HX_REQUEST="true")
    assert "your account has no email address" in answer.content.decode()
    assert outbox == []
    page = http.post(f"/workspace/steps/{step.pk}/test/", typed())
    assert page.status_code == 400 and 'id="my-address"' in page.content.decode()
    http.post("/workspace/me/address/", {"email": "me@practice.example", "next": "/workspace/"})
    assert User.objects.get(username="therapist").email == "me@practice.example"


def test_a_test_with_an_unknown_placeholder_is_not_sent(therapist, step, outbox):
    answer = therapist.post(
        f"/workspace/steps/{step.pk}/test/", typed(body="%%nope%%"), HTTP_HX_REQUEST="true"
    )
    assert "The test was not sent" in answer.content.decode() and outbox == []
