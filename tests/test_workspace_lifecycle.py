"""Activating, pausing, resuming and archiving a sequence from the workspace, one question each."""

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine

from newsletter.models import Enrollment, Membership, Sequence, Step, Subscriber, Suppression
from newsletter.sequences import activation, sequence_edits
from newsletter.subscribers import addresses

NOW = datetime(2026, 12, 1, 15, 0, tzinfo=UTC)  # Tuesday, 10 am in New York


@pytest.fixture
def draft(audience) -> Sequence:
    sequence = Sequence.objects.create(name="Welcome", slug="welcome", audience=audience)
    Step.objects.create(sequence=sequence, position=1, subject="Welcome", body="Hi.")
    Step.objects.create(sequence=sequence, position=2, delay_value=2, subject="Next", body=".")
    return sequence


def members(audience, count: int, status=Subscriber.Status.ACTIVE, start: int = 0) -> list:
    people = [
        Subscriber.objects.create(
            email=f"member{n}@example.com", email_key=f"member{n}@example.com", status=status
        )
        for n in range(start, start + count)
    ]
    Membership.objects.bulk_create([Membership(subscriber=p, audience=audience) for p in people])
    return people


def test_activating_asks_whether_current_members_start_too_with_their_count_and_days(
    therapist, draft, audience
):
    members(audience, 312)
    with time_machine.travel(NOW, tick=False):  # 10 am: room for 175 today, 200 tomorrow
        page = therapist.get(f"/workspace/sequences/{draft.pk}/status/?do=activate")
    page = page.content.decode()
    assert "Only people who join from now on" in page
    assert "Also the 312 current members, spread over 2 days" in page
    assert "At most 200 first emails on each sending day" in page


def test_only_people_who_join_from_now_on_leaves_current_members_alone(therapist, draft, audience):
    members(audience, 3)
    answer = therapist.post(
        f"/workspace/sequences/{draft.pk}/status/", {"do": "activate", "who": "new"}
    )
    assert answer.status_code == 302
    draft.refresh_from_db()
    assert draft.status == "active" and not draft.enrollments.exists()


def test_activating_for_current_members_enrolls_exactly_those_the_page_counted(
    therapist, draft, audience
):
    wanted = members(audience, 4) + members(audience, 1, Subscriber.Status.PAUSED, start=10)
    members(audience, 1, Subscriber.Status.UNSUBSCRIBED, start=20)
    members(audience, 1, Subscriber.Status.PENDING, start=30)
    members(audience, 1, Subscriber.Status.BOUNCED, start=40)
    suppressed = members(audience, 1, start=50)[0]
    Suppression.objects.create(address_hash=addresses.suppression_hash(suppressed.email))
    earlier = members(audience, 1, start=60)[0]
    Enrollment.objects.create(subscriber=earlier, sequence=draft, status="completed")
    elsewhere = Subscriber.objects.create(email="x@example.com", email_key="x@example.com")
    elsewhere.status = "active"
    elsewhere.save()

    page = therapist.get(f"/workspace/sequences/{draft.pk}/status/?do=activate").content.decode()
    assert "Also the 5 current members" in page
    with time_machine.travel(NOW, tick=False):
        therapist.post(
            f"/workspace/sequences/{draft.pk}/status/", {"do": "activate", "who": "current"}
        )
    started = draft.enrollments.filter(status="active", enrolled_at=NOW)
    assert {e.subscriber_id for e in started} == {p.pk for p in wanted}
    assert draft.enrollments.filter(subscriber=earlier).count() == 1


def test_a_sequence_that_allows_re_entry_takes_back_those_who_finished_it(draft, audience):
    finished = members(audience, 1)[0]
    Enrollment.objects.create(subscriber=finished, sequence=draft, status="completed")
    draft.allow_reentry = True
    draft.save()
    assert list(activation.current_members(draft)) == [finished]


def test_first_emails_are_spread_through_the_send_window_of_the_counted_days(draft, audience):
    members(audience, 450)
    plan = activation.plan(draft, now=NOW)
    assert (plan.people, plan.days) == (450, 3)
    started = activation.activate_for_current_members(draft, NOW)
    moments = sorted(e.next_send_at for e in started)
    assert len(started) == 450 and moments[0] == NOW
    # Tuesday 10 am to 5 pm, then Wednesday and Thursday 9 am to 5 pm (New York, UTC-5).
    assert moments[-1] < datetime(2026, 12, 3, 22, 0, tzinfo=UTC)
    assert moments[-1] > datetime(2026, 12, 3, 19, 0, tzinfo=UTC)
    by_day = {}
    for moment in moments:
        by_day[moment.date()] = by_day.get(moment.date(), 0) + 1
        assert 14 <= moment.hour < 22  # 9 am to 5 pm in New York
    assert len(by_day) == 3 and max(by_day.values()) <= activation.PER_DAY


def test_late_in_the_day_the_few_minutes_left_take_only_their_share(draft, audience):
    members(audience, 400)
    late = datetime(2026, 12, 1, 21, 50, tzinfo=UTC)  # 4:50 pm in New York, 10 minutes left
    assert activation.plan(draft, now=late).days == 3
    moments = [e.next_send_at for e in activation.activate_for_current_members(draft, late)]
    by_day = {}
    for moment in moments:
        by_day[moment.date()] = by_day.get(moment.date(), 0) + 1
    assert sorted(by_day) == [late.date(), date(2026, 12, 2), date(2026, 12, 3)]
    assert max(by_day.values()) <= activation.PER_DAY


def test_activating_for_current_members_twice_enrolls_nobody_twice(draft, audience):
    members(audience, 3)
    activation.activate_for_current_members(draft, NOW)
    assert activation.activate_for_current_members(draft, NOW) == []
    assert draft.enrollments.count() == 3


def test_pausing_says_how_many_are_mid_way_and_keeps_their_places(therapist, draft, audience):
    draft.status = "active"
    draft.save()
    page = therapist.get(f"/workspace/sequences/{draft.pk}/status/?do=pause").content.decode()
    assert "Nobody is mid-way through it yet." in page
    members(audience, 2)
    activation.enroll_current_members(draft, NOW)
    places = list(draft.enrollments.values_list("pk", "next_position", "next_send_at"))
    page = therapist.get(f"/workspace/sequences/{draft.pk}/status/?do=pause").content.decode()
    assert "The 2 people mid-way keep their place; nobody gets a burst" in page
    therapist.post(f"/workspace/sequences/{draft.pk}/status/", {"do": "pause"})
    draft.refresh_from_db()
    assert draft.status == "paused"
    assert list(draft.enrollments.values_list("pk", "next_position", "next_send_at")) == places


def test_resuming_counts_the_overdue_and_spreads_them_over_the_next_hour(
    therapist, draft, audience
):
    draft.status = "active"
    draft.save()
    members(audience, 3)
    activation.enroll_current_members(draft, NOW)
    sequence_edits.pause(draft)
    later = NOW + timedelta(days=3)
    with time_machine.travel(later, tick=False):
        page = therapist.get(f"/workspace/sequences/{draft.pk}/status/?do=resume")
        assert "The 3 whose next email came due during the pause" in page.content.decode()
        therapist.post(f"/workspace/sequences/{draft.pk}/status/", {"do": "resume"})
    moments = list(draft.enrollments.values_list("next_send_at", flat=True))
    assert all(later <= m < later + timedelta(hours=1) for m in moments)


def test_archiving_says_what_it_does_and_stops_the_sequence(therapist, draft):
    page = therapist.get(f"/workspace/sequences/{draft.pk}/status/?do=archive").content.decode()
    assert "nobody new starts it" in page and "activate it again later" in page
    therapist.post(f"/workspace/sequences/{draft.pk}/status/", {"do": "archive"})
    draft.refresh_from_db()
    assert draft.status == "archived"


@pytest.mark.parametrize(
    "data", [{"do": "pause"}, {"do": "explode"}, {"do": "activate", "who": "everyone"}, {}]
)
def test_an_action_the_sequence_cannot_take_changes_nothing(therapist, draft, audience, data):
    members(audience, 2)
    answer = therapist.post(f"/workspace/sequences/{draft.pk}/status/", data)
    assert answer.status_code == 400
    draft.refresh_from_db()
    assert draft.status == "draft" and not draft.enrollments.exists()


def test_a_sequence_without_emails_is_not_turned_on(therapist, audience):
    empty = Sequence.objects.create(name="Empty", slug="empty", audience=audience)
    answer = therapist.post(f"/workspace/sequences/{empty.pk}/status/", {"do": "activate"})
    assert answer.status_code == 400 and "no emails yet" in answer.content.decode()
    empty.refresh_from_db()
    assert empty.status == "draft"


@pytest.mark.parametrize("url", ["/workspace/sequences/999999/status/"])
def test_an_unknown_sequence_is_not_found(therapist, url):
    assert therapist.get(url).status_code == 404
    assert therapist.post(url, {"do": "activate"}).status_code == 404


def test_the_sequences_page_offers_the_actions_each_status_allows(therapist, draft):
    page = therapist.get("/workspace/").content.decode()
    assert f"/workspace/sequences/{draft.pk}/status/?do=activate" in page
    assert f"/workspace/sequences/{draft.pk}/status/?do=pause" not in page


def test_a_refused_action_says_why_in_a_sentence(therapist, draft):
    answer = therapist.post(f"/workspace/sequences/{draft.pk}/status/", {"do": "pause"})
    assert "This sequence is draft, so it cannot be paused; nothing was changed." in (
        answer.content.decode()
    )
