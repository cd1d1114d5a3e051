"""A crash in the middle of a big broadcast: kills and restarts while two workers send it.

The script starts its own PostgreSQL and Redis on free loopback ports (never the machine's
shared servers), an SMTP sink that records every Message-ID and recipient, celery beat and
two real Celery workers with the production settings. It schedules a broadcast to every
active subscriber and, while it is being sent, SIGKILLs a worker three times (starting it
again each time), restarts Redis once and restarts PostgreSQL once (immediate stop, then
start: crash recovery). Before each kill it counts the rows in "sending". Then it waits
for the system to be quiet and compares the sink's record with the recipients.

python bench/chaos.py [--recipients 20000] [--rate 150] [--json]
"""

import argparse
import atexit
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from common import free_port, wait_for

ROOT = Path(__file__).resolve().parent.parent
PG_BIN = next(reversed(sorted(Path("/usr/lib/postgresql").glob("*/bin"))), None)
DATABASE = "nl_chaos"
PROCESSES: list[subprocess.Popen] = []  # everything we started, stopped at exit
CLEANED: set[Path] = set()


def spawn(command: list[str], log: Path | None = None, **options) -> subprocess.Popen:
    """A child in its own process group, so a kill reaches its pool children too."""
    out = open(log, "a") if log else subprocess.DEVNULL  # noqa: SIM115 (the child keeps it)
    process = subprocess.Popen(
        command, stdout=out, stderr=subprocess.STDOUT, start_new_session=True, **options
    )
    PROCESSES.append(process)
    return process


def kill_group(process: subprocess.Popen, sig=signal.SIGKILL) -> None:
    if process.poll() is None:
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            return
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


class Postgres:
    """initdb into a temp dir, trust auth, run as the postgres OS user when we are root."""

    def __init__(self, workdir: Path):
        if PG_BIN is None:
            raise SystemExit("PostgreSQL server binaries not found under /usr/lib/postgresql")
        self.port = free_port()
        self.data = workdir / "pgdata"
        self.sockets = workdir / "pgsock"
        self.log = workdir / "postgres.log"
        self.as_user = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        for path in (self.data, self.sockets):
            path.mkdir()
        if os.geteuid() == 0:
            workdir.chmod(0o755)
            for path in (self.data, self.sockets):
                shutil.chown(path, "postgres", "postgres")
            self.log.touch()
            shutil.chown(self.log, "postgres", "postgres")
        self.run("initdb", "-D", self.data, "-U", "postgres", "--auth=trust", "-E", "UTF8")

    def run(self, tool: str, *args) -> None:
        command = [*self.as_user, str(PG_BIN / tool), *map(str, args)]
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{DATABASE}"

    def start(self) -> None:
        options = f"-p {self.port} -k {self.sockets} -c listen_addresses=127.0.0.1"
        self.run(
            "pg_ctl", "start", "-w", "-t", "120", "-D", self.data, "-l", self.log, "-o", options
        )

    def stop(self, mode: str = "fast") -> None:
        if (self.data / "postmaster.pid").exists():
            self.run("pg_ctl", "stop", "-w", "-m", mode, "-D", self.data)

    def create_database(self) -> None:
        import psycopg

        admin = f"postgres://postgres@127.0.0.1:{self.port}/postgres"
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{DATABASE}"')


class Redis:
    def __init__(self, workdir: Path):
        self.port, self.workdir = free_port(), workdir
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        command = ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1"]
        command += ["--save", "", "--appendonly", "no", "--dir", str(self.workdir)]
        self.process = spawn(command, self.workdir / "redis.log")
        wait_for(self.answers, 20, "redis-server to start")

    def answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as sock:
                sock.sendall(b"PING\r\n")
                return sock.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def stop(self) -> None:
        """Without saving: every task message in the broker is gone."""
        kill_group(self.process)


class Sink:
    def __init__(self, workdir: Path):
        self.record = workdir / "sink.tsv"
        self.record.touch()
        command = [sys.executable, str(ROOT / "bench" / "smtp_sink.py"), "--port", "0"]
        self.process = subprocess.Popen(
            command + ["--record", str(self.record)],
            stdout=subprocess.PIPE,
            text=True,
            start_new_session=True,
        )
        PROCESSES.append(self.process)
        line = self.process.stdout.readline()
        self.port = int(line.strip().rsplit(":", 1)[1])

    def lines(self) -> list[tuple[str, str]]:
        rows = self.record.read_text().splitlines()
        return [tuple(row.split("\t", 1)) for row in rows if "\t" in row]

    def count(self) -> int:
        with open(self.record, "rb") as f:
            return sum(1 for _ in f)


class Worker:
    def __init__(self, env: dict, log: Path):
        self.env, self.log = env, log
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        start = self.log.stat().st_size if self.log.exists() else 0
        command = [sys.executable, "-m", "celery", "-A", "celery_app", "worker"]
        command += ["--loglevel=INFO", "--concurrency=2", "--queues=celery"]
        self.process = spawn(command, self.log, cwd=ROOT, env=self.env)
        wait_for(
            lambda: b" ready." in self.log.read_bytes()[start:] or self.process.poll() is not None,
            120,
            "a Celery worker to be ready",
        )
        if self.process.poll() is not None:
            raise RuntimeError(self.log.read_text()[-3000:])

    def kill(self) -> None:
        kill_group(self.process, signal.SIGKILL)


def django_env(pg: Postgres, redis: Redis, sink: Sink, workdir: Path, args) -> dict:
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="newsletter.settings",
        DEBUG="false",
        SECRET_KEY="chaos-bench-secret-key-not-for-production-0123456789",
        SITE_URL="https://practice.example",
        VAR_DIR=str(workdir / "var"),
        DATABASE_URL=pg.url,
        REDIS_URL=redis.url,
        EMAIL_URL=f"smtp://127.0.0.1:{sink.port}",
        SEND_RATE_PER_SECOND=str(args.rate),
        SEND_STALE_AFTER_SECONDS=str(args.stale_after),
        CELERY_TASK_ALWAYS_EAGER="false",
        LOG_LEVEL="INFO",
    )
    env.pop("TEST_REDIS_URL", None)
    return env


def populate(count: int) -> None:
    """In a child process with the bench's settings: subscribers, one audience, the broadcast."""
    import django

    django.setup()
    from django.db import connection

    from newsletter.management import demo
    from newsletter.models import Audience, Broadcast, Membership, Subscriber
    from newsletter.sequences import broadcasts

    demo.load_demo(sequences=False)
    audience = Audience.objects.order_by("pk").first()
    for start in range(0, count, 5000):
        people = Subscriber.objects.bulk_create(
            Subscriber(email=f"r{n}@example.com", email_key=f"r{n}@example.com", status="active")
            for n in range(start, min(start + 5000, count))
        )
        Membership.objects.bulk_create(Membership(subscriber=p, audience=audience) for p in people)
    letter = Broadcast.objects.create(
        slug="winter", subject="A letter for the winter", body="Hello.\n\nA calmer week ahead."
    )
    letter.audiences.add(audience)
    broadcasts.schedule(letter)  # sent at beat's next send_due pass
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")


class Ledger:
    """Plain SQL on the private database, reconnecting after its restart."""

    def __init__(self, url: str):
        self.url, self.conn = url, None

    def one(self, sql: str):
        import psycopg

        for _ in range(50):
            try:
                if self.conn is None or self.conn.closed:
                    self.conn = psycopg.connect(self.url, autocommit=True, connect_timeout=3)
                return self.conn.execute(sql).fetchone()
            except psycopg.OperationalError:
                self.conn = None
                time.sleep(0.2)
        raise RuntimeError("the private database did not answer")

    def sending(self) -> int:
        return self.one("SELECT count(*) FROM newsletter_delivery WHERE status = 'sending'")[0]

    def unfinished(self) -> int:
        sql = "SELECT count(*) FROM newsletter_delivery WHERE status IN ('queued', 'sending')"
        return self.one(sql)[0]

    def broadcast(self) -> tuple[str, str]:
        sql = "SELECT status, paused_reason FROM newsletter_broadcast WHERE slug = 'winter'"
        return self.one(sql)

    def statuses(self) -> dict:
        import psycopg

        with psycopg.connect(self.url) as conn:
            rows = conn.execute(
                "SELECT status, count(*) FROM newsletter_delivery GROUP BY status"
            ).fetchall()
        return dict(rows)


def run(args, workdir: Path) -> dict:
    say = (lambda *a: None) if args.json else (lambda *a: print(*a, flush=True))
    pg = Postgres(workdir)
    pg.start()
    pg.create_database()
    redis = Redis(workdir)
    redis.start()
    sink = Sink(workdir)
    env = django_env(pg, redis, sink, workdir, args)
    manage = [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"]
    subprocess.run(manage, cwd=ROOT, env=env, check=True)
    started = time.monotonic()
    clock = lambda: f"{time.monotonic() - started:6.1f}s"  # noqa: E731
    # Beat first: its first send_due pass comes a minute after it starts, as in production.
    beat_command = [sys.executable, "-m", "celery", "-A", "celery_app", "beat", "--loglevel=INFO"]
    beat_command += [f"--schedule={workdir / 'celerybeat-schedule'}"]
    spawn(beat_command, workdir / "beat.log", cwd=ROOT, env=env)
    fill = [sys.executable, __file__, "--populate", str(args.recipients)]
    subprocess.run(fill, cwd=ROOT, env=env, check=True)
    say(clock(), f"{args.recipients} recipients in the database, broadcast scheduled")
    workers = [Worker(env, workdir / f"worker{n}.log") for n in (1, 2)]
    for worker in workers:
        worker.start()
    say(clock(), "two workers ready")
    ledger = Ledger(pg.url)
    in_flight = []
    events = [
        (0.10, "kill", 0),
        (0.25, "redis", None),
        (0.40, "kill", 1),
        (0.55, "postgres", None),
        (0.70, "kill", 0),
    ]
    for share, what, which in events:
        target = int(args.recipients * share)
        try:
            reached = lambda target=target: sink.count() >= target  # noqa: E731
            wait_for(reached, 240, f"{target} messages at the sink")
        except RuntimeError as error:
            say(clock(), f"{error}; acting anyway")
        if what == "kill":
            in_flight.append(ledger.sending())
            workers[which].kill()
            say(clock(), f"SIGKILL worker {which + 1} ({in_flight[-1]} rows in sending)")
            workers[which].start()
            say(clock(), f"worker {which + 1} started again")
        elif what == "redis":
            redis.stop()
            redis.start()
            say(clock(), "Redis restarted (nothing saved: every queued task lost)")
        else:
            pg.stop("immediate")
            pg.start()
            say(clock(), "PostgreSQL stopped (immediate) and started again")
    deadline = started + args.quiet_within

    def quiet() -> bool:
        status, _ = ledger.broadcast()
        return status in ("sent", "paused", "cancelled") and not ledger.unfinished()

    try:
        wait_for(quiet, max(0.0, deadline - time.monotonic()), "the broadcast to finish", 1.0)
    except RuntimeError as error:
        say(clock(), str(error))
    settled = sink.count()
    time.sleep(2)  # anything still on the wire reaches the sink's record
    say(clock(), f"quiet ({settled} messages at the sink)")
    status, reason = ledger.broadcast()
    for worker in workers:
        kill_group(worker.process, signal.SIGTERM)
    records = sink.lines()
    expected = {f"r{n}@example.com" for n in range(args.recipients)}
    per_recipient = Counter(recipient for _, recipient in records)
    report = {
        "recipients": args.recipients,
        "delivered": len({message_id for message_id, _ in records}),
        "lost": len(expected - set(per_recipient)),
        "duplicates": sum(n - 1 for n in per_recipient.values() if n > 1),
        "in_flight_at_kills": sum(in_flight),
        "broadcast_status": status,
        "in_flight_per_kill": in_flight,
        "rows": ledger.statuses(),
        "seconds": round(time.monotonic() - started, 1),
        "rate_per_s": args.rate,
        "stale_after_s": args.stale_after,
    }
    if reason:
        report["paused_reason"] = reason
    report["goal_met"] = (
        report["lost"] == 0
        and report["duplicates"] <= report["in_flight_at_kills"]
        and status == "sent"
    )
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--recipients", type=int, default=20000)
    parser.add_argument("--rate", type=float, default=150, help="SEND_RATE_PER_SECOND")
    parser.add_argument(
        "--stale-after", type=int, default=60, help="SEND_STALE_AFTER_SECONDS (seconds)"
    )
    parser.add_argument("--quiet-within", type=float, default=540, help="seconds, from the start")
    parser.add_argument("--keep", action="store_true", help="keep the temp dir (logs)")
    parser.add_argument("--json", action="store_true", help="print one JSON object last")
    parser.add_argument("--populate", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.populate:
        sys.path.insert(0, str(ROOT))
        populate(args.populate)
        return
    workdir = Path(tempfile.mkdtemp(prefix="newsletter-chaos-"))
    atexit.register(cleanup, workdir, args.keep)
    signal.signal(signal.SIGTERM, lambda *a: sys.exit(1))
    try:
        report = run(args, workdir)
    finally:
        cleanup(workdir, args.keep)
    if args.json:
        print(json.dumps(report))
    else:
        print("\n".join(f"{key}: {value}" for key, value in report.items()))


def cleanup(workdir: Path, keep: bool) -> None:
    if not workdir.exists() or workdir in CLEANED:
        return
    CLEANED.add(workdir)
    for process in reversed(PROCESSES):
        kill_group(process, signal.SIGTERM)
    pgdata = workdir / "pgdata"
    if (pgdata / "postmaster.pid").exists() and PG_BIN:
        as_user = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        command = [*as_user, str(PG_BIN / "pg_ctl"), "stop", "-m", "immediate", "-D", str(pgdata)]
        subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    if keep:
        print(f"kept {workdir}", file=sys.stderr)
    else:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
