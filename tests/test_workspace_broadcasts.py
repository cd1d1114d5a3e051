"""Broadcasts in the workspace: drafts, who and how many, local times, progress, cancel, resume."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from newsletter.models import Audience, Broadcast
from newsletter.sequences import words

from .sequencing import make_subscriber, run_pass

NOW = datetime(2026, 12, 1, 15, 0, tzinfo=UTC)  # Tuesday 1 Dec, 10 am in New York


@pytest.fixture
def letter(audience) -> Broadcast:
    emdr = Audience.objects.get(slug="emdr")
    for n in range(3):
        make_subscriber(audience, f"k{n}@example.com")
    make_subscriber(emdr, "e@example.com").audiences.add(audience)  # in both: counted once
    make_subscriber(emdr, "e2@example.com")
    gone = make_subscriber(audience, "gone@example.com")
    gone.status = "unsubscribed"
    gone.save()
    broadcast = Broadcast.objects.create(slug="winter", subject="Winter letter", body="Hello.")
    broadcast.audiences.set([audience, emdr])
    return broadcast


def test_a_new_broadcast_is_a_draft_for_the_chosen_audiences(therapist, audience):
    answer = therapist.post(
        "/workspace/broadcasts/new/",
        {"audiences": [audience.pk], "subject": "News", "body": "%%greeting%% Hello."},
    )
    created = Broadcast.objects.get()
    assert answer.status_code == 302
    assert answer["Location"] == f"/workspace/broadcasts/{created.pk}/edit/"  # the editor
    assert created.status == "draft" and list(created.audiences.all()) == [audience]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"subject": "News", "body": "Hi."}, "Choose at least one audience."),
        ({"audiences": ["x"], "subject": "News", "body": "Hi."}, "is not a valid value"),
        ({"audiences": [1], "subject": "", "body": "Hi."}, "Write a subject line."),
        ({"audiences": [1], "subject": "Hi %%nickname%%", "body": "Hi."}, "%%nickname%%"),
    ],
)
def test_a_bad_new_broadcast_is_refused_next_to_its_field(therapist, audience, data, message):
    data = {**data, "audiences": [audience.pk] if data.get("audiences") == [1] else data.get(
        "audiences", [])}  # fmt: skip
    answer = therapist.post("/workspace/broadcasts/new/", data)
    assert answer.status_code == 400 and message in answer.content.decode()
    assert not Broadcast.objects.exists()


def test_the_page_says_who_and_how_many_and_the_count_is_who_then_gets_it(
    therapist, letter, outbox, django_capture_on_commit_callbacks
):
    page = therapist.get(f"/workspace/broadcasts/{letter.pk}/").content.decode()
    assert "This goes to the 5 people in EMDR and Ketamine-assisted therapy." in page
    with time_machine.travel(NOW, tick=False):
        confirm = therapist.post(f"/workspace/broadcasts/{letter.pk}/send/", {"when": "now"})
        assert "Send now to 5 people" in confirm.content.decode()
        letter.refresh_from_db()
        assert letter.status == "draft"  # nothing happens before the second question
        therapist.post(
            f"/workspace/broadcasts/{letter.pk}/send/", {"when": "now", "confirmed": "yes"}
        )
    run_pass(django_capture_on_commit_callbacks, NOW + timedelta(minutes=1))
    assert len(outbox) == 5 and letter.deliveries.count() == 5


def test_a_time_is_read_on_the_practices_clock_and_shown_back_in_words(therapist, letter):
    with time_machine.travel(NOW, tick=False):
        data = {"when": "later", "at": "2026-12-03T09:12"}
        confirm = therapist.post(f"/workspace/broadcasts/{letter.pk}/send/", data)
        assert "on Thursday 3 Dec, 9:12 am" in confirm.content.decode()
        therapist.post(f"/workspace/broadcasts/{letter.pk}/send/", {**data, "confirmed": "yes"})
        page = therapist.get(f"/workspace/broadcasts/{letter.pk}/").content.decode()
    letter.refresh_from_db()
    assert letter.status == "scheduled"
    assert letter.scheduled_at == datetime(2026, 12, 3, 14, 12, tzinfo=UTC)  # New York, UTC-5
    assert "Scheduled for Thursday 3 Dec, 9:12 am" in page


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"when": "later", "at": ""}, "Choose the date and time it should go."),
        ({"when": "later", "at": "tomorrow"}, "Enter a valid date/time."),
        ({"when": "later", "at": "2026-11-30T09:00"}, "Choose a time that has not passed yet."),
        ({"when": "sometime"}, "Select a valid choice."),
        ({}, "Choose when it should go."),
    ],
)
def test_a_bad_time_is_refused_next_to_the_field_and_nothing_is_scheduled(
    therapist, letter, data, message
):
    with time_machine.travel(NOW, tick=False):
        answer = therapist.post(
            f"/workspace/broadcasts/{letter.pk}/send/", {**data, "confirmed": "yes"}
        )
    assert answer.status_code == 400 and message in answer.content.decode()
    letter.refresh_from_db()
    assert letter.status == "draft" and letter.scheduled_at is None


def test_a_broadcast_without_content_is_not_sent(therapist, letter):
    letter.body = ""
    letter.save()
    answer = therapist.post(
        f"/workspace/broadcasts/{letter.pk}/send/", {"when": "now", "confirmed": "yes"}
    )
    assert answer.status_code == 400
    assert "Write the email before sending it." in answer.content.decode()
    letter.refresh_from_db()
    assert letter.status == "draft"


def test_progress_counts_sent_waiting_and_failed_in_a_real_progress_bar(
    therapist, letter, settings, django_capture_on_commit_callbacks
):
    settings.SEND_CHUNK_SIZE = 2
    letter.status, letter.scheduled_at = "sending", NOW
    letter.save()
    with django_capture_on_commit_callbacks(execute=False):  # rows made, not yet sent
        from newsletter.delivery import dispatch

        dispatch.dispatch_broadcast_chunk(letter.pk, NOW, dispatch.Report())
    fragment = therapist.get(f"/workspace/broadcasts/{letter.pk}/", headers={"HX-Request": "true"})
    html = fragment.content.decode()
    assert html.lstrip().startswith('<div id="progress"')
    assert '<progress id="progress-bar" max="5" value="0"' in html
    assert "0 of 5 sent · 5 waiting · 0 failed" in html
    assert 'hx-trigger="every 3s"' in html
    run_pass(django_capture_on_commit_callbacks, NOW)  # the rest; the first two still wait
    midway = therapist.get(f"/workspace/broadcasts/{letter.pk}/", headers={"HX-Request": "true"})
    assert "3 of 5 sent · 2 waiting · 0 failed" in midway.content.decode()
    run_pass(django_capture_on_commit_callbacks, NOW + timedelta(minutes=5))  # re-enqueued
    run_pass(django_capture_on_commit_callbacks, NOW + timedelta(minutes=6))  # marked sent
    done = therapist.get(f"/workspace/broadcasts/{letter.pk}/", headers={"HX-Request": "true"})
    assert "5 of 5 sent · 0 waiting · 0 failed" in done.content.decode()
    assert "hx-trigger" not in done.content.decode()  # polling stops once it is sent
    page = therapist.get(f"/workspace/broadcasts/{letter.pk}/").content.decode()
    assert 'role="alert"' not in page and "Review before sending" not in page


def test_cancel_says_how_many_still_wait_and_stops_exactly_those(
    therapist, letter, django_capture_on_commit_callbacks
):
    letter.status, letter.scheduled_at = "sending", NOW
    letter.save()
    with django_capture_on_commit_callbacks(execute=False):
        from newsletter.delivery import dispatch

        dispatch.dispatch_broadcast_chunk(letter.pk, NOW, dispatch.Report())
    page = therapist.get(f"/workspace/broadcasts/{letter.pk}/cancel/").content.decode()
    assert "The 5 people still waiting won’t get it" in page
    therapist.post(f"/workspace/broadcasts/{letter.pk}/cancel/")
    letter.refresh_from_db()
    assert letter.status == "cancelled"
    assert letter.deliveries.filter(status="skipped").count() == 5


def test_resume_says_how_many_still_wait_and_sends_again(therapist, letter):
    letter.status, letter.scheduled_at = "paused", NOW
    letter.save()
    page = therapist.get(f"/workspace/broadcasts/{letter.pk}/resume/").content.decode()
    assert "Resume sending to 0 people" in page or "still waiting get it" in page
    therapist.post(f"/workspace/broadcasts/{letter.pk}/resume/")
    letter.refresh_from_db()
    assert letter.status == "sending"


def test_cancel_and_resume_are_refused_where_they_make_no_sense(therapist, letter):
    for action in ("cancel", "resume"):
        answer = therapist.post(f"/workspace/broadcasts/{letter.pk}/{action}/")
        assert answer.status_code == 400
    letter.refresh_from_db()
    assert letter.status == "draft"


@pytest.mark.parametrize(
    "url",
    [
        "/workspace/broadcasts/999999/",
        "/workspace/broadcasts/999999/send/",
        "/workspace/broadcasts/999999/cancel/",
        "/workspace/broadcasts/999999/resume/",
    ],
)
def test_an_unknown_broadcast_is_not_found(therapist, url):
    assert therapist.get(url).status_code == 404
    assert therapist.post(url, {"when": "now", "confirmed": "yes"}).status_code == 404


def test_the_list_shows_each_broadcast_with_its_status_and_time(therapist, letter, practice):
    letter.status, letter.scheduled_at = "scheduled", NOW + timedelta(days=2)
    letter.save()
    page = therapist.get("/workspace/broadcasts/").content.decode()
    assert "Winter letter" in page and "Scheduled" in page
    assert words.moment(letter.scheduled_at, practice.default_time_zone) in page
    assert "Thursday 3 Dec, 10 am" in page


@pytest.mark.parametrize("status", ["sending", "sent", "paused", "cancelled"])
def test_a_broadcast_under_way_or_done_is_not_sent_again(therapist, letter, status):
    letter.status, letter.scheduled_at = status, NOW
    letter.save()
    answer = therapist.post(
        f"/workspace/broadcasts/{letter.pk}/send/", {"when": "now", "confirmed": "yes"}
    )
    assert answer.status_code == 400 and "cannot be sent again" in answer.content.decode()
    letter.refresh_from_db()
    assert letter.status == status and letter.scheduled_at == NOW


def test_a_broadcast_is_marked_for_the_archive_and_left_out_again(therapist, letter):
    page = therapist.get(f"/workspace/broadcasts/{letter.pk}/").content.decode()
    assert "Show it in the archive" in page
    answer = therapist.post(f"/workspace/broadcasts/{letter.pk}/archive/", {"in_archive": "yes"})
    assert answer.status_code == 302
    letter.refresh_from_db()
    assert letter.in_archive is True
    therapist.post(f"/workspace/broadcasts/{letter.pk}/archive/", {"in_archive": "no"})
    letter.refresh_from_db()
    assert letter.in_archive is False
    assert therapist.get(f"/workspace/broadcasts/{letter.pk}/archive/").status_code == 405
