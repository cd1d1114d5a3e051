"""Benchmark the Numbers pages over a large ledger, and provider events with the totals on.

    python bench/stats.py [--deliveries 1000000] [--database URL] [--events 3000]
                          [--per-post 100] [--json]

Fills N deliveries (three sequences of five steps and five broadcasts) with their provider
events, consultation-link clicks (some a link scanner's), unsubscribes and bookings on
PostgreSQL with COPY, builds the running totals with the recount, then posts provider events
(new reports, a bounce after a delivery, replays of the same event) through Django's test
client to the tracking webhook: as SendGrid posts them, many events per post
(`events_per_s`), and as Postmark posts them, one event per post (`single_events_per_s`).
Prints the dashboard's and a funnel's server time (median of 7 warm requests as staff),
events ingested per second, and whether the totals equal a full recount afterwards.
"""

import argparse
import base64
import io
import json
import random
import statistics
import time
from datetime import UTC, datetime, timedelta

from common import configure, settle

NOW = datetime(2026, 11, 3, 15, 0, tzinfo=UTC)
DATABASE = "postgres://postgres@127.0.0.1:5432/nl_aggregates_bench"
SECRET = "bench:webhook-secret"
EMAILS = 20  # 15 steps and 5 broadcasts; each reader has at most one row per email


def main() -> None:
    args = parse()
    configure(args.database)
    from django.conf import settings

    settings.ANYMAIL = {**settings.ANYMAIL, "WEBHOOK_SECRET": SECRET}
    settings.ALLOWED_HOSTS = ["testserver"]
    settings.STAFF_2FA = "off"
    static = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
    settings.STORAGES = {**settings.STORAGES, "staticfiles": static}  # no collectstatic here
    random.seed(12)
    started = time.perf_counter()
    sequences, emails = make_emails()
    readers = max(1000, args.deliveries // 10)
    fill(readers, args.deliveries, emails)
    settle()
    filled = time.perf_counter() - started
    from newsletter.stats import recount

    started = time.perf_counter()
    recount.recount(repair=True)
    recount_s = time.perf_counter() - started
    client = staff_client()
    dashboard = page_ms(client, "/workspace/numbers/")
    funnel = page_ms(client, f"/workspace/numbers/sequences/{sequences[0].pk}/")
    events_per_s = replay(args.events, args.deliveries, "sendgrid", args.per_post)
    single_per_s = replay(args.events // 3, args.deliveries, "postmark", 1)
    started = time.perf_counter()
    matches = recount.recount().matches
    report = {
        "fill_s": round(filled, 1),
        "recount_s": round(recount_s, 1),
        "check_s": round(time.perf_counter() - started, 1),
        "deliveries": args.deliveries,
        "dashboard_ms": dashboard,
        "funnel_ms": funnel,
        "events_per_s": events_per_s,
        "single_events_per_s": single_per_s,
        "recount_matches": matches,
    }
    if not args.json:
        print("\n".join(f"{key}: {value}" for key, value in report.items()))
    keys = ("deliveries", "dashboard_ms", "funnel_ms", "events_per_s", "recount_matches")
    print(json.dumps({key: report[key] for key in keys}))


def parse():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--deliveries", type=int, default=1_000_000)
    parser.add_argument("--database", default=DATABASE)
    parser.add_argument("--events", type=int, default=3000, help="provider events to replay")
    parser.add_argument("--per-post", type=int, default=100, help="events per SendGrid post")
    parser.add_argument("--json", action="store_true", help="print one JSON object last")
    return parser.parse_args()


def make_emails():
    from newsletter.management import demo
    from newsletter.models import Audience, Broadcast, Practice, Sequence, Step

    Practice.get()
    demo.create_therapist()
    audience = Audience.objects.create(name="Everyone", slug="everyone")
    sequences, emails = [], []
    for n in range(3):
        sequence = Sequence.objects.create(
            name=f"Sequence {n + 1}", slug=f"sequence-{n + 1}", audience=audience, status="active"
        )
        sequences.append(sequence)
        for position in range(1, 6):
            step = Step.objects.create(
                sequence=sequence,
                position=position,
                delay_value=position - 1,
                subject=f"Email {position} of sequence {n + 1}",
                body="Hello.",
            )
            emails.append((step.pk, None))
    for n in range(5):
        letter = Broadcast.objects.create(
            subject=f"Letter {n + 1}", slug=f"letter-{n + 1}", body="Hello.", status="sent"
        )
        emails.append((None, letter.pk))
    return sequences, emails


def copy(table: str, columns: list[str], rows) -> None:
    """COPY rows (tuples of str, "\\N" for NULL) into a table in one stream."""
    from django.db import connection

    buffer = io.StringIO()
    for row in rows:
        buffer.write("\t".join(row) + "\n")
    with connection.cursor() as cursor:
        with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as stream:
            stream.write(buffer.getvalue())


def fill(readers: int, deliveries: int, emails: list) -> None:
    stamp = (NOW - timedelta(days=90)).isoformat()
    copy(
        "newsletter_subscriber",
        ["id", "email", "email_key", "first_name", "status", "time_zone", "source_url"]
        + ["created_at", "confirmed_at", "public_id", "pace"],
        (
            (str(n), f"r{n}@example.com", f"r{n}@example.com", "", "active", "", "")
            + (stamp, stamp, f"p{n:031d}", "normal")
            for n in range(1, readers + 1)
        ),
    )
    rows, clicks, events = [], [], {"delivered": 0.85, "bounced": 0.02, "soft_bounced": 0.01}
    for pk in range(1, deliveries + 1):
        reader, round_ = (pk - 1) % readers + 1, (pk - 1) // readers
        step, broadcast = emails[(round_ + reader) % EMAILS]
        sent_at = NOW - timedelta(seconds=random.randrange(60 * 86400))
        event = random.choices([*events, "complained", ""], [*events.values(), 0.001, 0.119])[0]
        rows.append(
            ("sent", event, "", f"m{pk}", "1", "", sent_at.isoformat(), sent_at.isoformat())
            + (nul(broadcast), nul(step), str(reader), "", "0")
        )
        if random.random() < 0.06:
            late = timedelta(seconds=random.choice([2, 5, 600, 3600, 86400]))
            clicks.append((str(pk), (sent_at + late).isoformat()))
    copy(
        "newsletter_delivery",
        ["status", "event", "message_id", "esp_message_id", "attempts", "last_error"]
        + ["created_at", "sent_at", "broadcast_id", "step_id", "subscriber_id", "claim_token"]
        + ["counted"],
        rows,
    )
    copy("newsletter_click", ["delivery_id", "created_at"], clicks)
    fill_consent_and_bookings(readers, clicks)
    reset_sequences()


def nul(value) -> str:
    return "\\N" if value is None else str(value)


def fill_consent_and_bookings(readers: int, clicks: list) -> None:
    from newsletter.models import Booking, ConsentEvent, Delivery

    gone = random.sample(range(1, readers + 1), readers // 100)
    ConsentEvent.objects.bulk_create(
        ConsentEvent(
            subscriber_id=n,
            kind="unsubscribed",
            channel="link",
            created_at=NOW - timedelta(seconds=random.randrange(60 * 86400)),
        )
        for n in gone
    )
    booked = random.sample(clicks, min(len(clicks), 500))
    owners = dict(
        Delivery.objects.filter(pk__in=[int(c[0]) for c in booked]).values_list(
            "pk", "subscriber_id"
        )
    )
    Booking.objects.bulk_create(
        Booking(
            subscriber_id=owners[int(pk)],
            tool="hook",
            external_id=f"b{pk}",
            booked_at=datetime.fromisoformat(at) + timedelta(hours=1),
            attributed_to_id=int(pk),
            cancelled_at=NOW if n % 10 == 0 else None,
        )
        for n, (pk, at) in enumerate(booked)
    )


def reset_sequences() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        for table in ("newsletter_subscriber", "newsletter_delivery", "newsletter_click"):
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT COALESCE(MAX(id), 1) FROM {table}))"
            )


def staff_client():
    from django.contrib.auth.models import User
    from django.test import Client

    client = Client()
    client.force_login(User.objects.get(username="therapist"))
    return client


def page_ms(client, url: str, runs: int = 7) -> float:
    first = client.get(url)
    if first.status_code != 200:
        raise SystemExit(f"{url} answered {first.status_code}")
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        client.get(url)
        times.append((time.perf_counter() - started) * 1000)
    return round(statistics.median(times), 1)


def replay(count: int, deliveries: int, esp: str, per_post: int) -> float:
    """Post `count` events as `esp` posts them; a fifth are replays of an event already sent."""
    from django.conf import settings
    from django.test import Client

    settings.ESP_NAME = esp
    client = Client()
    auth = "Basic " + base64.b64encode(SECRET.encode()).decode()
    events = []
    for n in range(count):
        if n % 5 == 4 and events:
            events.append(events[-1])
            continue
        pk = random.randrange(1, deliveries + 1)
        events.append(EVENTS[esp](pk, random.random()))
    posts = [events[start : start + per_post] for start in range(0, count, per_post)]
    bodies = [json.dumps(post if esp == "sendgrid" else post[0]) for post in posts]
    started = None
    for body in [bodies[0], *bodies]:  # the first loads the webhook's code, untimed
        response = client.post(
            f"/anymail/{esp}/tracking/",
            body,
            content_type="application/json",
            headers={"Authorization": auth},
        )
        if response.status_code != 200:
            raise SystemExit(f"the {esp} webhook answered {response.status_code}")
        started = started or time.perf_counter()
    return round(count / (time.perf_counter() - started), 1)


def reader_of(pk: int) -> int:
    from newsletter.models import Delivery

    return Delivery.objects.filter(pk=pk).values_list("subscriber_id", flat=True).first()


def postmark(pk: int, chance: float) -> dict:
    base = {"MessageID": f"m{pk}", "Metadata": {"delivery_id": str(pk)}, "ServerID": 1}
    address = f"r{reader_of(pk)}@example.com"
    if chance < 0.9:
        record = {"RecordType": "Delivery", "Recipient": address, "Details": "OK"}
        record["DeliveredAt"] = "2026-11-03T15:00:00Z"
    else:
        record = {"RecordType": "Bounce", "Type": "HardBounce", "TypeCode": 1, "Email": address}
        record |= {"BouncedAt": "2026-11-03T15:00:00Z", "Details": "smtp;550 5.1.1 no such user"}
        record |= {"Description": "no such user", "ID": pk, "Inactive": True}
    return base | record


def sendgrid(pk: int, chance: float) -> dict:
    event = {
        "email": f"r{reader_of(pk)}@example.com",
        "timestamp": int(NOW.timestamp()),
        "sg_event_id": f"e{pk}-{chance}",
        "sg_message_id": f"m{pk}.filter0001",
        "delivery_id": str(pk),  # the message's custom_args, merged into each event
    }
    if chance < 0.9:
        return event | {"event": "delivered", "response": "250 OK"}
    return event | {"event": "bounce", "type": "bounce", "status": "5.1.1", "reason": "no user"}


EVENTS = {"postmark": postmark, "sendgrid": sendgrid}


if __name__ == "__main__":
    main()
