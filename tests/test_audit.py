"""Staff actions that touch people or sending leave an audit entry, and never an address."""

import json

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import Client

from newsletter.management import demo
from newsletter.models import AuditEntry, Broadcast, Sequence, Step, Subscriber, Suppression
from newsletter.observability import audit
from newsletter.subscribers import data_rights

from .sequencing import make_subscriber

DATA_FILE = "tests/data/window-of-tolerance.md"


@pytest.fixture
def therapist(practice) -> Client:
    password = demo.create_therapist()
    http = Client()
    http.post("/workspace/login/", {"username": "therapist", "password": password})
    return http


@pytest.fixture
def admin(practice) -> Client:
    http = Client()
    http.force_login(User.objects.create_superuser("admin", password="pw"))
    return http


@pytest.fixture
def sequence(audience) -> Sequence:
    sequence = Sequence.objects.create(name="Welcome", slug="welcome", audience=audience)
    Step.objects.create(sequence=sequence, position=1, subject="Welcome", body="Hi.")
    return sequence


@pytest.fixture
def letter(audience) -> Broadcast:
    make_subscriber(audience, "k1@example.com")
    broadcast = Broadcast.objects.create(slug="winter", subject="Winter letter", body="Hello.")
    broadcast.audiences.set([audience])
    return broadcast


def entries() -> list[tuple]:
    return list(AuditEntry.objects.order_by("pk").values_list("username", "action", "target_kind"))


def no_address_anywhere() -> bool:
    dumped = json.dumps(list(AuditEntry.objects.values()), default=str)
    return "@" not in dumped


def test_activating_and_pausing_a_sequence_in_the_workspace_are_recorded(therapist, sequence):
    therapist.post(f"/workspace/sequences/{sequence.pk}/status/", {"do": "activate"})
    therapist.post(f"/workspace/sequences/{sequence.pk}/status/", {"do": "pause"})
    assert entries() == [
        ("therapist", "sequence_activate", "sequence"),
        ("therapist", "sequence_pause", "sequence"),
    ]
    first = AuditEntry.objects.order_by("pk").first()
    assert first.target_id == sequence.pk and first.detail == {"who": "new"}


def test_a_broadcast_sent_or_cancelled_in_the_workspace_is_recorded_with_how_many(
    therapist, letter
):
    therapist.post(f"/workspace/broadcasts/{letter.pk}/send/", {"when": "now", "confirmed": "yes"})
    therapist.post(f"/workspace/broadcasts/{letter.pk}/cancel/")
    assert entries() == [
        ("therapist", "broadcast_sent", "broadcast"),
        ("therapist", "broadcast_cancel", "broadcast"),
    ]
    assert AuditEntry.objects.order_by("pk").first().detail == {"people": 1}
    assert no_address_anywhere()


def test_an_imported_article_is_recorded_with_its_number_of_emails(therapist, audience):
    with open(DATA_FILE) as text:
        therapist.post("/workspace/articles/new/", {"text": text.read(), "audience": audience.pk})
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.target_kind) == ("article_import", "sequence")
    assert entry.detail["emails"] == Sequence.objects.get().steps.count()


def test_admin_export_erase_and_unsubscribe_are_recorded_without_the_address(
    admin, active_subscriber
):
    chosen = {"_selected_action": [active_subscriber.pk]}
    admin.post("/admin/newsletter/subscriber/", {**chosen, "action": "unsubscribe"})
    admin.post("/admin/newsletter/subscriber/", {**chosen, "action": "export_data"})
    admin.post("/admin/newsletter/subscriber/", {**chosen, "action": "erase_data", "erase": "yes"})
    assert entries() == [
        ("admin", "unsubscribe", "subscriber"),
        ("admin", "export", "subscriber"),
        ("admin", "erase", "subscriber"),
    ]
    assert set(AuditEntry.objects.values_list("target_id", flat=True)) == {active_subscriber.pk}
    assert no_address_anywhere()


def test_admin_sequence_and_broadcast_actions_and_suppressions_are_recorded(
    admin, sequence, letter
):
    admin.post(
        "/admin/newsletter/sequence/", {"action": "activate", "_selected_action": [sequence.pk]}
    )
    admin.post(
        "/admin/newsletter/sequence/", {"action": "pause", "_selected_action": [sequence.pk]}
    )
    admin.post("/admin/newsletter/broadcast/", {"action": "send", "_selected_action": [letter.pk]})
    admin.post(
        "/admin/newsletter/suppression/add/",
        {
            "address_hash": "a" * 64,
            "reason": "manual",
            "created_at_0": "2026-12-01",
            "created_at_1": "10:00",
        },
    )
    assert [action for _, action, _ in entries()] == [
        "sequence_activate",
        "sequence_pause",
        "broadcast_sent",
        "suppress",
    ]
    assert Suppression.objects.filter(address_hash="a" * 64).exists()


def test_commands_record_what_they_did_with_no_user(active_subscriber, capsys):
    call_command("export_subscriber", active_subscriber.email)
    call_command("erase_subscriber", active_subscriber.email)
    assert entries() == [("", "export", "subscriber"), ("", "erase", "subscriber")]


def test_a_detail_that_could_name_someone_is_never_kept(active_subscriber):
    entry = audit.record(
        None, "export", active_subscriber, address=active_subscriber.email, count=3, note="x" * 99
    )
    assert entry.detail == {"count": 3}


def test_erasure_keeps_the_actions_about_a_subscriber_and_drops_their_detail(
    active_subscriber, sequence
):
    audit.record(None, "export", active_subscriber, channel="admin")
    audit.record(None, "sequence_pause", sequence, who="new")
    data_rights.erase(active_subscriber)
    about_them = AuditEntry.objects.get(target_kind="subscriber")
    assert about_them.action == "export" and about_them.detail == {}
    assert AuditEntry.objects.get(target_kind="sequence").detail == {"who": "new"}
    assert Subscriber.objects.get(pk=active_subscriber.pk).status == "erased"


def test_the_audit_trail_is_read_only_in_the_admin(admin, active_subscriber):
    entry = audit.record(None, "export", active_subscriber)
    assert admin.get("/admin/newsletter/auditentry/").status_code == 200
    assert admin.get("/admin/newsletter/auditentry/add/").status_code == 403
    page = admin.get(f"/admin/newsletter/auditentry/{entry.pk}/change/").content.decode()
    assert 'name="_save"' not in page
