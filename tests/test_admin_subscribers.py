"""The practice acts on a subscriber's request from the admin, and consent stays provable."""

import json

from django.contrib.auth.models import Permission, User

from newsletter.models import ConsentEvent, Subscriber
from newsletter.subscribers import data_rights, subscriptions


def test_an_unsubscribe_asked_for_by_email_is_done_from_the_admin(client, active_subscriber):
    client.force_login(User.objects.create_superuser("admin", password="pw"))
    client.post(
        "/admin/newsletter/subscriber/",
        {"action": "unsubscribe", "_selected_action": [active_subscriber.pk]},
    )
    active_subscriber.refresh_from_db()
    assert active_subscriber.status == "unsubscribed"
    last = ConsentEvent.objects.filter(subscriber=active_subscriber).last()
    assert (last.kind, last.channel) == ("unsubscribed", "admin")


def test_lists_are_shown_but_not_edited_in_the_admin(client, active_subscriber):
    client.force_login(User.objects.create_superuser("admin", password="pw"))
    page = client.get(f"/admin/newsletter/subscriber/{active_subscriber.pk}/change/")
    html = page.content.decode()
    assert "Ketamine-assisted therapy" in html
    assert 'name="membership_set-0-audience"' not in html  # shown as text, not a field


def test_a_bounced_address_stays_bounced_when_its_unsubscribe_link_is_used(active_subscriber):
    Subscriber.objects.filter(pk=active_subscriber.pk).update(status="bounced")
    subscriptions.unsubscribe(active_subscriber, "one-click")
    active_subscriber.refresh_from_db()
    assert active_subscriber.status == "bounced"
    assert subscriptions.resubscribe(active_subscriber) is False


def test_erasing_from_the_admin_first_says_what_will_happen(client, active_subscriber):
    client.force_login(User.objects.create_superuser("admin", password="pw"))
    chosen = {"action": "erase_data", "_selected_action": [active_subscriber.pk]}
    page = client.post("/admin/newsletter/subscriber/", chosen)
    html = page.content.decode()
    assert page.status_code == 200 and "active@example.com" in html
    assert "never mailed again" in html and "cannot be undone" in html
    assert html.count('name="erase" value="yes"') == 1 and "Erase their data</button>" in html
    active_subscriber.refresh_from_db()
    assert active_subscriber.status == "active"  # nothing happens before the button


def test_the_erase_button_erases_and_records_it_as_done_by_the_practice(client, active_subscriber):
    client.force_login(User.objects.create_superuser("admin", password="pw"))
    chosen = {"action": "erase_data", "_selected_action": [active_subscriber.pk], "erase": "yes"}
    done = client.post("/admin/newsletter/subscriber/", chosen, follow=True)
    assert "Erased the data of 1 subscriber" in done.content.decode()
    active_subscriber.refresh_from_db()
    assert (active_subscriber.status, active_subscriber.email) == ("erased", "")
    last = ConsentEvent.objects.filter(subscriber=active_subscriber).last()
    assert (last.kind, last.channel) == ("erased", "admin")


def test_a_subject_access_request_is_downloaded_from_the_admin(client, active_subscriber):
    client.force_login(User.objects.create_superuser("admin", password="pw"))
    chosen = {"action": "export_data", "_selected_action": [active_subscriber.pk]}
    response = client.post("/admin/newsletter/subscriber/", chosen)
    assert "attachment" in response["Content-Disposition"]
    assert json.loads(response.content) == json.loads(
        json.dumps(data_rights.export(active_subscriber))
    )


def test_staff_who_may_only_view_subscribers_cannot_erase_them(client, active_subscriber):
    viewer = User.objects.create_user("viewer", password="pw", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_subscriber"))
    client.force_login(viewer)
    chosen = {"action": "erase_data", "_selected_action": [active_subscriber.pk], "erase": "yes"}
    client.post("/admin/newsletter/subscriber/", chosen)
    active_subscriber.refresh_from_db()
    assert active_subscriber.status == "active"
