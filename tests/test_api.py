"""The REST API at /api/v1/: tokens and scopes, subscribers, content, statistics, problems."""

import pytest

from newsletter.integrations import api_tokens
from newsletter.models import Broadcast, ConsentEvent, Delivery, Subscriber

ALL = list(api_tokens.SCOPES)


@pytest.fixture
def token(practice) -> str:
    return api_tokens.create("Zapier", ALL).value


def call(client, method, path, token, **body):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    send = getattr(client, method)
    if body:
        return send(f"/api/v1{path}", body, content_type="application/json", headers=headers)
    return send(f"/api/v1{path}", headers=headers)


def test_a_token_is_shown_once_and_stored_only_as_its_hash(practice):
    created = api_tokens.create("Zapier", ["subscribers:read"])
    assert created.token.token_hash == api_tokens.digest(created.value)
    assert created.value not in str(created.token.__dict__)


def test_a_request_without_a_valid_token_is_a_401_problem(client, practice):
    answer = call(client, "get", "/subscribers", "wrong")
    assert answer.status_code == 401
    assert answer["Content-Type"] == "application/problem+json"
    assert {"type", "title", "status", "detail"} <= set(answer.json())


def test_a_revoked_token_no_longer_opens_the_api(client, practice):
    created = api_tokens.create("Old", ALL)
    api_tokens.revoke(created.token.pk)
    assert call(client, "get", "/subscribers", created.value).status_code == 401


def test_a_token_without_the_scope_is_refused_with_403(client, practice):
    value = api_tokens.create("Reader", ["stats:read"]).value
    answer = call(client, "get", "/subscribers", value)
    assert answer.status_code == 403
    assert "subscribers:read" in answer.json()["detail"]


def test_each_token_has_its_own_rate_limit_answered_as_a_429_problem(client, settings, token):
    settings.API_RATE_LIMIT = "2/m"
    other = api_tokens.create("Other", ALL).value
    codes = [call(client, "get", "/audiences", token).status_code for _ in range(3)]
    assert codes == [200, 200, 429]
    assert call(client, "get", "/audiences", other).status_code == 200


def test_subscribers_are_listed_with_a_cursor_and_filters(client, token, subscribe):
    for n in range(3):
        subscribe(f"reader{n}@example.com")
    first = call(client, "get", "/subscribers?limit=2&status=pending", token).json()
    assert len(first["items"]) == 2 and first["next_cursor"]
    rest = call(client, "get", f"/subscribers?limit=2&cursor={first['next_cursor']}", token)
    assert [s["email"] for s in rest.json()["items"]] == ["reader2@example.com"]
    assert rest.json()["next_cursor"] is None
    none = call(client, "get", "/subscribers?status=active", token).json()
    assert none["items"] == []


def test_a_moment_with_an_offset_postgresql_cannot_store_is_read_in_utc(client, token):
    answer = call(client, "get", "/subscribers?changed_since=0298-06-23T03:12:25%2B17:20", token)
    assert answer.status_code == 200


def test_a_bad_cursor_is_a_422_problem(client, token):
    answer = call(client, "get", "/subscribers?cursor=%21%21", token)
    assert answer.status_code == 422
    assert answer["Content-Type"] == "application/problem+json"


def test_adding_a_subscriber_starts_double_opt_in_said_to_come_from_the_token(
    client, token, outbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        body = {"email": "new@example.com", "consent": True}
        answer = call(client, "post", "/subscribers", token, **body)
    assert answer.status_code == 202
    subscriber = Subscriber.objects.get(email="new@example.com")
    assert subscriber.status == Subscriber.Status.PENDING
    assert subscriber.consent_events.get().channel == "API: Zapier"
    assert len(outbox) == 1


def test_an_attested_import_is_active_with_an_imported_event_carrying_the_attestation(
    client, token
):
    words = "Signed up on the paper form at the open day, 3 May 2026."
    body = {"email": "paper@example.com", "attestation": words}
    answer = call(client, "post", "/subscribers", token, **body)
    assert answer.status_code == 201 and answer.json()["status"] == "active"
    event = ConsentEvent.objects.get(subscriber__email="paper@example.com")
    assert (event.kind, event.channel, event.detail["attestation"]) == (
        "imported",
        "API: Zapier",
        words,
    )


def test_a_subscriber_is_changed_paused_unsubscribed_exported_and_erased(
    client, token, active_subscriber
):
    path = f"/subscribers/{active_subscriber.public_id}"
    changed = call(client, "patch", path, token, first_name="Ann", time_zone="Europe/Paris")
    assert (changed.json()["first_name"], changed.json()["time_zone"]) == ("Ann", "Europe/Paris")
    assert call(client, "post", f"{path}/pause", token, weeks=3).status_code == 422
    assert call(client, "post", f"{path}/pause", token, weeks=2).json()["status"] == "paused"
    exported = call(client, "get", f"{path}/export", token).json()
    assert exported["profile"]["email"] == "active@example.com"
    left = call(client, "post", f"{path}/unsubscribe", token).json()
    assert left["status"] == "unsubscribed"
    assert call(client, "post", f"{path}/erase", token).json()["status"] == "erased"
    channels = set(active_subscriber.consent_events.values_list("channel", flat=True))
    assert "API: Zapier" in channels


def test_an_unknown_subscriber_is_a_404_problem(client, token):
    answer = call(client, "get", "/subscribers/nobody", token)
    assert answer.status_code == 404 and answer.json()["status"] == 404


def test_a_draft_broadcast_is_created_scheduled_and_cancelled(client, token, audience):
    body = {"subject": "Spring", "body": "Hello", "audiences": [audience.slug]}
    made = call(client, "post", "/broadcasts", token, **body)
    assert made.status_code == 201
    pk = made.json()["id"]
    assert (
        call(client, "post", f"/broadcasts/{pk}/schedule", token, at=None).json()["status"]
        == "scheduled"
    )
    assert call(client, "post", f"/broadcasts/{pk}/cancel", token).json()["status"] == ("cancelled")
    assert call(client, "get", f"/broadcasts/{pk}/progress", token).json()["total"] == 0
    assert call(client, "post", "/broadcasts", token, **body).status_code == 201


def test_statistics_hide_every_count_under_five_and_the_rates_with_them(
    client, token, audience, subscribe
):
    item = Broadcast.objects.create(subject="S", body="B", status="sent")
    for n in range(6):
        person = subscribe(f"s{n}@example.com")
        event = "bounced" if n == 0 else "delivered"
        Delivery.objects.create(subscriber=person, broadcast=item, status="sent", event=event)
    stats = call(client, "get", f"/stats/broadcasts/{item.pk}", token).json()
    assert (stats["sent"], stats["delivered"], stats["bounced"]) == (6, 5, None)
    assert stats["bounce_rate"] is None and stats["delivered_rate"] == round(5 / 6, 4)
    assert stats["notes"]["bounced"] == "fewer than 5"


def test_the_openapi_document_and_its_docs_page_load_nothing_from_elsewhere(client, practice):
    document = client.get("/api/v1/openapi.json")
    assert document.status_code == 200 and document.json()["openapi"].startswith("3.")
    page = client.get("/api/v1/docs")
    assert page.status_code == 200
    html = page.content.decode()
    assert "cdn" not in html.lower() and "/static/ninja/swagger-ui-bundle.js" in html
    assert "script-src 'self'" in page["Content-Security-Policy"]
