"""Download my data, delete my data, and the practice's subject-access export."""

import json

import pytest
from django.core.management import ManagementUtility
from django.db import connections
from django.test import Client

from newsletter.models import (
    ConsentEvent,
    Delivery,
    Membership,
    Sequence,
    Step,
    Subscriber,
    Suppression,
)
from newsletter.subscribers import addresses, data_rights, subscriptions, tokens


@pytest.fixture
def http() -> Client:
    return Client(enforce_csrf_checks=True)


@pytest.fixture
def base(active_subscriber) -> str:
    return f"/preferences/{tokens.subscriber_link(tokens.PREFERENCES, active_subscriber)}/"


@pytest.fixture
def data_page(active_subscriber) -> str:
    """The page behind a fresh data-rights link, as the emailed link opens it."""
    return f"/data/{tokens.data_link(active_subscriber)}/"


@pytest.fixture
def delivery(active_subscriber, audience) -> Delivery:
    sequence = Sequence.objects.create(name="Welcome", slug="welcome", audience=audience)
    step = Step.objects.create(sequence=sequence, position=1, subject="Hello", body="Hi.")
    return Delivery.objects.create(subscriber=active_subscriber, step=step)


def test_download_holds_profile_memberships_consent_and_deliveries(
    http, data_page, active_subscriber, delivery
):
    response = http.post(data_page, {"action": "download"})
    assert response["Content-Type"].startswith("application/json")
    assert "attachment" in response["Content-Disposition"]
    data = json.loads(response.content)
    assert set(data) == {
        "profile",
        "memberships",
        "consent_events",
        "enrollments",
        "deliveries",
        "clicks",
        "bookings",
    }
    assert data["profile"]["email"] == "active@example.com"
    assert data["profile"]["first_name"] == "Ada"
    assert [m["slug"] for m in data["memberships"]] == ["ketamine-assisted-therapy"]
    assert [e["kind"] for e in data["consent_events"]] == ["requested", "confirmed"]
    assert data["consent_events"][0]["consent_text"]
    assert len(data["deliveries"]) == 1 and data["deliveries"][0]["status"] == delivery.status


def test_delete_asks_once_then_removes_personal_data(http, data_page, active_subscriber, delivery):
    page = http.get(data_page)
    assert page.content.decode().count("Delete my data</button>") == 1
    assert Subscriber.objects.get().status == "active"
    done = http.post(data_page, {"action": "erase"})
    assert done.status_code == 200 and "deleted" in done.content.decode()
    erased = Subscriber.objects.get()
    assert (erased.email, erased.first_name, erased.email_key, erased.status) == (
        "",
        "",
        None,
        "erased",
    )
    assert Membership.objects.count() == 0
    assert Suppression.objects.get().address_hash == addresses.suppression_hash(
        "Active@Example.com"
    )


def test_erasure_keeps_an_anonymised_consent_trail(active_subscriber):
    from newsletter.models import Practice

    Practice.objects.update(record_ip=True)
    subscriptions.record(
        active_subscriber,
        "preferences",
        "test",
        subscriptions.Client(
            source_url="https://blog.example/x", ip="198.51.100.1", user_agent="UA"
        ),
    )
    data_rights.erase(active_subscriber)
    events = ConsentEvent.objects.all()
    assert [e.kind for e in events] == ["requested", "confirmed", "preferences", "erased"]
    assert all(e.ip_address is None and not e.user_agent and not e.source_url for e in events)
    assert "active@example.com" not in json.dumps([e.detail for e in events])


def test_an_erased_address_is_never_mailed_again(active_subscriber, subscribe, outbox):
    data_rights.erase(active_subscriber)
    outbox.clear()
    assert subscribe("ACTIVE@example.com") is None
    assert outbox == [] and Subscriber.objects.count() == 1


def test_the_unsubscribe_link_still_answers_after_erasure(http, active_subscriber):
    data_rights.erase(active_subscriber)
    path = f"/unsubscribe/{tokens.subscriber_link(tokens.UNSUBSCRIBE, active_subscriber)}/"
    assert http.post(path, {"List-Unsubscribe": "One-Click"}).status_code == 200
    assert http.post(path, {"action": "unsubscribe"}).status_code == 200


def test_deleting_twice_is_harmless(http, active_subscriber):
    first, second = (f"/data/{tokens.data_link(active_subscriber)}/" for _ in range(2))
    http.post(first, {"action": "erase"})
    again = http.post(second, {"action": "erase"})
    assert again.status_code == 410  # the link leads to a calm "used or expired" page
    assert ConsentEvent.objects.filter(kind="erased").count() == 1


@pytest.fixture
def manage(monkeypatch):
    """Run a command as `manage.py` does, keeping the test's database connection open."""
    monkeypatch.setattr(connections, "close_all", lambda: None)
    return lambda *args: ManagementUtility(["manage.py", *args]).execute()


def test_export_subscriber_prints_the_same_document(active_subscriber, delivery, capsys, manage):
    manage("export_subscriber", "ACTIVE@EXAMPLE.COM")
    printed = json.loads(capsys.readouterr().out)
    assert printed == json.loads(json.dumps(data_rights.export(active_subscriber)))


def test_export_subscriber_of_an_unknown_address_fails_with_one_line(practice, capsys, manage):
    with pytest.raises(SystemExit) as exit:
        manage("export_subscriber", "nobody@example.com")
    assert exit.value.code == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert len(captured.err.strip().splitlines()) == 1
    assert "nobody@example.com" in captured.err


def test_the_download_holds_enrollments_with_why_they_ended_and_clicks(active_subscriber, delivery):
    from newsletter.models import Click, Enrollment
    from newsletter.sequences import booking

    Enrollment.objects.create(subscriber=active_subscriber, sequence=delivery.step.sequence)
    booking.booked(active_subscriber)
    Click.objects.create(delivery=delivery)
    data = data_rights.export(active_subscriber)
    [enrollment] = data["enrollments"]
    assert enrollment["sequence"] == "Welcome" and enrollment["status"] == "exited"
    assert (enrollment["exit_reason"], enrollment["exit_reason_text"]) == (
        "booked",
        "Booked a consultation",
    )
    assert enrollment["ended_at"]
    [click] = data["clicks"]
    assert click["email"] == str(delivery.step) and click["at"]


def test_erase_subscriber_erases_the_address_and_says_so(active_subscriber, capsys, manage):
    manage("erase_subscriber", "ACTIVE@example.com")
    assert "Erased" in capsys.readouterr().out
    active_subscriber.refresh_from_db()
    assert (active_subscriber.status, active_subscriber.email) == ("erased", "")
    assert ConsentEvent.objects.filter(kind="erased", channel="command").count() == 1
    assert Suppression.objects.get().address_hash == addresses.suppression_hash(
        "active@example.com"
    )


def test_erase_subscriber_of_an_unknown_address_fails_with_one_line(practice, capsys, manage):
    with pytest.raises(SystemExit) as exit:
        manage("erase_subscriber", "nobody@example.com")
    assert exit.value.code == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert len(captured.err.strip().splitlines()) == 1
    assert "nobody@example.com" in captured.err
