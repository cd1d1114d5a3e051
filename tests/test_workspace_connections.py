"""Settings sections for other tools: API tokens shown once, webhook endpoints with their
latest messages, and the public archive's switch."""

import pytest

from newsletter.integrations import api_tokens, outbound
from newsletter.models import ApiToken, Practice, WebhookEndpoint, WebhookMessage

from .settings_pages import logged_in

TOKENS = "/workspace/settings/api/"
HOOKS = "/workspace/settings/webhooks/"
ARCHIVE = "/workspace/settings/archive/"


@pytest.fixture
def therapist(practice):
    return logged_in()


def test_the_settings_index_links_the_three_sections(therapist):
    page = therapist.get("/workspace/settings/").content.decode()
    for path in (TOKENS, HOOKS, ARCHIVE):
        assert f'href="{path}"' in page


def test_a_new_token_is_shown_once_and_then_only_by_name(therapist):
    made = therapist.post(TOKENS, {"name": "Zapier", "scopes": ["subscribers:read"]})
    token = ApiToken.objects.get()
    html = made.content.decode()
    value = html.split('id="new-token" class="code" readonly value="')[1].split('"')[0]
    assert api_tokens.digest(value) == token.token_hash
    assert value not in therapist.get(TOKENS).content.decode()


def test_a_token_without_a_name_or_scope_is_refused_next_to_the_field(therapist):
    answer = therapist.post(TOKENS, {"name": "", "scopes": []})
    assert answer.status_code == 400
    assert "Please name the token." in answer.content.decode()
    assert not ApiToken.objects.exists()


def test_a_revoked_token_leaves_the_list(therapist):
    created = api_tokens.create("Old", ["stats:read"])
    therapist.post(f"{TOKENS}{created.token.pk}/revoke/")
    assert api_tokens.authenticate(created.value) is None


def test_an_endpoint_is_registered_with_its_secret_shown_once(therapist):
    data = {"url": "https://crm.example.com/in", "events": ["subscriber.confirmed"]}
    made = therapist.post(HOOKS, data).content.decode()
    endpoint = WebhookEndpoint.objects.get()
    assert endpoint.secret in made
    assert endpoint.secret not in therapist.get(HOOKS).content.decode()


def test_a_plain_http_endpoint_is_refused_with_nothing_saved(therapist, settings):
    settings.WEBHOOKS_ALLOW_PRIVATE = False
    data = {"url": "http://crm.example.com/in", "events": ["subscriber.confirmed"]}
    answer = therapist.post(HOOKS, data)
    assert answer.status_code == 400 and "https://" in answer.content.decode()
    assert not WebhookEndpoint.objects.exists()


def test_the_webhooks_page_shows_recent_messages_and_why_an_endpoint_is_off(
    therapist, active_subscriber
):
    endpoint = WebhookEndpoint.objects.create(
        url="https://crm.example.com/in", events=["subscriber.paused"], secret="whsec_eA=="
    )
    outbound.emit("subscriber.paused", active_subscriber)
    WebhookMessage.objects.update(log=[{"at": "x", "ok": False, "result": "HTTP 503"}])
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(
        active=False, disabled_reason="Turned off on 3 Mar 2026: every attempt failed."
    )
    page = therapist.get(HOOKS).content.decode()
    assert "subscriber.paused" in page and "HTTP 503" in page
    assert "every attempt failed" in page


def test_the_archive_switch_turns_the_public_archive_on_and_off(therapist, client):
    therapist.post(ARCHIVE, {"archive_enabled": "on"})
    assert Practice.get().archive_enabled
    assert therapist.post(ARCHIVE, {"archive_enabled": "maybe"}).status_code == 400
    therapist.post(ARCHIVE, {"archive_enabled": "off"})
    assert not Practice.get().archive_enabled


def test_making_a_token_is_in_the_audit_trail_without_its_value(therapist):
    from newsletter.models import AuditEntry

    therapist.post(TOKENS, {"name": "Zapier", "scopes": ["subscribers:read"]})
    entry = AuditEntry.objects.get(action="token created")
    assert entry.username == "therapist" and entry.detail == {"scopes": 1}
