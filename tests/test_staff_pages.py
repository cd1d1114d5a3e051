"""The practice's view: the therapist's staff login, subscribers, consent history, embed page."""

import pytest
from django.contrib.auth.models import User
from django.test import Client, RequestFactory

from newsletter.management import demo
from newsletter.models import ConsentEvent, Subscriber


@pytest.fixture
def therapist(practice) -> Client:
    password = demo.create_therapist()
    http = Client()
    login = RequestFactory().post("/admin/login/")  # login throttling reads the request
    assert http.login(request=login, username="therapist", password=password)
    return http


def test_the_therapist_is_staff_but_not_a_superuser(therapist):
    user = User.objects.get(username="therapist")
    assert user.is_staff and not user.is_superuser
    assert demo.create_therapist() is None
    assert User.objects.count() == 1


def test_she_can_find_subscribers_by_status_audience_and_search(
    therapist, active_subscriber, subscribe, audience
):
    subscribe("pending@example.com")
    base = "/admin/newsletter/subscriber/"
    by_status = therapist.get(base, {"status__exact": "active"}).content.decode()
    assert "active@example.com" in by_status and "pending@example.com" not in by_status
    by_list = therapist.get(base, {"audiences__id__exact": audience.pk}).content.decode()
    assert "active@example.com" in by_list and "pending@example.com" not in by_list
    found = therapist.get(base, {"q": "pending@"}).content.decode()
    assert "pending@example.com" in found and "active@example.com" not in found


def test_she_sees_the_consent_history_read_only(therapist, active_subscriber):
    page = therapist.get(f"/admin/newsletter/subscriber/{active_subscriber.pk}/change/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "consent history" in html.lower()
    assert "Ketamine-assisted therapy" in html
    assert active_subscriber.consent_events.first().consent_text in html
    assert 'name="consent_events-0-kind"' not in html


def test_she_cannot_add_change_or_delete_consent_events(therapist, active_subscriber):
    event = ConsentEvent.objects.first()
    base = "/admin/newsletter/consentevent/"
    assert therapist.get(base).status_code == 200
    assert therapist.get(base + "add/").status_code == 403
    assert therapist.post(f"{base}{event.pk}/change/", {"kind": "erased"}).status_code == 403
    assert therapist.post(f"{base}{event.pk}/delete/", {"post": "yes"}).status_code == 403
    assert ConsentEvent.objects.get(pk=event.pk).kind == event.kind


def test_she_cannot_add_or_delete_subscribers(therapist, active_subscriber):
    base = "/admin/newsletter/subscriber/"
    assert therapist.get(base + "add/").status_code == 403
    response = therapist.post(f"{base}{active_subscriber.pk}/delete/", {"post": "yes"})
    assert response.status_code == 403
    assert "delete_selected" not in therapist.get(base).content.decode()
    therapist.post(base, {"action": "delete_selected", "_selected_action": [active_subscriber.pk]})
    assert Subscriber.objects.filter(pk=active_subscriber.pk).exists()


def test_she_has_no_access_to_user_accounts(therapist):
    assert therapist.get("/admin/auth/user/").status_code == 403


def test_the_embed_page_shows_one_snippet_per_audience(therapist, settings):
    settings.ALLOWED_EMBED_ORIGINS = ["https://blog.example"]
    html = therapist.get("/admin/embed/").content.decode()
    assert "Newsletter workspace" in html and "Log out" in html
    assert html.count("&lt;form class=&quot;nl-subscribe&quot;") == 2
    assert "ketamine-assisted-therapy" in html and "emdr" in html
    assert "https://blog.example" in html


def test_the_embed_page_is_for_staff_only(client, practice):
    response = client.get("/admin/embed/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_the_admin_menu_links_to_the_form_snippets_and_the_outbox(therapist):
    html = therapist.get("/admin/").content.decode()
    assert 'href="/admin/embed/"' in html and 'href="/admin/outbox/"' in html
