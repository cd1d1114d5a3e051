"""The subscribe endpoint: one answer for every address, spam guards, origins and CORS."""

import pytest
from django.test import Client

from newsletter.models import ConsentEvent, Subscriber
from newsletter.subscribers import subscriptions

BLOG = "https://blog.example"
JSON = {"Accept": "application/json"}


def post(http: Client, headers: dict | None = None, **fields):
    data = {"email": "reader@example.com", "consent": "yes", **fields}
    return http.post("/subscribe/", data, headers={**JSON, **(headers or {})})


@pytest.fixture
def http() -> Client:
    return Client(enforce_csrf_checks=True)


@pytest.fixture
def committed(http, django_capture_on_commit_callbacks):
    """Post, then run what waits for the commit (the confirmation task)."""

    def run(**fields):
        with django_capture_on_commit_callbacks(execute=True):
            return post(http, **fields)

    return run


def make(status: str, subscribe, audience) -> str:
    email = f"{status}@example.com"
    subscriber = subscribe(email)
    if status in ("active", "unsubscribed"):
        subscriptions.confirm(subscriber.pk, [audience.pk], subscriptions.Client())
    if status == "unsubscribed":
        subscriptions.unsubscribe(subscriber, "test")
    return email


@pytest.mark.parametrize("status", ["pending", "active", "unsubscribed"])
def test_the_answer_is_the_same_whatever_the_address_status(status, http, subscribe, audience):
    known = make(status, subscribe, audience)
    fresh = post(http, email="stranger@example.com")
    again = post(http, email=known.upper())
    assert (again.status_code, again.json()) == (fresh.status_code, fresh.json())
    assert fresh.json() == {"ok": True, "message": fresh.json()["message"]}


def test_the_hosted_page_has_an_unticked_consent_box_and_a_hidden_honeypot(http, practice):
    page = http.get("/subscribe/").content.decode()
    assert 'name="consent"' in page and "checked" not in page
    assert practice.current_consent().text in page
    assert 'name="website"' in page and 'tabindex="-1"' in page


def test_the_hosted_page_answers_a_plain_form_with_a_page(http, practice):
    response = http.post("/subscribe/", {"email": "reader@example.com", "consent": "on"})
    assert response.status_code == 200
    assert "Check your inbox" in response.content.decode()
    invalid = http.post("/subscribe/", {"email": "reader@example.com"})
    assert invalid.status_code == 400
    assert "Please tick the box" in invalid.content.decode()


def test_invalid_json_answers_list_the_problem_per_field(http, practice):
    response = post(http, email="nope", consent="")
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert response.json()["ok"] is False
    assert set(errors) == {"email", "consent"}


def test_a_filled_honeypot_gets_the_success_answer_and_nothing_else(http, practice, outbox):
    response = post(http, website="https://spam.example")
    assert response.json()["ok"] is True
    assert Subscriber.objects.count() == 0 and outbox == []


def test_an_unlisted_origin_is_refused_and_gets_no_cors_headers(http, practice, settings):
    settings.ALLOWED_EMBED_ORIGINS = [BLOG]
    response = post(http, headers={"Origin": "https://elsewhere.example"})
    assert response.status_code == 403
    assert "Access-Control-Allow-Origin" not in response.headers
    assert Subscriber.objects.count() == 0


def test_a_listed_origin_gets_cors_headers_read_at_request_time(http, practice, settings):
    settings.ALLOWED_EMBED_ORIGINS = [BLOG]
    response = post(http, headers={"Origin": BLOG})
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == BLOG
    settings.ALLOWED_EMBED_ORIGINS = []
    assert post(http, headers={"Origin": BLOG}).status_code == 403


def test_a_cors_preflight_is_answered_only_for_listed_origins(http, practice, settings):
    settings.ALLOWED_EMBED_ORIGINS = [BLOG]
    ask = {"Access-Control-Request-Method": "POST"}
    allowed = http.options("/subscribe/", headers={"Origin": BLOG, **ask})
    other = http.options("/subscribe/", headers={"Origin": "https://x.example", **ask})
    assert allowed.headers["Access-Control-Allow-Origin"] == BLOG
    assert "POST" in allowed.headers["Access-Control-Allow-Methods"]
    assert "Access-Control-Allow-Origin" not in other.headers


def test_other_pages_never_answer_cors(http, practice, settings):
    settings.ALLOWED_EMBED_ORIGINS = [BLOG]
    response = http.get("/admin/login/", headers={"Origin": BLOG})
    assert "Access-Control-Allow-Origin" not in response.headers


def test_the_site_itself_may_post_without_being_listed(http, practice, settings):
    settings.ALLOWED_EMBED_ORIGINS = []
    response = post(http, headers={"Origin": settings.SITE_URL})
    assert response.status_code == 200


def test_one_client_is_limited_to_the_configured_rate(http, practice, settings):
    settings.RATELIMIT_SUBSCRIBE_PER_CLIENT = "3/h"
    answers = [post(http, email=f"r{n}@example.com").status_code for n in range(4)]
    assert answers == [200, 200, 200, 429]
    assert Subscriber.objects.count() == 3
    assert "Too many attempts" in post(http).json()["errors"]["__all__"][0]


def test_one_address_is_limited_quietly_whatever_its_case(http, practice, settings, outbox):
    settings.RATELIMIT_SUBSCRIBE_PER_ADDRESS = "2/h"
    settings.CONFIRMATION_RESEND_MINUTES = 0
    for email in ["a@example.com", "A@EXAMPLE.COM", "a@Example.com"]:
        assert post(http, email=email).json()["ok"] is True
    requested = ConsentEvent.objects.filter(kind="requested").count()
    assert requested == 2


def test_subscribing_again_while_pending_resends_only_after_the_pause(
    committed, practice, outbox, settings, time_machine
):
    settings.CONFIRMATION_RESEND_MINUTES = 5
    time_machine.move_to("2026-03-02 10:00:00+00:00", tick=False)
    committed()
    committed()
    assert len(outbox) == 1
    time_machine.move_to("2026-03-02 10:06:00+00:00", tick=False)
    committed()
    assert len(outbox) == 2
    assert outbox[0].to == outbox[1].to == ["reader@example.com"]


def test_nothing_but_the_confirmation_goes_to_a_pending_address(subscribe, outbox, practice):
    subscriber = subscribe("pending@example.com")
    assert [m.subject for m in outbox] == [outbox[0].subject]
    assert "confirm" in outbox[0].subject.lower()
    assert subscriber.status == "pending" and not subscriber.audiences.exists()
