"""A broadcast through anymail's Mailgun backend to a loopback Mailgun, batched and not.

    REDIS_URL=redis://127.0.0.1:6379/4 python bench/batch.py [--recipients 100000]
        [--single-recipients 10000] [--database URL] [--json]

Fills PostgreSQL with two audiences (N and M readers) and one broadcast to each, starts
`mailgun_mock.py` in its own process, then for each broadcast starts one real
`celery worker -P solo` (Redis broker) with ESP=mailgun and ANYMAIL_MAILGUN_API_URL at the
mock, enqueues send_due and waits until every row is recorded. The worker does all of it:
dispatch, ledger rows, claim, last-moment checks, render, the API calls, record. The first
broadcast goes with the product's settings (one call per chunk, up to
ANYMAIL_BATCH_SIZES["mailgun"] readers); the second with batching off (`batch_settings.py`),
one call per email. Prints both rates, the batch worker's peak RSS, and whether the mock saw
every reader exactly once with their own unsubscribe link in body and header.
"""

import argparse
import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from datetime import timedelta

from common import ROOT, configure, free_port, settle, wait_for

DEFAULT_DATABASE = "postgres://postgres@127.0.0.1:5432/nl_batch"
DEFAULT_REDIS = "redis://127.0.0.1:6379/4"
BODY = "\n\n".join(
    f"## Part {n}\n\nGrounding exercises help when the week feels loud. " * 3 for n in range(12)
)


def main() -> None:
    args = parse()
    os.environ.setdefault("REDIS_URL", DEFAULT_REDIS)
    configure(args.database, fresh=True)
    from newsletter.mail import readers

    batch_ids, single_ids = populate(args.recipients, args.single_recipients)
    settle()
    prefix = readers.link_bases()["unsubscribe_url"][0]
    port = free_port()
    mock = subprocess.Popen(
        [sys.executable, str(ROOT / "bench" / "mailgun_mock.py"), "--port", str(port)]
        + ["--unsubscribe-prefix", prefix]
    )
    try:
        wait_for(lambda: report_of(port) is not None, 30, "the Mailgun mock", tolerate=(OSError,))
        batch = run_phase(args, port, batch_ids[0], args.recipients, "newsletter.settings")
        seen = report_of(port)
        single_settings = "bench.batch_settings"
        single = run_phase(args, port, single_ids[0], args.single_recipients, single_settings)
        seen_all = report_of(port)
    finally:
        mock.terminate()
        mock.wait()
    once_batch = check(seen_all["recipients"], batch_ids[1])
    once_single = check(seen_all["recipients"], single_ids[1])
    report = {
        "recipients": args.recipients,
        "emails_per_s": round(args.recipients / batch["seconds"], 1),
        "single_recipients": args.single_recipients,
        "single_per_s": round(args.single_recipients / single["seconds"], 1),
        "ratio": round(
            single["seconds"] / args.single_recipients * args.recipients / batch["seconds"], 2
        ),
        "peak_rss_mb": batch["peak_rss_mb"],
        "single_peak_rss_mb": single["peak_rss_mb"],
        "delivered_once": once_batch["ok"] and once_single["ok"],
        "api_calls": seen["calls"],
        "single_api_calls": seen_all["calls"] - seen["calls"],
        "seconds": batch["seconds"],
        "single_seconds": single["seconds"],
        "problems": once_batch["problems"] + once_single["problems"],
        "load_average": os.getloadavg(),
    }
    print(json.dumps(report) if args.json else "\n".join(f"{k}: {v}" for k, v in report.items()))


def parse():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--recipients", type=int, default=100_000)
    parser.add_argument("--single-recipients", type=int, default=10_000)
    database = os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE)
    parser.add_argument("--database", default=database)
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    return parser.parse_args()


def populate(batched: int, single: int):
    """Two audiences of distinct readers and a draft broadcast to each: (broadcast id,
    {address: public id}) for the batched one and the single one."""
    from django.utils import timezone

    from newsletter.management import demo
    from newsletter.models import Audience, Broadcast, Membership, Subscriber

    demo.load_demo(sequences=False)
    now = timezone.now() - timedelta(days=30)
    made = []
    for name, count, offset in (("batched", batched, 0), ("single", single, batched)):
        audience = Audience.objects.create(name=f"Bench {name}", slug=f"bench-{name}")
        people = {}
        for start in range(offset, offset + count, 5000):
            rows = Subscriber.objects.bulk_create(
                Subscriber(
                    email=f"r{n}@example.com",
                    email_key=f"r{n}@example.com",
                    first_name=f"Reader{n}",
                    status="active",
                    confirmed_at=now,
                )
                for n in range(start, min(start + 5000, offset + count))
            )
            Membership.objects.bulk_create(
                Membership(subscriber=person, audience=audience, joined_at=now) for person in rows
            )
            people.update((person.email, person.public_id) for person in rows)
        broadcast = Broadcast.objects.create(
            slug=f"bench-{name}", subject="A calmer week, %%greeting%%", body=BODY
        )
        broadcast.audiences.set([audience])
        made.append((broadcast.pk, people))
    return made


def run_phase(args, port: int, broadcast_id: int, count: int, settings_module: str) -> dict:
    """Schedule the broadcast, start one worker, enqueue send_due, wait for every row."""
    from celery_app import app
    from newsletter.models import Broadcast, Delivery
    from newsletter.sequences import broadcasts

    app.conf.task_always_eager = False
    app.control.purge()
    worker = start_worker(args, port, settings_module)
    try:
        wait_for(
            lambda: app.control.ping(timeout=0.5), 60, "the worker to answer", tolerate=(Exception,)
        )
        broadcasts.schedule(Broadcast.objects.get(pk=broadcast_id))
        started = time.perf_counter()
        app.send_task("newsletter.tasks.send_due")
        finished = Delivery.objects.filter(
            broadcast_id=broadcast_id, status__in=["sent", "failed", "skipped"]
        )
        wait_for(lambda: finished.count() >= count, 900, "every row to be recorded")
        seconds = time.perf_counter() - started
        peak = peak_rss_of(worker.pid)
        rows = Delivery.objects.filter(broadcast_id=broadcast_id)
        statuses = set(rows.values_list("status", flat=True))
        if statuses != {"sent"}:
            raise SystemExit(f"rows ended {statuses}, not all sent")
    finally:
        worker.send_signal(signal.SIGTERM)
        worker.wait(timeout=60)
    return {"seconds": round(seconds, 2), "peak_rss_mb": peak}


def start_worker(args, port: int, settings_module: str) -> subprocess.Popen:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": settings_module,
        "PYTHONPATH": str(ROOT),
        "DATABASE_URL": args.database,
        "ESP": "mailgun",
        "ANYMAIL_MAILGUN_API_URL": f"http://127.0.0.1:{port}/v3",
        "ANYMAIL_MAILGUN_API_KEY": "key-bench",
        "CELERY_TASK_ALWAYS_EAGER": "false",
    }
    celery = str(ROOT / ".venv" / "bin" / "celery")
    command = [celery, "-A", "celery_app", "worker", "-P", "solo", "--loglevel", "WARNING"]
    command += ["--without-gossip", "--without-mingle", "--without-heartbeat"]
    return subprocess.Popen(command, cwd=ROOT, env=env)


def peak_rss_of(pid: int) -> float:
    """The process's high-water resident set (VmHWM), in MB."""
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)
    raise RuntimeError("no VmHWM")


def check(seen: dict, people: dict[str, str]) -> dict:
    """Each reader seen exactly once, the body's unsubscribe link the header's, and that
    link's token naming this reader and no other."""
    from newsletter.subscribers import tokens

    problems = []
    for address, public_id in people.items():
        entry = seen.get(address)
        if entry is None or entry[0] != 1:
            problems.append(f"{address}: {0 if entry is None else entry[0]} emails")
            continue
        _, body_links, header_links = entry
        if len(body_links) != 1 or body_links != header_links:
            problems.append(f"{address}: links {body_links} / {header_links}")
            continue
        token = body_links[0].rstrip("/").rsplit("/", 1)[-1]
        if tokens.read_subscriber_link(tokens.UNSUBSCRIBE, token).get("p") != public_id:
            problems.append(f"{address}: someone else's unsubscribe link")
    return {"ok": not problems, "problems": problems[:5]}


def report_of(port: int) -> dict | None:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/report", timeout=60) as answer:
            return json.load(answer)
    except OSError:
        return None


if __name__ == "__main__":
    main()
