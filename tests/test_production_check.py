"""`make prod-check`: the Procfile's processes, production settings, one subscriber end to end.

Subscribe, confirm, the welcome email (the demo sequence's first step, dispatched by
`manage.py send_due` as beat would a minute later) and a one-click unsubscribe, all over
HTTP against gunicorn, with a real SMTP sink; then /readyz, /metrics and the logs.
"""

import json
import re
from urllib.parse import urlencode

import pytest
from prometheus_client.parser import text_string_to_metric_families

from newsletter.models import Subscriber

from .production_run import ROOT, Stack, link, procfile

ADDRESS = "philippa.prodcheck@example.org"
FIRST_NAME = "Philippa"


@pytest.fixture
def stack(transactional_db, tmp_path):
    running = Stack(tmp_path)
    yield running
    running.stop()


def test_the_procfile_names_web_worker_beat_and_a_release_step():
    lines = procfile()
    assert set(lines) == {"release", "web", "worker", "beat"}
    assert "$PORT" in lines["web"] and "WEB_CONCURRENCY" in lines["web"]
    assert all(step in lines["release"] for step in ("migrate", "collectstatic", "check --deploy"))


# Starts real processes that share the test database: PostgreSQL only (see tests/conftest.py).
@pytest.mark.worker
def test_one_subscriber_goes_from_subscribe_to_one_click_unsubscribe_on_the_production_stack(
    stack, tmp_path
):
    stack.release()
    assert (tmp_path / "static" / "staticfiles.json").exists(), "whitenoise's manifest"
    stack.manage("setup_demo")
    stack.start("web", "worker", "beat")
    http = stack.http

    status, _, ready = http.request("GET", "/readyz")
    assert (status, json.loads(ready)["checks"]) == (200, {"database": "ok", "redis": "ok"})

    form = urlencode({"email": ADDRESS, "first_name": FIRST_NAME, "consent": "on"}).encode()
    headers = {"Accept": "application/json", "X-Request-ID": "prod-check-subscribe"}
    headers["Content-Type"] = "application/x-www-form-urlencoded"
    status, answer_headers, answer = http.request("POST", "/subscribe/", form, headers)
    assert (status, json.loads(answer)["ok"]) == (200, True)
    assert answer_headers["X-Request-ID"] == "prod-check-subscribe"

    confirmation = stack.mail_to(ADDRESS, 1)[0]
    assert http.request("POST", link(confirmation, "/confirm/"), b"")[0] == 200
    stack.manage("send_due")
    welcome = stack.mail_to(ADDRESS, 2)[1]
    assert welcome["Subject"] == "Doing everything right, and still feeling heavy"

    one_click = re.search(r"<(https?://[^>]+)>", welcome["List-Unsubscribe"]).group(1)
    body = b"List-Unsubscribe=One-Click"
    kind = {"Content-Type": "application/x-www-form-urlencoded"}
    assert http.request("POST", one_click, body, kind)[0] == 200
    assert Subscriber.objects.get(email=ADDRESS).status == "unsubscribed"

    token = {"Authorization": f"Bearer {stack.env['METRICS_TOKEN']}"}
    status, _, text = http.request("GET", "/metrics", headers=token)
    assert status == 200
    seen = {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }
    assert seen[("newsletter_emails_sent_total", (("kind", "confirmation"),))] == 1
    assert seen[("newsletter_emails_sent_total", (("kind", "sequence_step"),))] == 1
    assert seen[("newsletter_subscribes_total", ())] == 1
    assert seen[("newsletter_confirmations_total", ())] == 1
    assert seen[("newsletter_unsubscribes_total", (("channel", "one-click"),))] == 1
    assert seen[("newsletter_beat_last_heartbeat_timestamp_seconds", ())] > 0
    (tmp_path / "readyz.json").write_text(ready)
    (tmp_path / "metrics.txt").write_text(text)

    logs = stack.logs()
    assert '"request_id": "prod-check-subscribe"' in logs
    assert ADDRESS not in logs and FIRST_NAME not in logs


def test_each_systemd_unit_runs_its_procfile_line():
    lines = procfile()
    for name in ("release", "web", "worker", "beat"):
        unit = (ROOT / "deploy" / f"newsletter-{name}.service").read_text()
        assert lines[name] in unit, name
