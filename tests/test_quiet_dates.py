"""Quiet dates: the practice's own dates and the hard days of its country, worked out per
year; nothing but the welcome goes out on them, in each reader's own calendar."""

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine

from newsletter.delivery import dispatch
from newsletter.models import Broadcast, Delivery, Practice
from newsletter.sequences import broadcasts, quiet_dates, sequences

from .sequencing import make_sequence, make_subscriber
from .settings_pages import logged_in


@pytest.mark.parametrize(
    ("country", "key", "year", "expected"),
    [
        ("US", "mothers_day", 2025, date(2025, 5, 11)),
        ("US", "mothers_day", 2026, date(2026, 5, 10)),
        ("US", "mothers_day", 2027, date(2027, 5, 9)),
        ("GB", "mothers_day", 2025, date(2025, 3, 30)),  # fourth Sunday of Lent
        ("GB", "mothers_day", 2026, date(2026, 3, 15)),
        ("GB", "mothers_day", 2027, date(2027, 3, 7)),
        ("FR", "mothers_day", 2026, date(2026, 5, 31)),
        ("US", "fathers_day", 2026, date(2026, 6, 21)),
        ("GB", "fathers_day", 2027, date(2027, 6, 20)),
        ("AU", "fathers_day", 2026, date(2026, 9, 6)),
        ("US", "thanksgiving", 2025, date(2025, 11, 27)),
        ("US", "thanksgiving", 2026, date(2026, 11, 26)),
        ("US", "thanksgiving", 2030, date(2030, 11, 28)),
        ("CA", "thanksgiving", 2026, date(2026, 10, 12)),
        ("GB", "thanksgiving", 2026, None),
        ("US", "christmas", 2026, date(2026, 12, 25)),
        ("GB", "christmas", 2031, date(2031, 12, 25)),
    ],
)
def test_each_hard_day_is_worked_out_for_the_country_and_year(country, key, year, expected):
    assert quiet_dates.RULES[key](country, year) == expected


def test_the_practice_lists_its_own_dates_once_or_every_year(practice):
    Practice.objects.update(quiet_dates="2026-12-24\n01-01", country="US", hard_days="")
    practice = Practice.get()
    assert quiet_dates.dates_of(practice, 2026) == {date(2026, 12, 24), date(2026, 1, 1)}
    assert quiet_dates.dates_of(practice, 2027) == {date(2027, 1, 1)}


def test_hard_days_are_off_until_chosen(practice):
    Practice.objects.update(quiet_dates="", country="US", hard_days="")
    assert quiet_dates.dates_of(Practice.get(), 2026) == set()
    Practice.objects.update(hard_days="mothers_day,christmas")
    assert quiet_dates.dates_of(Practice.get(), 2026) == {date(2026, 5, 10), date(2026, 12, 25)}


def test_a_line_that_is_not_a_date_is_named():
    with pytest.raises(ValueError, match="“24/12” is not a date"):
        quiet_dates.parse("12-24\n24/12")
    with pytest.raises(ValueError):
        quiet_dates.parse("02-30")


CHRISTMAS = datetime(2026, 12, 25, 15, 0, tzinfo=UTC)  # Friday, 10 am in New York


def _pass(capture, now):
    with time_machine.travel(now, tick=False), capture(execute=True):
        dispatch.send_due(now)


def test_a_broadcast_on_a_quiet_date_moves_to_the_readers_next_day(
    audience, outbox, django_capture_on_commit_callbacks
):
    Practice.objects.update(hard_days="christmas", country="US", min_hours_between_emails=0)
    reader = make_subscriber(audience, "ny@example.com", "America/New_York")
    broadcast = Broadcast.objects.create(slug="news", subject="News", body="Hello.")
    broadcast.audiences.add(audience)
    broadcasts.schedule(broadcast, CHRISTMAS)
    _pass(django_capture_on_commit_callbacks, CHRISTMAS)
    assert outbox == []
    row = Delivery.objects.get(subscriber=reader)
    local = row.next_attempt_at.astimezone(sequences.zone_of(reader, Practice.get()))
    assert local.date() > date(2026, 12, 25)
    _pass(django_capture_on_commit_callbacks, row.next_attempt_at)
    assert [m.subject for m in outbox] == ["News"]


def test_the_readers_own_calendar_decides(audience, outbox, django_capture_on_commit_callbacks):
    Practice.objects.update(quiet_dates="12-24", min_hours_between_emails=0, send_days="0123456")
    Practice.objects.update(send_start_hour=0, send_end_hour=24)
    make_subscriber(audience, "tokyo@example.com", "Asia/Tokyo")  # already the 24th there
    make_subscriber(audience, "ny@example.com", "America/New_York")  # still the 23rd
    broadcast = Broadcast.objects.create(slug="news", subject="News", body="Hello.")
    broadcast.audiences.add(audience)
    at = datetime(2026, 12, 23, 20, 0, tzinfo=UTC)
    broadcasts.schedule(broadcast, at)
    _pass(django_capture_on_commit_callbacks, at)
    assert [m.to[0] for m in outbox] == ["ny@example.com"]


def test_later_steps_wait_but_the_welcome_on_confirming_is_never_held(
    audience, outbox, django_capture_on_commit_callbacks
):
    Practice.objects.update(hard_days="christmas", min_hours_between_emails=0)
    sequence = make_sequence(audience, delays=[(0, "minutes"), (1, "hours")])
    sequence.steps.filter(position=1).update(ignore_window=True)
    reader = make_subscriber(audience, "ny@example.com", "America/New_York")
    sequences.enroll(reader, [audience], CHRISTMAS)
    _pass(django_capture_on_commit_callbacks, CHRISTMAS)
    _pass(django_capture_on_commit_callbacks, CHRISTMAS + timedelta(hours=2))
    assert [m.subject for m in outbox] == ["Step 1"]
    enrollment = reader.enrollments.get()
    assert enrollment.next_send_at.astimezone(UTC).date() > date(2026, 12, 25)


def test_the_workspace_shows_the_hard_days_and_refuses_a_bad_date(practice):
    therapist = logged_in()
    page = therapist.get("/workspace/settings/pace/").content.decode()
    assert "Mother's Day" in page or "Mother&#x27;s Day" in page
    assert "Thanksgiving" in page and "Christmas Day" in page
    data = {"min_hours_between_emails": "48", "country": "GB", "quiet_dates": "next tuesday"}
    answer = therapist.post("/workspace/settings/pace/", data)
    assert answer.status_code == 400 and "is not a date" in answer.content.decode()
    assert Practice.get().country == "US"
    data |= {"quiet_dates": "12-24", "hard_days": ["mothers_day", "christmas"]}
    therapist.post("/workspace/settings/pace/", data)
    stored = Practice.get()
    assert (stored.country, stored.hard_days, stored.quiet_dates) == (
        "GB",
        "mothers_day,christmas",
        "12-24",
    )
