"""The public subscribe endpoint under an open-loop load, on the production web process.

python bench/subscribe_load.py [--rates 50,100,200,300,400] [--seconds 60] [--json]

Starts gunicorn from the Procfile's `web` line (2 workers, production settings, DEBUG off)
on PostgreSQL and Redis, one Celery worker from the `worker` line sending confirmations to
an SMTP sink, then posts the blog's subscribe form with a new address at each rate for
`--seconds`, and GET /healthz at the same rate for `--trivial-seconds`. Requests start on
schedule whatever the answers (open loop) and each latency is counted from the scheduled
start, so a queue in front of the server shows. A rate is held when it ran its whole time
with p99 under 100 ms and no error; the run stops after the first rate not held. Then it
checks that every accepted subscribe left a pending subscriber and, once the worker has
drained (bounded wait), a confirmation email at the sink.
"""

import argparse
import asyncio
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

from common import ROOT, SCRATCH, configure, free_port, wait_for

DEFAULT_DATABASE = "postgres://postgres@127.0.0.1:5432/nl_subload"
DEFAULT_REDIS = "redis://127.0.0.1:6379/5"
BLOG = "https://blog.example.org"
HELD_P99_MS = 100.0
TIMEOUT_S = 10.0


def procfile() -> dict[str, str]:
    entries = {}
    for line in (ROOT / "Procfile").read_text().splitlines():
        name, sep, command = line.partition(":")
        if sep and not line.lstrip().startswith("#"):
            entries[name.strip()] = command.strip()
    return entries


def production_env(args, workdir: Path, port: int, smtp_port: int) -> dict:
    """What an operator sets, plus the bench's own limits: one client sends every request."""
    own = ("DJANGO_", "DATABASE_", "LOG_")
    env = {k: v for k, v in os.environ.items() if not k.startswith(own)}
    env.update(
        DJANGO_SETTINGS_MODULE="newsletter.settings",
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(50),
        DATABASE_URL=args.database,
        REDIS_URL=args.redis,
        CACHE_KEY_PREFIX="subload",
        EMAIL_URL=f"smtp://127.0.0.1:{smtp_port}",
        SITE_URL=f"http://127.0.0.1:{port}",
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="false",  # plain HTTP on loopback; a TLS proxy does this for real
        PORT=str(port),
        WEB_CONCURRENCY=str(args.web_workers),
        WORKER_CONCURRENCY=str(args.worker_concurrency),
        VAR_DIR=str(workdir),
        LOG_FORMAT="json",
        CELERY_TASK_ALWAYS_EAGER="false",
        # The bench is one client sending every address: its per-client limit is raised,
        # and the site-wide hourly ceiling on confirmations is off, for this run only.
        RATELIMIT_SUBSCRIBE_PER_CLIENT="1000000000/h",
        CONFIRMATION_EMAILS_PER_HOUR="0",
        SEND_RATE_PER_SECOND="1000000",
    )
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    return env


class Child:
    def __init__(self, name: str, command: list[str], env: dict, workdir: Path):
        self.name = name
        self.log = open(workdir / f"{name}.log", "w")  # noqa: SIM115 (closed in stop)
        self.process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)
        self.log.close()


def shell(name: str, line: str, env: dict, workdir: Path) -> Child:
    return Child(name, ["bash", "-c", f"exec {line}"], env, workdir)


def prepare(args) -> None:
    """Migrate and empty the database, seed the practice, allow the blog, empty Redis db."""
    os.environ["REDIS_URL"] = args.redis
    configure(args.database)
    import redis

    from newsletter.models import Audience, EmbedOrigin, Practice

    Practice.get().current_consent()
    Audience.default()
    EmbedOrigin.objects.get_or_create(origin=BLOG)
    redis.Redis.from_url(args.redis).flushdb()


# --- the load generator ----------------------------------------------------------------


class Stage:
    def __init__(self, kind: str, rate: float, seconds: float):
        self.kind, self.rate, self.seconds = kind, rate, seconds
        self.latencies: list[float] = []
        self.errors: dict[str, int] = {}
        self.accepted: list[str] = []
        self.sent = 0
        self.max_start_lag = 0.0
        self.last_done = 0.0

    def error(self, what: str) -> None:
        self.errors[what] = self.errors.get(what, 0) + 1

    def summary(self, started: float) -> dict:
        lat = sorted(self.latencies)
        span = max(self.last_done - started, self.seconds)
        errors = sum(self.errors.values())
        p99 = pct(lat, 0.99)
        return {
            "rate": self.rate,
            "seconds": self.seconds,
            "sent": self.sent,
            "served_per_s": round(len(lat) / span, 1),
            "p50_ms": pct(lat, 0.50),
            "p99_ms": p99,
            "max_ms": round(lat[-1], 1) if lat else None,
            "errors": errors,
            "error_kinds": self.errors,
            "max_start_lag_ms": round(self.max_start_lag * 1000, 1),
            "held": errors == 0 and p99 is not None and p99 < HELD_P99_MS,
        }


def pct(values: list[float], q: float) -> float | None:
    if not values:
        return None
    return round(values[min(len(values) - 1, int(q * len(values)))], 1)


def subscribe_request(port: int, address: str) -> bytes:
    body = urlencode(
        {"email": address, "consent": "on", "first_name": "Sam", "source": f"{BLOG}/post"}
    ).encode()
    head = (
        f"POST /subscribe/ HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nOrigin: {BLOG}\r\n"
        f"Referer: {BLOG}/post\r\nUser-Agent: subscribe-load\r\n"
        f"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {len(body)}\r\n"
        "Connection: close\r\n\r\n"
    )
    return head.encode() + body


def trivial_request(port: int) -> bytes:
    return f"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n".encode()


async def one(stage: Stage, due: float, payload: bytes, address: str | None) -> None:
    loop = asyncio.get_running_loop()
    try:
        async with asyncio.timeout(TIMEOUT_S - (loop.time() - due)):
            reader, writer = await asyncio.open_connection("127.0.0.1", stage.port)
            writer.write(payload)
            answer = await reader.read()  # the server closes after its answer
            writer.close()
    except TimeoutError:
        stage.error("timeout")
        return
    except OSError as problem:
        stage.error(type(problem).__name__)
        return
    done = loop.time()
    stage.last_done = max(stage.last_done, done)
    status = answer[9:12]
    if status != b"200":
        stage.error(f"status {status.decode(errors='replace') or 'none'}")
        return
    stage.latencies.append((done - due) * 1000)
    if address:
        stage.accepted.append(address)


async def drive(stage: Stage, port: int, label: str) -> dict:
    """Start request i at started + i / rate, whatever the answers so far."""
    loop = asyncio.get_running_loop()
    stage.port = port
    total = int(stage.rate * stage.seconds)
    tasks = set()
    started = loop.time() + 0.05
    i = 0
    while i < total:
        now = loop.time()
        while i < total and started + i / stage.rate <= now:
            due = started + i / stage.rate
            stage.max_start_lag = max(stage.max_start_lag, now - due)
            if stage.kind == "subscribe":
                address = f"reader-{label}-{i}@bench.example.org"
                task = loop.create_task(one(stage, due, subscribe_request(port, address), address))
            else:
                task = loop.create_task(one(stage, due, trivial_request(port), None))
            tasks.add(task)
            task.add_done_callback(tasks.discard)
            i += 1
            stage.sent = i
        if i < total:
            await asyncio.sleep(max(0.0, started + i / stage.rate - loop.time()))
    if tasks:
        await asyncio.wait(tasks)
    return stage.summary(started)


# --- the run -----------------------------------------------------------------------------


def answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1) as sock:
            sock.sendall(trivial_request(port))
            return sock.recv(12)[9:12] == b"200"
    except OSError:
        return False


def sink_addresses(path: Path) -> list[str]:
    """The recipient of every message the sink accepted ("Message-ID<TAB>recipient" lines)."""
    if not path.exists():
        return []
    return [line.rsplit("\t", 1)[-1] for line in path.read_text().splitlines() if line]


def verify(accepted: list[str], sink_file: Path, drain_seconds: float) -> dict:
    from newsletter.models import Subscriber

    wanted = set(accepted)
    pending = set(
        Subscriber.objects.filter(status=Subscriber.Status.PENDING).values_list("email", flat=True)
    )
    started = time.monotonic()
    while time.monotonic() - started < drain_seconds:
        if wanted <= set(sink_addresses(sink_file)):
            break
        time.sleep(1)
    mailed = sink_addresses(sink_file)
    return {
        "accepted": len(wanted),
        "pending_subscribers": len(wanted & pending),
        "confirmations_at_sink": len(wanted & set(mailed)),
        "confirmations_duplicated": len(mailed) - len(set(mailed)),
        "drain_s": round(time.monotonic() - started, 1),
    }


def run(args) -> dict:
    prepare(args)
    workdir = Path(tempfile.mkdtemp(prefix="subload-", dir=SCRATCH))
    port, smtp_port = free_port(), free_port()
    env = production_env(args, workdir, port, smtp_port)
    lines = procfile()
    collect = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    if collect.returncode:
        raise SystemExit(collect.stderr)
    sink_file = workdir / "recipients.txt"
    sink_cmd = [sys.executable, "bench/smtp_sink.py", "--port", str(smtp_port)]
    children = [Child("sink", [*sink_cmd, "--record", str(sink_file)], env, workdir)]
    try:
        children.append(shell("web", lines["web"], env, workdir))
        children.append(shell("worker", lines["worker"], env, workdir))
        wait_for(lambda: answers(port), 60, "gunicorn to answer /healthz")
        load_before = os.getloadavg()
        stages, accepted = asyncio.run(load(args, port))
        verification = verify(accepted, sink_file, args.drain_seconds)
    finally:
        for child in reversed(children):
            child.stop()
    held = [s for s in stages if s["subscribe"]["held"]]
    best = held[-1] if held else None
    return {
        "subscribes_per_s": best["subscribe"]["served_per_s"] if best else 0,
        "p99_ms": best["subscribe"]["p99_ms"] if best else None,
        "errors": best["subscribe"]["errors"] if best else None,
        "trivial_per_s": best["trivial"]["served_per_s"] if best else None,
        "rate_held": best["rate"] if best else 0,
        "rates": stages,
        "verification": verification,
        "load_average_before": [round(x, 2) for x in load_before],
        "logs": str(workdir),
    }


async def load(args, port: int) -> tuple[list[dict], list[str]]:
    stages, accepted = [], []
    await drive(Stage("subscribe", 20, 2), port, "warm")  # both workers warm, not counted
    for rate in args.rates:
        sub = Stage("subscribe", rate, args.seconds)
        subscribe = await drive(sub, port, f"r{rate}")
        accepted += sub.accepted
        report(args, "subscribe", subscribe)
        await quiet(port)
        trivial = await drive(Stage("trivial", rate, args.trivial_seconds), port, "")
        report(args, "trivial", trivial)
        stages.append({"rate": rate, "subscribe": subscribe, "trivial": trivial})
        if not subscribe["held"]:
            break
        await quiet(port)
    return stages, accepted


async def quiet(port: int, seconds: float = 60) -> None:
    """Wait until requests left over from the last stage are answered (bounded), so that
    each stage starts on an idle server."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    await asyncio.sleep(1)
    while loop.time() < deadline:
        started = loop.time()
        if await loop.run_in_executor(None, answers, port) and loop.time() - started < 0.05:
            return
        await asyncio.sleep(0.5)


def report(args, kind: str, s: dict) -> None:
    print(
        f"{kind:9} {s['rate']:>5}/s for {s['seconds']:.0f}s: served {s['served_per_s']}/s, "
        f"p50 {s['p50_ms']} ms, p99 {s['p99_ms']} ms, max {s['max_ms']} ms, "
        f"errors {s['errors']} {s['error_kinds'] or ''}, start lag {s['max_start_lag_ms']} ms"
        + ("" if kind == "trivial" else ("  held" if s["held"] else "  NOT held")),
        file=sys.stderr if args.json else sys.stdout,
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--rates", default="50,100,200,300,400", type=lambda v: [float(x) for x in v.split(",")]
    )
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--trivial-seconds", type=float, default=15)
    parser.add_argument("--drain-seconds", type=float, default=90)
    parser.add_argument("--web-workers", type=int, default=2)
    parser.add_argument("--worker-concurrency", type=int, default=1)
    parser.add_argument("--database", default=DEFAULT_DATABASE)
    parser.add_argument("--redis", default=os.environ.get("BENCH_REDIS_URL", DEFAULT_REDIS))
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    result = run(args)
    if args.json:
        print(json.dumps(result))
    else:
        print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
