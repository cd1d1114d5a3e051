"""The admin pages for sequences, broadcasts and the ledger open, and their actions work."""

from datetime import UTC, datetime

import pytest
from django.contrib.auth.models import User

from newsletter.models import Broadcast, Enrollment, Sequence, Step

from .sequencing import enrolled, make_sequence

NOON = datetime(2026, 11, 3, 17, 0, tzinfo=UTC)


@pytest.fixture
def staff(client, db):
    user = User.objects.create_superuser("admin", password="pw")
    client.force_login(user)
    return client


def step_form(sequence, extra_rows=()) -> dict:
    steps = list(sequence.steps.order_by("position"))
    data = {
        "name": sequence.name,
        "slug": sequence.slug,
        "audience": sequence.audience_id,
        "send_days": "",
        "steps-TOTAL_FORMS": str(len(steps) + len(extra_rows)),
        "steps-INITIAL_FORMS": str(len(steps)),
        "steps-MIN_NUM_FORMS": "0",
        "steps-MAX_NUM_FORMS": "1000",
    }
    for n, step in enumerate(steps):
        data.update(_row(n, step.position, step.subject, step.delay_value, step.delay_unit))
        data[f"steps-{n}-id"] = step.pk
        data[f"steps-{n}-sequence"] = sequence.pk
    for n, row in enumerate(extra_rows, start=len(steps)):
        data.update(_row(n, *row))
        data[f"steps-{n}-sequence"] = sequence.pk
    return data


def _row(n, position, subject, delay_value=1, delay_unit="days") -> dict:
    return {
        f"steps-{n}-position": position,
        f"steps-{n}-subject": subject,
        f"steps-{n}-body": f"{subject} body",
        f"steps-{n}-delay_value": delay_value,
        f"steps-{n}-delay_unit": delay_unit,
    }


def test_the_sequence_pages_open_with_their_step_counts(staff, audience):
    sequence = make_sequence(audience)
    enrolled(audience, "reader@example.com", NOON)
    assert staff.get("/admin/newsletter/sequence/").status_code == 200
    page = staff.get(f"/admin/newsletter/sequence/{sequence.pk}/change/")
    assert page.status_code == 200 and b"not yet sent this step" in page.content.lower()
    for name in ["broadcast", "enrollment", "delivery"]:
        assert staff.get(f"/admin/newsletter/{name}/").status_code == 200


def test_a_step_added_in_the_admin_between_others_is_inserted(staff, audience):
    sequence = make_sequence(audience)
    data = step_form(sequence, extra_rows=[(2, "Inserted")])
    response = staff.post(f"/admin/newsletter/sequence/{sequence.pk}/change/", data)
    assert response.status_code == 302, response.content[:2000]
    subjects = list(Step.objects.filter(removed=False).order_by("position").values_list("subject"))
    assert [s for (s,) in subjects] == ["Step 1", "Inserted", "Step 2", "Step 3", "Step 4"]


def test_a_delay_changed_in_the_admin_reschedules_those_waiting(staff, audience):
    sequence = make_sequence(audience)
    subscriber = enrolled(audience, "reader@example.com", NOON)
    Enrollment.objects.update(next_position=2, last_sent_at=NOON)
    data = step_form(sequence)
    data["steps-1-delay_value"] = 2
    data["steps-1-delay_unit"] = "hours"
    staff.post(f"/admin/newsletter/sequence/{sequence.pk}/change/", data)
    enrollment = Enrollment.objects.get(subscriber=subscriber)
    assert enrollment.next_send_at == datetime(2026, 11, 3, 19, 0, tzinfo=UTC)


def test_pause_and_activate_actions(staff, audience):
    sequence = make_sequence(audience)
    url = "/admin/newsletter/sequence/"
    staff.post(url, {"action": "pause", "_selected_action": [sequence.pk]})
    assert Sequence.objects.get().status == "paused"
    staff.post(url, {"action": "activate", "_selected_action": [sequence.pk]})
    assert Sequence.objects.get().status == "active"


def test_the_mark_booked_action_ends_the_nurture(staff, audience):
    make_sequence(audience)
    subscriber = enrolled(audience, "reader@example.com", NOON)
    staff.post(
        "/admin/newsletter/subscriber/",
        {"action": "mark_booked", "_selected_action": [subscriber.pk]},
    )
    assert Enrollment.objects.get().exit_reason == "booked"


def test_the_broadcast_list_shows_progress_and_cancels(staff, audience):
    letter = Broadcast.objects.create(slug="b", subject="Letter", body="Hi", status="scheduled")
    page = staff.get("/admin/newsletter/broadcast/")
    assert b"0 sent, 0 waiting" in page.content
    staff.post(
        "/admin/newsletter/broadcast/", {"action": "cancel", "_selected_action": [letter.pk]}
    )
    assert Broadcast.objects.get().status == "cancelled"


def test_two_steps_can_swap_places_in_the_admin(staff, audience):
    sequence = make_sequence(audience)
    data = step_form(sequence)
    data["steps-0-position"], data["steps-1-position"] = 2, 1
    response = staff.post(f"/admin/newsletter/sequence/{sequence.pk}/change/", data)
    assert response.status_code == 302
    subjects = Step.objects.filter(removed=False).order_by("position").values_list("subject")
    assert [s for (s,) in subjects][:2] == ["Step 2", "Step 1"]


def test_two_existing_steps_at_one_position_get_a_clear_error_and_nothing_changes(staff, audience):
    sequence = make_sequence(audience)
    data = step_form(sequence)
    data["steps-2-position"] = 2
    response = staff.post(f"/admin/newsletter/sequence/{sequence.pk}/change/", data)
    assert response.status_code == 200 and b"Two steps share position 2" in response.content
    positions = list(Step.objects.order_by("pk").values_list("position", flat=True))
    assert positions == [1, 2, 3, 4]


def test_a_blunt_step_subject_is_warned_about_beside_the_field_and_on_save(staff, audience):
    sequence = make_sequence(audience)
    data = step_form(sequence)
    data["steps-0-subject"] = "Ketamine and depression"
    response = staff.post(f"/admin/newsletter/sequence/{sequence.pk}/change/", data, follow=True)
    assert Step.objects.get(position=1).subject == "Ketamine and depression"  # warned, not refused
    shown = [str(m) for m in response.context["messages"]]
    assert any("“depression” may be read on a lock screen" in m for m in shown)
    page = staff.get(f"/admin/newsletter/sequence/{sequence.pk}/change/")
    assert b'class="lockscreen-warnings"' in page.content
    assert "“ketamine” may be read on a lock screen".encode() in page.content
