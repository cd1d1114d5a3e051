"""Importing an existing list: what becomes of each kind of row, consent per import, pacing of
confirmations, running twice, the report and its clean-up."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from newsletter.models import ConsentEvent, ListImport, Subscriber
from newsletter.subscribers import data_rights, import_rows, imports, people, subscriptions
from tests.sequencing import make_subscriber

FILE = b"""Email,First name,Time zone,Lists
new@example.com,Nia,Europe/Paris,
not an address,Bad,,
new@example.com,Again,,
gone@example.com,Gone,,
left@example.com,Left,,
here@example.com,Here,,
other@example.com,Other,Mars/Olympus,emdr
lost@example.com,Lost,,nowhere
"""
AGREED = {"where": "the sign-up sheet at my talks", "when": "2022 to 2024"}


@pytest.fixture
def known(audience):
    people.suppress("gone@example.com")
    left = make_subscriber(audience, "left@example.com")
    subscriptions.unsubscribe(left, "one-click")
    make_subscriber(audience, "here@example.com")


def choices(audience, consent="agreed", **extra) -> imports.Choices:
    mapping = {"email": 0, "first_name": 1, "time_zone": 2, "audiences": 3}
    fields = AGREED | {"not_client_records": True} if consent == "agreed" else {}
    return imports.Choices(mapping, [audience.pk], consent, **(fields | extra))


def run(data: bytes, audience, django_capture_on_commit_callbacks, **extra) -> ListImport:
    job = imports.upload(data, "list.csv")
    with django_capture_on_commit_callbacks(execute=True):
        imports.start(job, choices(audience, **extra))
    job.refresh_from_db()
    return job


def test_each_kind_of_row_is_decided_and_refused_rows_come_back_with_their_reason(
    known, audience, django_capture_on_commit_callbacks
):
    job = run(FILE, audience, django_capture_on_commit_callbacks)
    assert job.status == "done" and job.imported == 2 and job.source == ""
    reasons = {row[1]: row[2] for row in job.refused}
    assert reasons["not an address"] == import_rows.INVALID
    assert reasons["new@example.com"] == import_rows.DUPLICATE
    assert reasons["gone@example.com"] == import_rows.SUPPRESSED
    assert reasons["left@example.com"].startswith("unsubscribed earlier")
    assert reasons["here@example.com"] == "already on your list"
    assert "nowhere" in reasons["lost@example.com"]
    assert [row[0] for row in job.refused] == [3, 4, 5, 6, 7, 9]


def test_agreed_people_become_active_with_an_imported_event_carrying_the_attestation(
    known, audience, django_capture_on_commit_callbacks
):
    run(FILE, audience, django_capture_on_commit_callbacks)
    nia = Subscriber.objects.get(email="new@example.com")
    assert nia.status == "active" and nia.first_name == "Nia" and nia.time_zone == "Europe/Paris"
    event = ConsentEvent.objects.get(subscriber=nia)
    assert event.kind == "imported" and event.detail["where"] == AGREED["where"]
    assert event.detail["not_client_records"] is True and "client records" in event.consent_text
    other = Subscriber.objects.get(email="other@example.com")
    assert other.time_zone == "" and other.audiences.count() == 2
    left = Subscriber.objects.get(email="left@example.com")
    assert left.status == "unsubscribed"


def test_importing_the_same_file_twice_changes_nothing(
    known, audience, django_capture_on_commit_callbacks
):
    first = run(FILE, audience, django_capture_on_commit_callbacks)
    people_before = list(Subscriber.objects.values_list("email", "status").order_by("email"))
    events_before = ConsentEvent.objects.count()
    second = run(FILE, audience, django_capture_on_commit_callbacks)
    assert second.imported == 0 and imports.earlier_import(second) == first
    assert list(Subscriber.objects.values_list("email", "status").order_by("email")) == (
        people_before
    )
    assert ConsentEvent.objects.count() == events_before


def test_running_the_task_again_imports_nobody_twice(audience, django_capture_on_commit_callbacks):
    job = run(FILE, audience, django_capture_on_commit_callbacks)
    assert imports.run(job.pk) == 0
    assert Subscriber.objects.filter(email="new@example.com").count() == 1


def test_asking_to_confirm_makes_people_wait_and_paces_the_emails_by_their_own_budget(
    audience, settings, outbox, django_capture_on_commit_callbacks
):
    settings.IMPORT_CONFIRMATIONS_PER_HOUR = 2
    settings.CONFIRMATION_EMAILS_PER_HOUR = 1
    rows = "".join(f"p{n}@example.com\n" for n in range(5)).encode()
    job = imports.upload(b"email\n" + rows, "list.csv")
    with django_capture_on_commit_callbacks(execute=True):
        imports.start(job, imports.Choices({"email": 0}, [audience.pk], "confirm"))
    job.refresh_from_db()
    assert Subscriber.objects.filter(status="pending").count() == 5
    assert len(outbox) == 2 and len(job.to_confirm) == 3
    assert not ConsentEvent.objects.filter(kind="imported").exists()


def test_agreeing_needs_where_when_and_that_the_list_is_not_from_client_records(audience):
    job = imports.upload(FILE, "list.csv")
    with pytest.raises(ValidationError) as refused:
        imports.start(job, choices(audience, where=" ", not_client_records=False))
    assert set(refused.value.message_dict) == {"where", "not_client_records"}
    job.refresh_from_db()
    assert job.status == "mapping"


def test_a_file_that_is_empty_or_too_long_is_refused_with_a_reason(practice, monkeypatch):
    with pytest.raises(ValidationError):
        imports.upload(b"email\n", "empty.csv")
    monkeypatch.setattr(imports, "MAX_ROWS", 3)
    with pytest.raises(ValidationError, match="more than 3 rows"):
        imports.upload(b"email\na@x.org\nb@x.org\nc@x.org\nd@x.org\n", "long.csv")
    assert not ListImport.objects.exists()


def test_reports_are_deleted_after_seven_days(audience, django_capture_on_commit_callbacks):
    job = run(FILE, audience, django_capture_on_commit_callbacks)
    assert imports.delete_old_reports(timezone.now() + timedelta(days=6)) == 0
    assert imports.delete_old_reports(timezone.now() + timedelta(days=8)) == 1
    job.refresh_from_db()
    assert job.refused == []


def test_an_erasure_removes_the_persons_rows_from_every_stored_report(
    known, audience, django_capture_on_commit_callbacks
):
    job = run(FILE, audience, django_capture_on_commit_callbacks)
    data_rights.erase(Subscriber.objects.get(email="here@example.com"))
    job.refresh_from_db()
    assert "here@example.com" not in {row[1] for row in job.refused}
    assert len(job.refused) == 5
