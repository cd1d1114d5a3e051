"""Benchmark dispatch alone: how long send_due takes to turn due work into ledger rows.

    python bench/dispatch.py [--enrollments 1000000] [--due 10000,100000] [--broadcast 1000000]
                             [--database URL] [--json]

Fills a scratch database with N enrollments (of which D are due for each pass, the rest
days away), then times one send_due pass per D: Delivery rows created, enrollments
advanced, one task per chunk handed to an in-memory broker (no worker, nothing sent). Then
a broadcast to B active members of one audience is turned into its ledger rows and tasks
by one send_due pass, timed, with the peak RSS of that pass alone. With no arguments it is
the goal run on PostgreSQL (1,000,000 enrollments, 10,000 then 100,000 due, a broadcast to
1,000,000 readers).
"""

import argparse
import json
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from common import configure, settle

GOAL_DATABASE = "postgres://postgres@127.0.0.1:5432/nl_dispatch_bench"
NOW = datetime(2026, 11, 3, 15, 0, tzinfo=UTC)  # Tuesday 10:00 in New York (the window)


def main() -> None:
    args = parse()
    database = None if args.database == "sqlite" else args.database
    configure(database)
    from django.conf import settings

    from celery_app import app

    settings.CELERY_TASK_ALWAYS_EAGER = False
    app.conf.task_always_eager = False
    app.conf.broker_url = "memory://"
    people = max(args.enrollments, args.broadcast)
    started = time.perf_counter()
    audience = fill(people, args.enrollments, args.due)
    fill_seconds = time.perf_counter() - started
    report = {
        "enrollments": args.enrollments,
        "fill_seconds": round(fill_seconds, 1),
        "database": database.rsplit("@", 1)[-1] if database else "sqlite",
    }
    for number, due in enumerate(args.due):
        seconds, queries, dispatched = timed_pass(NOW + timedelta(hours=number))
        report[f"due_{due}"] = {"dispatched": dispatched, "seconds": round(seconds, 3)}
        report[f"due_{due}"]["queries"] = queries
        clear_ledger()
    if args.broadcast:
        report["broadcast"] = timed_broadcast(audience, NOW + timedelta(hours=len(args.due)))
    if args.json:
        print(json.dumps(report))
    else:
        print("\n".join(f"{k}: {v}" for k, v in report.items()))


def parse():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--enrollments", type=int, default=1_000_000)
    parser.add_argument(
        "--due",
        type=lambda text: [int(n) for n in text.split(",") if n],
        default=[10_000, 100_000],
        help="enrollments due in each timed pass, comma separated",
    )
    parser.add_argument(
        "--broadcast", type=int, default=1_000_000, help="broadcast recipients (0: none)"
    )
    parser.add_argument(
        "--database",
        default=GOAL_DATABASE,
        help=f"database URL, or 'sqlite' for a scratch SQLite file (default {GOAL_DATABASE})",
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    return parser.parse_args()


def fill(people: int, enrollments: int, dues: list[int]):
    """The demo practice, one four-step sequence, `people` active members of its audience,
    and `enrollments` of them enrolled: the k-th group of dues[k] due just before pass k."""
    from django.db import connection

    from newsletter.management import demo
    from newsletter.models import Audience, Sequence
    from newsletter.sequences import sequence_edits

    demo.load_demo()
    audience = Audience.objects.get(slug="ketamine-assisted-therapy")
    sequence = Sequence.objects.create(
        name="Bench", slug="bench", audience=audience, status="active"
    )
    for n in range(1, 5):
        sequence_edits.add_step(sequence, subject=f"Step {n}", body="Body", delay_value=n)
    due_at = []
    for number, due in enumerate(dues):
        due_at += [(due, NOW + timedelta(hours=number, minutes=-1))]
    if connection.vendor == "postgresql":
        _fill_postgres(people, enrollments, due_at, audience, sequence)
    else:
        _fill_orm(people, enrollments, due_at, audience, sequence)
    settle()
    return audience


def _fill_postgres(people, enrollments, due_at, audience, sequence) -> None:
    """INSERT ... SELECT over generate_series: a million rows per table in seconds."""
    from django.db import connection

    bounds, edge = [], 0
    for due, at in due_at:
        bounds.append((edge + due, at))
        edge += due
    cases = " ".join(f"WHEN s.n < {stop} THEN %s" for stop, _ in bounds)
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO newsletter_subscriber (email, email_key, first_name, status, "
            "time_zone, source_url, created_at, public_id, pace) "
            "SELECT 'r' || n || '@example.com', 'r' || n || '@example.com', '', 'active', "
            "'', '', %s, md5('bench' || n), 'normal' FROM generate_series(0, %s - 1) AS n "
            "ORDER BY n",
            [NOW - timedelta(days=30), people],
        )
        numbered = (
            "(SELECT id, row_number() OVER (ORDER BY id) - 1 AS n FROM newsletter_subscriber "
            "WHERE email_key LIKE 'r%%@example.com') AS s"
        )
        cursor.execute(
            "INSERT INTO newsletter_membership (joined_at, audience_id, subscriber_id) "
            f"SELECT %s, %s, s.id FROM {numbered}",
            [NOW - timedelta(days=30), audience.pk],
        )
        cursor.execute(
            "INSERT INTO newsletter_enrollment (status, exit_reason, next_position, "
            "enrolled_at, sequence_id, subscriber_id, next_send_at) "
            f"SELECT 'active', '', 1, %s, %s, s.id, CASE {cases} ELSE %s END "
            f"FROM {numbered} WHERE s.n < %s",
            [NOW - timedelta(days=30), sequence.pk]
            + [at for _, at in bounds]
            + [NOW + timedelta(days=3), enrollments],
        )


def _fill_orm(people, enrollments, due_at, audience, sequence) -> None:
    """Subscribers, memberships and enrollments in bulk, 50,000 rows per INSERT batch."""
    from newsletter.models import Enrollment, Membership, Subscriber

    later = NOW + timedelta(days=3)

    def next_send_at(n: int) -> datetime:
        edge = 0
        for due, at in due_at:
            edge += due
            if n < edge:
                return at
        return later

    for start in range(0, people, 50_000):
        stop = min(start + 50_000, people)
        readers = Subscriber.objects.bulk_create(
            Subscriber(email=f"r{n}@example.com", email_key=f"r{n}@example.com", status="active")
            for n in range(start, stop)
        )
        Membership.objects.bulk_create(Membership(subscriber=p, audience=audience) for p in readers)
        Enrollment.objects.bulk_create(
            Enrollment(
                subscriber=p, sequence=sequence, next_position=1, next_send_at=next_send_at(n)
            )
            for n, p in zip(range(start, stop), readers, strict=True)
            if n < enrollments
        )


class Counter:
    """Counts queries without keeping their SQL (a million-row pass runs thousands)."""

    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def timed_pass(now: datetime) -> tuple[float, int, int]:
    from django.db import connection

    from newsletter.delivery import dispatch

    counter = Counter()
    with connection.execute_wrapper(counter):
        started = time.perf_counter()
        report = dispatch.send_due(now)
        seconds = time.perf_counter() - started
    return seconds, counter.count, report.dispatched


def clear_ledger() -> None:
    """The next pass starts from an empty ledger, so it times only its own due work."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM newsletter_delivery")
    settle()


def timed_broadcast(audience, now: datetime) -> dict:
    """One send_due pass that turns a broadcast into its ledger rows and tasks."""
    from newsletter.models import Broadcast, Delivery
    from newsletter.sequences import broadcasts

    broadcast = Broadcast.objects.create(slug="bench", subject="News", body="Hello.")
    broadcast.audiences.add(audience)
    broadcasts.schedule(broadcast, now)
    recipients = broadcasts.reach(broadcast)
    base_mb = _reset_peak_rss()
    counter = Counter()
    from django.db import connection

    from newsletter.delivery import dispatch

    with connection.execute_wrapper(counter):
        started = time.perf_counter()
        report = dispatch.send_due(now)
        seconds = time.perf_counter() - started
    peak_mb = _peak_rss_mb()
    rows = Delivery.objects.filter(broadcast=broadcast).count()
    return {
        "recipients": recipients,
        "rows": rows,
        "tasks": len(report.tasks),
        "seconds": round(seconds, 2),
        "rows_per_s": round(rows / seconds) if seconds else None,
        "queries": counter.count,
        "rss_before_mb": round(base_mb, 1),
        "peak_rss_mb": round(peak_mb, 1),
    }


STATUS = Path("/proc/self/status")


def _reset_peak_rss() -> float:
    """The RSS now, after resetting the process's peak (Linux), so the peak is the pass's."""
    Path("/proc/self/clear_refs").write_text("5")
    return _status_mb("VmRSS")


def _peak_rss_mb() -> float:
    return _status_mb("VmHWM")


def _status_mb(field: str) -> float:
    for line in STATUS.read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    raise LookupError(field)


if __name__ == "__main__":
    main()
