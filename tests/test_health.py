"""Probes: /healthz asks nothing, /readyz asks the database and Redis, each answered in JSON."""

import pytest
import redis

from newsletter.observability import counters, health


def test_healthz_answers_ok_without_asking_any_dependency(client, monkeypatch):
    monkeypatch.setattr(health, "CHECKS", {"boom": lambda: 1 / 0})
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {}}


@pytest.mark.django_db
def test_readyz_reports_the_database_and_redis_as_ok(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": "ok", "redis": "ok"}}


@pytest.mark.django_db
def test_readyz_answers_503_naming_redis_when_redis_does_not_answer(client, monkeypatch):
    dead = redis.Redis.from_url("redis://127.0.0.1:1/0", socket_connect_timeout=0.2)
    monkeypatch.setattr(counters, "client", lambda url: dead)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json() == {
        "status": "unavailable",
        "checks": {"database": "ok", "redis": "unavailable"},
    }


def test_a_probe_by_ip_address_over_plain_http_is_answered_not_refused(client, settings):
    settings.ALLOWED_HOSTS = ["news.example.org"]
    settings.SECURE_SSL_REDIRECT = True
    response = client.get("/healthz", HTTP_HOST="10.0.0.7:8000")
    assert response.status_code == 200


@pytest.mark.django_db
def test_a_backlog_or_a_silent_beat_leaves_the_site_ready(client, audience):
    from datetime import timedelta

    from django.utils import timezone

    from .sequencing import enrolled, make_sequence

    make_sequence(audience)
    enrolled(audience, "waiting@example.com", timezone.now() - timedelta(hours=3))
    assert counters.read_heartbeat() is None
    assert client.get("/readyz").status_code == 200
