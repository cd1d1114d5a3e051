"""How each email did: the figures, small counts hidden, link scanners left out, unsubscribes
within 7 days, attributed bookings, the funnel, deliverability health and the pages."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from newsletter.management import demo
from newsletter.models import Booking, ConsentEvent, Delivery, Subscriber
from newsletter.stats import figures, funnel, health, recount
from tests.sequencing import make_sequence, make_subscriber

NOW = timezone.now()


@pytest.fixture
def sequence(audience):
    return make_sequence(audience)


def counted() -> None:
    """These tests write the ledger directly, behind the running totals: count them again."""
    recount.recount(repair=True)


def sent(step, count: int, start: int = 0, **fields) -> list[Delivery]:
    """`count` readers, each sent this step an hour ago."""
    rows = []
    for n in range(start, start + count):
        reader = Subscriber.objects.filter(email=f"r{n}@example.com").first()
        reader = reader or make_subscriber(step.sequence.audience, f"r{n}@example.com")
        rows.append(
            Delivery.objects.create(
                subscriber=reader,
                step=step,
                status="sent",
                sent_at=NOW - timedelta(hours=1),
                **fields,
            )
        )
    return rows


def test_a_count_under_five_reads_fewer_than_five_and_hides_its_rates():
    assert str(figures.Number(4)) == "fewer than 5" and str(figures.Number(0)) == "fewer than 5"
    assert str(figures.Number(5)) == "5" and str(figures.Number(1200)) == "1,200"
    assert figures.Number(4).rate_of(figures.Number(100)) == ""
    assert figures.Number(10).rate_of(figures.Number(3)) == ""
    assert figures.Number(5).rate_of(figures.Number(200)) == "2.5 %"


def test_sent_delivered_bounced_and_complaints_are_counted_per_email(sequence):
    step = sequence.steps.get(position=1)
    sent(step, 6, event="delivered")
    sent(step, 5, start=6, event="bounced")
    sent(step, 5, start=11, event="complained")
    counted()
    result = figures.for_emails("step", [step.pk])[step.pk]
    assert (result.sent.value, result.delivered.value) == (16, 11)
    assert (result.bounced.value, result.complained.value) == (5, 5)
    assert result.rate("bounced") == "31.2 %"


def test_clicks_within_ten_seconds_of_sending_are_link_scanners_and_not_counted(sequence):
    step = sequence.steps.get(position=1)
    rows = sent(step, 8)
    for row in rows[:6]:  # a reader clicking twice still counts once
        row.clicks.create(created_at=row.sent_at + timedelta(minutes=5))
        row.clicks.create(created_at=row.sent_at + timedelta(minutes=9))
    for row in rows[6:]:
        row.clicks.create(created_at=row.sent_at + timedelta(seconds=3))
    counted()
    assert figures.for_emails("step", [step.pk])[step.pk].clicked.value == 6


def test_unsubscribes_count_for_the_emails_sent_in_the_seven_days_before(sequence):
    first, second = sequence.steps.get(position=1), sequence.steps.get(position=2)
    rows = sent(first, 7)
    Delivery.objects.filter(pk__in=[r.pk for r in rows]).update(sent_at=NOW - timedelta(days=8))
    sent(second, 7)
    for row in rows[:5]:
        ConsentEvent.objects.create(subscriber=row.subscriber, kind="unsubscribed")
    counted()
    found = figures.for_emails("step", [first.pk, second.pk])
    assert found[first.pk].unsubscribed.value == 0 and found[second.pk].unsubscribed.value == 5


def test_bookings_count_for_the_email_they_are_attributed_to_and_not_once_cancelled(sequence):
    step = sequence.steps.get(position=1)
    rows = sent(step, 7)
    for row in rows[:6]:
        Booking.objects.create(subscriber=row.subscriber, tool="hook", attributed_to=row)
    Booking.objects.filter(subscriber=rows[0].subscriber).update(cancelled_at=NOW)
    counted()
    assert figures.for_emails("step", [step.pk])[step.pk].booked.value == 5


def test_the_funnel_compares_each_email_with_the_first_and_hides_small_bars(sequence):
    steps = list(sequence.steps.order_by("position"))
    sent(steps[0], 20)
    sent(steps[1], 10)
    sent(steps[2], 3)
    counted()
    stages = funnel.stages(sequence)
    assert [s.kept for s in stages] == ["100.0 %", "50.0 %", "", ""]
    assert [s.bar for s in stages] == [1.0, 0.5, 0.0, 0.0]
    assert str(stages[2].figures.sent) == "fewer than 5"


def test_every_email_lists_steps_and_broadcasts_with_one_grouped_query_each(
    sequence, django_assert_max_num_queries
):
    with django_assert_max_num_queries(12):
        rows = funnel.every_email()
    assert [row.subject for row in rows] == ["Step 1", "Step 2", "Step 3", "Step 4"]


def test_health_gives_rates_over_thirty_days_with_warnings_near_the_limits(sequence):
    step = sequence.steps.get(position=1)
    sent(step, 94)
    sent(step, 6, start=94, event="bounced")
    old = sent(sequence.steps.get(position=2), 50, event="bounced")
    Delivery.objects.filter(pk__in=[r.pk for r in old]).update(sent_at=NOW - timedelta(days=31))
    counted()
    result = health.last_30_days(NOW)
    assert (result.sent, result.bounced, result.bounce_rate) == (100, 6, "6.0 %")
    assert "5 %" in result.bounce_warning and result.complaint_warning == ""
    assert "0.3 %" in health.complaint_warning(0.004)
    assert "0.1 %" in health.complaint_warning(0.0015)
    assert health.complaint_warning(0.0005) == "" and health.bounce_warning(0.01) == ""


def test_health_is_shown_even_with_nothing_sent(practice):
    result = health.last_30_days(NOW)
    assert result.sent == 0 and result.bounce_rate == "none sent"


@pytest.fixture
def therapist(practice) -> Client:
    password = demo.create_therapist()
    http = Client()
    http.post("/workspace/login/", {"username": "therapist", "password": password})
    return http


def test_the_numbers_page_warns_in_words_and_names_postmaster_tools(therapist, sequence):
    sent(sequence.steps.get(position=1), 3)
    counted()
    page = therapist.get("/workspace/numbers/").content.decode()
    assert "Postmaster Tools" in page and "misses Gmail readers" in page
    assert "fewer than 5" in page and "Funnel of Welcome" in page


def test_the_funnel_page_draws_its_chart_with_a_table_beside_it(therapist, sequence):
    sent(sequence.steps.get(position=1), 12)
    counted()
    page = therapist.get(f"/workspace/numbers/sequences/{sequence.pk}/")
    html = page.content.decode()
    assert page.status_code == 200 and "<svg" in html and "<table" in html and ">12<" in html
    assert therapist.get("/workspace/numbers/sequences/99999/").status_code == 404


def test_no_figure_on_the_numbers_pages_names_a_reader(therapist, sequence):
    rows = sent(sequence.steps.get(position=1), 6)
    for row in rows:
        row.clicks.create(created_at=row.sent_at + timedelta(minutes=1))
    counted()
    for url in ("/workspace/numbers/", f"/workspace/numbers/sequences/{sequence.pk}/"):
        assert "@example.com" not in therapist.get(url).content.decode()


def test_the_numbers_code_imports_only_the_models_and_the_attribution_rule():
    from tests.test_layout import GRAPH

    allowed = ("newsletter.stats", "newsletter.models", "newsletter.sequences.attribution")
    for name, targets in GRAPH.items():
        if name.startswith("newsletter.stats"):
            assert all(target.startswith(allowed) for target in targets), name
