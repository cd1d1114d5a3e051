"""The workspace's email editor: live preview, refusals, drafts, versions and live-edit counts."""

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone

from newsletter.management import demo
from newsletter.models import Broadcast, ContentVersion, Delivery, Enrollment, Sequence, Step
from newsletter.sequences import consequences, drafts

pytestmark = pytest.mark.django_db


def log_in() -> Client:
    password = demo.create_therapist()
    http = Client()
    http.post("/workspace/login/", {"username": "therapist", "password": password})
    return http


@pytest.fixture
def therapist(practice) -> Client:
    return log_in()


@pytest.fixture
def sequence(audience) -> Sequence:
    sequence = Sequence.objects.create(name="Welcome", slug="welcome", audience=audience)
    for position, subject in enumerate(["Welcome", "What a session is like", "After"], 1):
        Step.objects.create(
            sequence=sequence, position=position, delay_value=2, subject=subject, body="Hello."
        )
    return sequence


def form(**changes) -> dict:
    values = {"subject": "Welcome", "preview": "", "content_note": "", "body": "Hello."}
    values |= {"cta_text": "", "cta_url": "", "delay_value": "2", "delay_unit": "days"}
    return {**values, **changes}


def people_at(sequence, *positions, subscribers) -> None:
    for subscriber, position in zip(subscribers, positions, strict=True):
        Enrollment.objects.create(subscriber=subscriber, sequence=sequence, next_position=position)


@pytest.fixture
def readers(subscribe, audience, django_capture_on_commit_callbacks):
    from newsletter.subscribers import subscriptions

    made = []
    for n in range(4):
        subscriber = subscribe(f"reader{n}@example.com")
        subscriptions.confirm(subscriber.pk, [audience.pk], subscriptions.Client())
        made.append(subscriber)
    Enrollment.objects.filter(subscriber__in=made).delete()
    return made


def test_the_preview_shows_the_typed_words_unsaved(therapist, sequence):
    step = sequence.steps.get(position=1)
    page = therapist.post(f"/workspace/steps/{step.pk}/preview/", form(body="Typed just now"))
    html = page.content.decode()
    assert page.status_code == 200 and "Typed just now" in html
    assert 'title="Desktop preview' in html and 'title="Phone preview' in html
    assert "color-scheme:dark" in html and "Plain text" in html
    assert Step.objects.get(pk=step.pk).body == "Hello."


def test_lock_screen_words_and_images_are_named_beside_their_fields(therapist, sequence):
    step = sequence.steps.get(position=1)
    typed = form(subject="About trauma", body="Look: ![a tree](https://x.example/t.png)")
    html = therapist.post(f"/workspace/steps/{step.pk}/preview/", typed).content.decode()
    assert 'id="subject-notes"' in html and "“trauma” may be read on a lock screen" in html
    assert "Images are not sent" in html


def test_an_unknown_placeholder_is_refused_beside_its_field_and_nothing_changes(
    therapist, sequence
):
    step = sequence.steps.get(position=1)
    page = therapist.post(f"/workspace/steps/{step.pk}/", form(body="Hi %%first_name%%"))
    assert page.status_code == 400
    assert "%%first_name%% is not a placeholder" in page.content.decode()
    assert Step.objects.get(pk=step.pk).body == "Hello." and not ContentVersion.objects.exists()


def test_saving_a_draft_sequence_needs_no_confirmation_and_keeps_a_version(therapist, sequence):
    step = sequence.steps.get(position=1)
    answer = therapist.post(f"/workspace/steps/{step.pk}/", form(body="New words"))
    assert answer.status_code == 302
    assert Step.objects.get(pk=step.pk).body == "New words"
    newest = drafts.versions(step).first()
    assert newest.fields["body"] == "New words" and newest.saved_by.username == "therapist"


def test_a_live_edit_says_who_it_reaches_and_saves_only_when_confirmed(
    therapist, sequence, readers
):
    sequence.status = "active"
    sequence.save()
    step = sequence.steps.get(position=2)
    people_at(sequence, 1, 2, 3, 3, subscribers=readers)
    Delivery.objects.create(subscriber=readers[2], step=step, status="sent")
    Delivery.objects.create(subscriber=readers[3], step=step, status="sent")
    page = therapist.post(f"/workspace/steps/{step.pk}/", form(body="Changed"))
    html = page.content.decode()
    sentence = "This edit reaches the 2 people who have not yet received this email; "
    assert sentence + "the 2 who have are not sent it again." in html
    assert "Save and reach 2 people" in html
    assert Step.objects.get(pk=step.pk).body == "Hello."
    saved = therapist.post(f"/workspace/steps/{step.pk}/", form(body="Changed", confirmed="2"))
    assert saved.status_code == 302 and Step.objects.get(pk=step.pk).body == "Changed"


def test_a_confirmation_for_an_out_of_date_count_is_asked_again(therapist, sequence, readers):
    sequence.status = "active"
    sequence.save()
    step = sequence.steps.get(position=2)
    people_at(sequence, 1, subscribers=readers[:1])
    page = therapist.post(f"/workspace/steps/{step.pk}/", form(body="Changed", confirmed="7"))
    assert "Save and reach 1 person" in page.content.decode()
    assert Step.objects.get(pk=step.pk).body == "Hello."


def test_a_changed_delay_reschedules_as_many_as_the_sentence_says(sequence, readers):
    sequence.status = "active"
    sequence.save()
    step = sequence.steps.get(position=2)
    people_at(sequence, 2, 2, 3, subscribers=readers[:3])
    said = consequences.content(step, delay_changed=True)
    assert "The new delay reschedules the 2 people waiting for it." in said.sentence
    before = dict(Enrollment.objects.values_list("pk", "next_send_at"))
    drafts.save(step, {"delay_value": 5, "delay_unit": "days"}, None, timezone.now())
    after = dict(Enrollment.objects.values_list("pk", "next_send_at"))
    assert sum(before[pk] != after[pk] for pk in before) == 2


def test_a_removal_is_confirmed_in_words_and_moves_as_many_as_it_says(therapist, sequence, readers):
    sequence.status = "active"
    sequence.save()
    step = sequence.steps.get(position=2)
    people_at(sequence, 2, 2, 1, subscribers=readers[:3])
    url = f"/workspace/sequences/{sequence.pk}/"
    html = therapist.post(url, {"step": step.pk, "action": "remove"}).content.decode()
    assert "moves the 2 people waiting for it on to the next email" in html
    assert "Remove it and move 2 people on" in html
    assert not Step.objects.get(pk=step.pk).removed
    therapist.post(url, {"step": step.pk, "action": "remove", "confirmed": "2"})
    assert Step.objects.get(pk=step.pk).removed
    assert Enrollment.objects.filter(next_position=3).count() == 2


def test_moving_an_email_swaps_it_and_nobody_waits_for_one_they_have(therapist, sequence, readers):
    sequence.status = "active"
    sequence.save()
    first, second = sequence.steps.get(position=1), sequence.steps.get(position=2)
    people_at(sequence, 1, 2, 3, subscribers=readers[:3])
    url = f"/workspace/sequences/{sequence.pk}/"
    html = therapist.post(url, {"step": first.pk, "action": "down"}).content.decode()
    assert "changes the order for the 2 people" in html and "Move it for 2 people" in html
    therapist.post(url, {"step": first.pk, "action": "down", "confirmed": "2"})
    assert Step.objects.get(pk=first.pk).position == 2
    assert Step.objects.get(pk=second.pk).position == 1
    waiting = Enrollment.objects.filter(subscriber__in=readers[:2])
    assert set(waiting.values_list("next_position", flat=True)) == {1}


def test_adding_an_email_to_a_live_sequence_says_who_gets_it(therapist, sequence, readers):
    sequence.status = "active"
    sequence.save()
    people_at(sequence, 1, 2, 3, subscribers=readers[:3])
    url = f"/workspace/sequences/{sequence.pk}/new/?position=3"
    html = therapist.post(url, form(subject="A new one")).content.decode()
    assert "This new email reaches the 3 people who have not yet passed this point" in html
    assert sequence.steps.count() == 3
    answer = therapist.post(url, form(subject="A new one", confirmed="3"))
    assert answer.status_code == 302
    assert sequence.steps.get(position=3, removed=False).subject == "A new one"
    assert sequence.steps.get(position=4).subject == "After"


def test_bad_ids_and_bad_posts_are_answered_calmly(therapist, sequence):
    assert therapist.get("/workspace/steps/999/").status_code == 404
    assert therapist.post("/workspace/steps/999/preview/", {}).status_code == 404
    assert therapist.get("/workspace/broadcasts/999/edit/").status_code == 404
    url = f"/workspace/sequences/{sequence.pk}/"
    assert therapist.post(url, {"step": "x", "action": "remove"}).status_code == 400
    step = sequence.steps.get(position=1)
    assert therapist.post(f"/workspace/steps/{step.pk}/", {}).status_code == 400
    assert therapist.post(f"/workspace/steps/{step.pk}/preview/", {}).status_code == 200
    versions = f"/workspace/steps/{step.pk}/versions/"
    assert therapist.post(versions, {"version": "nope"}).status_code == 404


def test_a_typed_draft_survives_a_new_session_and_reaches_nobody(therapist, sequence):
    step = sequence.steps.get(position=1)
    therapist.post(f"/workspace/steps/{step.pk}/autosave/", form(body="Half a thought"))
    again = log_in_again()
    html = again.get(f"/workspace/steps/{step.pk}/").content.decode()
    assert "Half a thought" in html and "Your unsaved changes from" in html
    assert Step.objects.get(pk=step.pk).body == "Hello."


def log_in_again() -> Client:
    user = User.objects.get(username="therapist")
    user.set_password("another-pass-123")
    user.save()
    http = Client()
    http.post("/workspace/login/", {"username": "therapist", "password": "another-pass-123"})
    return http


def test_restoring_a_version_loads_it_as_a_draft_to_be_saved(therapist, sequence):
    step = sequence.steps.get(position=1)
    therapist.post(f"/workspace/steps/{step.pk}/", form(body="Second words"))
    original = drafts.versions(step).get(fields__body="Hello.")
    page = therapist.post(f"/workspace/steps/{step.pk}/versions/", {"version": original.pk})
    assert page.status_code == 302
    assert Step.objects.get(pk=step.pk).body == "Second words"
    html = therapist.get(page["Location"]).content.decode()
    assert "The earlier version is loaded as your draft" in html and ">Hello.</textarea>" in html


def test_a_broadcast_uses_the_same_editor(therapist, audience):
    broadcast = Broadcast.objects.create(slug="spring", subject="Spring", body="Hi.")
    broadcast.audiences.add(audience)
    url = f"/workspace/broadcasts/{broadcast.pk}/edit/"
    assert "Send me a test" in therapist.get(url).content.decode()
    typed = {"subject": "Spring news", "body": "Typed for spring"}
    assert "Typed for spring" in therapist.post(url + "preview/", typed).content.decode()
    assert therapist.post(url, typed).status_code == 302
    assert Broadcast.objects.get(pk=broadcast.pk).subject == "Spring news"
