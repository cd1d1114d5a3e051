"""The practice acts on a subscriber's request from the admin, and consent stays provable."""

from django.contrib.auth.models import User

from newsletter.models import ConsentEvent, Subscriber
from newsletter.subscribers import subscriptions


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
