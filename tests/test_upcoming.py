"""The next 14 days, day by day in the practice's calendar: each reader's next sequence email
and scheduled newsletters with how many they reach; paused things are held, not counted."""

from datetime import UTC, date, datetime, timedelta

import pytest

from newsletter.models import Broadcast, Enrollment, Practice, Subscriber
from newsletter.sequences import upcoming
from tests.sequencing import make_sequence, make_subscriber

NOW = datetime(2025, 3, 7, 15, tzinfo=UTC)  # Friday 7 March, 10 am in New York


@pytest.fixture
def practice_in_new_york(practice) -> Practice:
    Practice.objects.filter(pk=practice.pk).update(default_time_zone="America/New_York")
    return Practice.get()


@pytest.fixture
def sequence(audience):
    return make_sequence(audience)


def waiting(sequence, count: int, position: int, when: datetime, start: int = 0, **fields):
    for n in range(start, start + count):
        reader = make_subscriber(sequence.audience, f"r{n}@example.com", **fields)
        Enrollment.objects.create(
            subscriber=reader, sequence=sequence, next_position=position, next_send_at=when
        )


def newsletter(audience, when: datetime, status: str = "scheduled") -> Broadcast:
    broadcast = Broadcast.objects.create(
        slug=f"letter-{status}",
        subject="Spring letter",
        body="Hello.",
        status=status,
        scheduled_at=when,
    )
    broadcast.audiences.set([audience])
    return broadcast


def lines(day) -> list[tuple[str, str, int, str]]:
    return [(e.name, e.subject, e.people, e.held) for e in day.emails]


def test_each_day_lists_the_next_sequence_emails_and_a_newsletter_with_their_reach(
    practice_in_new_york, sequence, audience
):
    waiting(sequence, 2, 1, NOW - timedelta(days=1))  # already due: goes on today
    waiting(sequence, 1, 1, NOW + timedelta(hours=2), start=2)
    waiting(sequence, 3, 2, datetime(2025, 3, 8, 2, tzinfo=UTC), start=3)  # Friday 9 pm local
    waiting(sequence, 4, 3, datetime(2025, 3, 10, 14, tzinfo=UTC), start=6)
    newsletter(audience, datetime(2025, 3, 11, 14, tzinfo=UTC))
    calendar = upcoming.next_days(NOW, practice_in_new_york)
    days = {day.day: day for day in calendar.days}
    assert len(calendar.days) == 14 and calendar.days[0].day == date(2025, 3, 7)
    assert lines(days[date(2025, 3, 7)]) == [
        ("Welcome, email 1", "Step 1", 3, ""),
        ("Welcome, email 2", "Step 2", 3, ""),
    ]
    assert days[date(2025, 3, 7)].people == 6
    assert days[date(2025, 3, 8)].emails == []
    assert lines(days[date(2025, 3, 10)]) == [("Welcome, email 3", "Step 3", 4, "")]
    assert lines(days[date(2025, 3, 11)]) == [("Newsletter", "Spring letter", 10, "")]


def test_emails_past_the_fourteenth_day_and_people_not_active_are_left_out(
    practice_in_new_york, sequence
):
    waiting(sequence, 2, 1, NOW + timedelta(days=15))
    waiting(sequence, 2, 1, NOW, start=2)
    Subscriber.objects.filter(email__in=["r2@example.com", "r3@example.com"]).update(
        status="paused"
    )
    waiting(sequence, 1, 1, NOW, start=4)
    Enrollment.objects.filter(subscriber__email="r4@example.com").update(status="completed")
    calendar = upcoming.next_days(NOW, practice_in_new_york)
    assert sum(day.people for day in calendar.days) == 0
    assert all(day.emails == [] for day in calendar.days)


def test_a_paused_sequence_and_a_paused_newsletter_are_held_and_not_counted(
    practice_in_new_york, sequence, audience
):
    waiting(sequence, 3, 1, NOW + timedelta(hours=1))
    sequence.status = "paused"
    sequence.save()
    newsletter(audience, NOW + timedelta(hours=1), status="paused")
    today = upcoming.next_days(NOW, practice_in_new_york).days[0]
    assert lines(today) == [
        ("Welcome, email 1", "Step 1", 3, upcoming.HELD_SEQUENCE),
        ("Newsletter", "Spring letter", 3, upcoming.HELD_BROADCAST),
    ]
    assert today.people == 0


def test_when_all_sending_is_paused_everything_is_held(practice_in_new_york, sequence, audience):
    waiting(sequence, 2, 1, NOW + timedelta(hours=1))
    newsletter(audience, NOW + timedelta(days=2))
    Practice.objects.update(sending_paused=True)
    calendar = upcoming.next_days(NOW, Practice.get())
    emails = [email for day in calendar.days for email in day.emails]
    assert calendar.paused and len(emails) == 2
    assert {email.held for email in emails} == {upcoming.HELD_ALL}
    assert sum(day.people for day in calendar.days) == 0


def test_a_removed_step_shows_the_next_live_one_for_those_waiting_for_it(
    practice_in_new_york, sequence
):
    waiting(sequence, 2, 2, NOW + timedelta(hours=1))
    waiting(sequence, 1, 3, NOW + timedelta(hours=2), start=2)
    sequence.steps.filter(position=2).update(removed=True)
    today = upcoming.next_days(NOW, practice_in_new_york).days[0]
    assert lines(today) == [("Welcome, email 2", "Step 3", 3, "")]


def test_a_quiet_day_is_marked(practice_in_new_york):
    Practice.objects.update(quiet_dates="2025-03-09")
    days = upcoming.next_days(NOW, Practice.get()).days
    assert [day.day for day in days if day.quiet] == [date(2025, 3, 9)]


def test_the_page_shows_the_days_and_is_in_the_navigation(therapist, sequence):
    waiting(sequence, 5, 1, datetime.now(UTC) + timedelta(minutes=5))
    page = therapist.get("/workspace/upcoming/").content.decode()
    assert "Coming up in the next 14 days" in page and 'aria-current="page">Coming up' in page
    assert "“Step 1”, to 5 people" in page and page.count("<h2>") == 14


def test_a_newsletter_under_way_counts_only_the_people_it_has_not_reached(
    practice_in_new_york, sequence, audience
):
    waiting(sequence, 10, 9, NOW + timedelta(days=30))  # ten readers in the audience
    broadcast = newsletter(audience, NOW - timedelta(hours=1), status="sending")
    readers = list(Subscriber.objects.order_by("email"))
    for reader, status in zip(readers, ["sent", "sent", "queued"], strict=False):
        broadcast.deliveries.create(subscriber=reader, status=status)
    today = upcoming.next_days(NOW, practice_in_new_york).days[0]
    assert lines(today) == [("Newsletter", "Spring letter", 8, "")]
