"""Benchmark the whole sending path (dispatch, ledger, claim, render, send, record).

    python bench/send.py --recipients 10000 [--smtp HOST:PORT] [--database URL] [--json]

Creates N subscribers due for one sequence step, runs send_due with the worker code
in-process (Celery eager), then measures the raw Django baseline in the same run: the same
number of messages built from the same rendered email and sent over one connection with no
ledger. Prints emails/s for both, their ratio, and the process's peak RSS.
"""

import argparse
import gc
import json
import subprocess
import sys
import time
from datetime import UTC, datetime

from common import configure, peak_rss_mb, settle

NOW = datetime(2026, 11, 3, 15, 0, tzinfo=UTC)  # a Tuesday morning in New York


def main() -> None:
    args = parse()
    if args.populate_only:
        configure(args.database, fresh=True)
        populate(args.recipients, NOW)
        settle()
        return
    # Fill the database in a child process, so peak RSS below is the sending path's own.
    populate_command = [sys.executable, __file__, "--populate-only", "--recipients"]
    populate_command += [str(args.recipients)]
    populate_command += ["--database", args.database or ""]
    subprocess.run(populate_command, check=True)
    configure(args.database, smtp_mailer(args.smtp) if args.smtp else None, fresh=False)
    now = NOW
    render = time_rendering()
    ours = timed(lambda: engine_pass(now))
    render_seconds = render["seconds"]
    rss_engine = peak_rss_mb()
    sample = sample_message()
    baseline = timed(lambda: raw_django(sample, args.recipients))
    report = {
        "recipients": args.recipients,
        "transport": f"smtp {args.smtp}" if args.smtp else "in-memory",
        "database": database_vendor(),
        "emails_per_s": round(args.recipients / ours, 1),
        "baseline_emails_per_s": round(args.recipients / baseline, 1),
        "ratio": round(baseline / ours, 3),
        "peak_rss_mb": round(rss_engine, 1),
        "seconds": round(ours, 2),
        "baseline_seconds": round(baseline, 2),
        # Time inside emails.messages_for (rendering), and the rate without it: what the
        # ledger, claims, checks and sends cost on their own.
        "render_seconds": round(render_seconds, 2),
        "emails_per_s_excluding_render": round(args.recipients / (ours - render_seconds), 1),
    }
    print(json.dumps(report) if args.json else "\n".join(f"{k}: {v}" for k, v in report.items()))


def parse():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--recipients", type=int, default=2000)
    parser.add_argument("--smtp", help="HOST:PORT of an SMTP server (default: in-memory)")
    parser.add_argument("--database", help="database URL (default: a scratch SQLite file)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--populate-only", action="store_true", help=argparse.SUPPRESS)
    return parser.parse_args()


def smtp_mailer(address: str) -> dict:
    host, port = address.rsplit(":", 1)
    options = {"host": host, "port": int(port), "timeout": 30}
    return {"BACKEND": "django.core.mail.backends.smtp.EmailBackend", "OPTIONS": options}


def populate(count: int, now: datetime):
    from newsletter.management import demo
    from newsletter.models import Audience, Enrollment, Sequence, Subscriber
    from newsletter.sequences import sequence_edits

    demo.load_demo()
    audience = Audience.objects.get(slug="ketamine-assisted-therapy")
    sequence = Sequence.objects.create(
        name="Bench", slug="bench", audience=audience, status="active"
    )
    sequence_edits.add_step(sequence, subject="A calmer week", body=BODY)
    for start in range(0, count, 5000):
        people = Subscriber.objects.bulk_create(
            Subscriber(email=f"r{n}@example.com", email_key=f"r{n}@example.com", status="active")
            for n in range(start, min(start + 5000, count))
        )
        Enrollment.objects.bulk_create(
            Enrollment(subscriber=p, sequence=sequence, next_position=1, next_send_at=now)
            for p in people
        )


BODY = "\n\n".join(
    f"## Part {n}\n\nGrounding exercises help when the week feels loud. " * 3 for n in range(12)
)


def engine_pass(now: datetime) -> None:
    from django.db import transaction

    from newsletter.delivery import dispatch

    report = dispatch.send_due(now)
    assert transaction.get_autocommit()
    from newsletter.models import Delivery

    sent = Delivery.objects.filter(status="sent").count()
    assert sent == report.dispatched, (sent, report.dispatched)


def sample_message():
    from newsletter.mail import emails
    from newsletter.models import Delivery

    return emails.message_for(Delivery.objects.order_by("pk").first())


def raw_django(sample, count: int) -> None:
    """The same email, built per recipient and sent in chunks over one connection each."""
    from django.conf import settings
    from django.core.mail import EmailMultiAlternatives, mailers

    html = sample.alternatives[0][0]
    chunk = settings.SEND_CHUNK_SIZE
    for start in range(0, count, chunk):
        messages = []
        for n in range(start, min(start + chunk, count)):
            message = EmailMultiAlternatives(
                sample.subject,
                sample.body,
                sample.from_email,
                [f"r{n}@example.com"],
                reply_to=sample.reply_to,
                headers=dict(sample.extra_headers),
            )
            message.attach_alternative(html, "text/html")
            messages.append(message)
        with mailers.default as connection:
            connection.send_messages(messages)


def time_rendering() -> dict:
    """Wrap emails.messages_for (what the sending path calls) to add up rendering time."""
    from newsletter.mail import emails

    spent = {"seconds": 0.0}
    original = emails.messages_for

    def messages_for(deliveries):
        started = time.perf_counter()
        try:
            return original(deliveries)
        finally:
            spent["seconds"] += time.perf_counter() - started

    emails.messages_for = messages_for
    return spent


def timed(work) -> float:
    gc.collect()
    started = time.perf_counter()
    work()
    return time.perf_counter() - started


def database_vendor() -> str:
    from django.db import connection

    return connection.vendor


if __name__ == "__main__":
    main()
