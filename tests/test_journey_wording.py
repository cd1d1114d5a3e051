"""The practice's own words on the confirmation email and the journey's pages, with preview
and the shipped words whenever a wording is left empty."""

import pytest
from django.test import Client

from newsletter.mail import previews
from newsletter.models import Practice
from newsletter.subscribers import subscriptions, tokens, wording

from .settings_pages import logged_in, stored

PAGE = "/workspace/settings/words/"
OWN = {
    "confirmation_subject": "One click, and you're in",
    "confirmation_text": "Thank you for wanting to read along.",
    "thanks_text": "Nearly there: look for our email.",
    "confirmed_text": "Welcome, it is good to have you.",
    "unsubscribed_text": "Take good care.",
    "paused_text": "We will be here when you are ready.",
}


@pytest.fixture
def therapist(practice):
    return logged_in()


def test_saved_words_change_the_confirmation_email_even_after_it_was_cached(therapist):
    before = previews.confirmation_message()  # renders and caches the shipped wording
    assert before.subject.startswith("Please confirm your subscription")
    therapist.post(PAGE, {**OWN, "action": "save"})
    after = previews.confirmation_message()
    html = next(body for body, kind in after.alternatives if kind == "text/html")
    assert after.subject == "One click, and you're in"
    assert "Thank you for wanting to read along." in after.body and "Thank you for" in html
    assert "Please confirm that you would like" not in after.body
    assert "Confirm my subscription" in html  # the button always stays


def test_empty_words_fall_back_to_the_shipped_text(therapist, subscribe, audience):
    therapist.post(PAGE, {"action": "save"})
    message = previews.confirmation_message()
    assert "Please confirm that you would like to receive educational emails" in message.body
    done = Client().post("/subscribe/", {"email": "a@example.com", "consent": "yes"})
    assert wording.THANKS in done.content.decode()


def test_the_pages_show_the_practices_words(
    therapist, active_subscriber, django_capture_on_commit_callbacks
):
    Practice.objects.update(**{k: v for k, v in OWN.items() if not k.startswith("confirmation")})
    done = Client().post("/subscribe/", {"email": "b@example.com", "consent": "yes"})
    assert "Nearly there: look for our email." in done.content.decode()
    json = Client().post(
        "/subscribe/", {"email": "c@example.com", "consent": "yes"}, HTTP_ACCEPT="application/json"
    )
    assert json.json()["message"] == "Nearly there: look for our email."
    link = tokens.subscriber_link(tokens.UNSUBSCRIBE, active_subscriber)
    http = Client()
    paused = http.post(f"/unsubscribe/{link}/", {"action": "pause", "weeks": "4"})
    assert "We will be here when you are ready." in paused.content.decode()
    subscriptions.resume(active_subscriber, subscriptions.Client())
    left = http.post(f"/unsubscribe/{link}/", {"action": "unsubscribe"})
    assert "Take good care." in left.content.decode()


def test_the_confirmed_page_shows_the_practices_words(practice, subscribe, audience):
    Practice.objects.update(confirmed_text="Welcome, it is good to have you.")
    subscriber = subscribe("d@example.com")
    link = tokens.confirmation(subscriber, [audience.pk])
    page = Client().post(f"/confirm/{link}/")
    assert "Welcome, it is good to have you." in page.content.decode()


def test_the_preview_shows_the_typed_words_without_saving_them(therapist):
    before = stored()
    page = therapist.post(PAGE, {**OWN, "action": "preview"}).content.decode()
    assert stored() == before
    assert "Subject:</strong> One click, and you&#x27;re in" in page
    assert "srcdoc=" in page and "Thank you for wanting to read along." in page
    assert "Nearly there: look for our email." in page and "Take good care." in page


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("confirmation_subject", "Two\nlines", "Please keep this on one line"),
        ("confirmation_text", "Hello %%first_name%%", "without %% signs"),
        ("thanks_text", "%%unsubscribe_url%%", "without %% signs"),
        ("confirmation_subject", "x" * 201, "at most 200 characters"),
    ],
)
def test_a_bad_wording_is_refused_next_to_its_field_and_nothing_changes(
    therapist, field, value, message
):
    before = stored()
    for action in ("save", "preview"):
        answer = therapist.post(PAGE, {field: value, "action": action})
        page = answer.content.decode()
        assert answer.status_code == 400 and stored() == before
        assert f'id="id_{field}_error"' in page and message in page
