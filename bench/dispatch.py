"""Benchmark dispatch alone: how long send_due takes to turn due enrollments into ledger rows.

    python bench/dispatch.py --enrollments 1000000 --due 10000 --database postgres://... [--json]

Fills a scratch database with N enrollments (of which D are due, the rest days away), then
times one send_due pass: Delivery rows created, enrollments advanced, one task per chunk
handed to an in-memory broker (no worker, nothing sent). Prints seconds and query count.
"""

import argparse
import json
import time
from datetime import UTC, datetime, timedelta

from common import configure, settle


def main() -> None:
    args = parse()
    configure(args.database)
    from django.conf import settings

    from celery_app import app

    settings.CELERY_TASK_ALWAYS_EAGER = False
    app.conf.task_always_eager = False
    app.conf.broker_url = "memory://"
    now = datetime(2026, 11, 3, 15, 0, tzinfo=UTC)
    fill(args.enrollments, args.due, now)
    seconds, queries, dispatched = timed_pass(now)
    report = {
        "enrollments": args.enrollments,
        "due": args.due,
        "dispatched": dispatched,
        "seconds": round(seconds, 3),
        "queries": queries,
        "database": args.database.rsplit("@", 1)[-1] if args.database else "sqlite",
    }
    print(json.dumps(report) if args.json else "\n".join(f"{k}: {v}" for k, v in report.items()))


def parse():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--enrollments", type=int, default=100_000)
    parser.add_argument("--due", type=int, default=10_000)
    parser.add_argument("--database", help="database URL (default: a scratch SQLite file)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    return parser.parse_args()


def fill(total: int, due: int, now: datetime) -> None:
    """Subscribers and enrollments in bulk, 50,000 rows per INSERT batch."""
    from newsletter.management import demo
    from newsletter.models import Audience, Enrollment, Sequence, Subscriber
    from newsletter.sequences import sequence_edits

    demo.load_demo()
    audience = Audience.objects.get(slug="ketamine-assisted-therapy")
    sequence = Sequence.objects.create(
        name="Bench", slug="bench", audience=audience, status="active"
    )
    for n in range(1, 5):
        sequence_edits.add_step(sequence, subject=f"Step {n}", body="Body", delay_value=n)
    later = now + timedelta(days=3)
    for start in range(0, total, 50_000):
        stop = min(start + 50_000, total)
        people = Subscriber.objects.bulk_create(
            Subscriber(email=f"r{n}@example.com", email_key=f"r{n}@example.com", status="active")
            for n in range(start, stop)
        )
        Enrollment.objects.bulk_create(
            Enrollment(
                subscriber=p,
                sequence=sequence,
                next_position=1,
                next_send_at=now - timedelta(minutes=1) if n < due else later,
            )
            for n, p in zip(range(start, stop), people, strict=True)
        )
    settle()


def timed_pass(now: datetime) -> tuple[float, int, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from newsletter.delivery import dispatch

    with CaptureQueriesContext(connection) as captured:
        started = time.perf_counter()
        report = dispatch.send_due(now)
        seconds = time.perf_counter() - started
    return seconds, len(captured.captured_queries), report.dispatched


if __name__ == "__main__":
    main()
