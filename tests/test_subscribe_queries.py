"""What one subscribe asks the database and the cache: each thing once."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from newsletter.models import ConsentEvent, EmbedOrigin, Subscriber
from newsletter.subscribers import subscriptions

BLOG = "https://blog.example"
Outcome = subscriptions.Outcome


def tables_read(queries: list[dict], table: str) -> int:
    return sum(f'"{table}"' in query["sql"] for query in queries)


@pytest.mark.django_db
def test_a_blog_subscribe_looks_up_its_origin_and_the_practice_once_each(practice, audience):
    EmbedOrigin.objects.create(origin=BLOG)
    http = Client(enforce_csrf_checks=True)
    data = {"email": "new.reader@example.com", "consent": "yes"}
    with CaptureQueriesContext(connection) as seen:
        answer = http.post("/subscribe/", data, headers={"Origin": BLOG})
    assert answer.status_code == 200
    assert answer["Access-Control-Allow-Origin"] == BLOG
    assert tables_read(seen.captured_queries, "newsletter_embedorigin") == 1
    # the domain reads the practice once for the consent record, the view once for its thanks
    assert tables_read(seen.captured_queries, "newsletter_practice") == 2
    updates = [q for q in seen.captured_queries if q["sql"].startswith("UPDATE")]
    assert updates == []  # a new row is written once, its confirmation time included
    subscriber = Subscriber.objects.get(email="new.reader@example.com")
    assert subscriber.status == Subscriber.Status.PENDING
    assert subscriber.confirmation_sent_at is not None


@pytest.mark.django_db
def test_a_new_address_is_created_once_and_a_second_request_is_throttled(practice, audience):
    request = subscriptions.SubscribeRequest(email="twice@example.com", consent=True)
    client = subscriptions.Client(source_url="https://blog.example/a")
    assert subscriptions.subscribe(request, client) is Outcome.CONFIRMATION_SENT
    first = Subscriber.objects.get(email="twice@example.com")
    assert subscriptions.subscribe(request, client) is Outcome.THROTTLED
    assert Subscriber.objects.filter(email_key=first.email_key).count() == 1
    again = Subscriber.objects.get(pk=first.pk)
    assert (again.public_id, again.confirmation_sent_at) == (
        first.public_id,
        first.confirmation_sent_at,
    )
    requested = ConsentEvent.objects.filter(subscriber=first, kind="requested").count()
    assert requested == 2  # each request is recorded; only the first is mailed


def test_the_cache_keeps_one_redis_client_and_still_answers():
    backend = cache._cache
    assert backend.get_client(write=True) is backend.get_client(write=True)
    cache.set("one-client-check", 41, timeout=30)
    assert cache.incr("one-client-check") == 42
    cache.delete("one-client-check")
