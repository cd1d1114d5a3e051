"""Real processes for worker tests: a private redis-server, Celery workers, and a beat stand-in.

The worker runs the production settings (newsletter.settings), configured the way an
operator would: DATABASE_URL points at the test database this test process uses, REDIS_URL
at a private redis-server, EMAIL_URL at an aiosmtpd sink in the test process.
"""

import os
import signal
import socket
import subprocess
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

from celery import Celery
from django.db import connection
from django.db.models import Min

from newsletter.models import Delivery, Enrollment

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(condition, timeout: float, what: str, every: float = 0.05):
    """Poll a real process's effect until it shows or the timeout passes (never a bare sleep)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(every)
    raise AssertionError(f"Timed out after {timeout}s waiting for {what}")


class RedisServer:
    """A redis-server of our own, so restarting it disturbs nobody else."""

    def __init__(self, workdir: Path):
        self.port = free_port()
        self.workdir = workdir
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> "RedisServer":
        command = ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1"]
        command += ["--save", "", "--appendonly", "no", "--dir", str(self.workdir)]
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL)
        wait_for(self._answers, 10, "redis-server to start")
        return self

    def _answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as sock:
                sock.sendall(b"PING\r\n")
                return sock.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def stop(self) -> None:
        """Shut down without saving: every message in the broker is lost."""
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)


def database_url() -> str:
    """The test database this process uses, as a URL a worker process can be given."""
    s = connection.settings_dict
    auth = s["USER"] + (f":{s['PASSWORD']}" if s["PASSWORD"] else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


class Worker:
    """`celery -A celery_app worker` as a child process in its own process group."""

    def __init__(self, env: dict, log: Path, concurrency: int = 2):
        self.env, self.log, self.concurrency = env, log, concurrency
        self.process: subprocess.Popen | None = None

    def start(self) -> "Worker":
        command = [sys.executable, "-m", "celery", "-A", "celery_app", "worker"]
        command += [f"--concurrency={self.concurrency}", "--loglevel=INFO"]
        command += ["--without-gossip", "--without-mingle", "--without-heartbeat"]
        self.log_file = open(self.log, "a")  # noqa: SIM115 (closed in stop)
        self.process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=self.env,
            stdout=self.log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        start = self.log.stat().st_size if self.log.exists() else 0
        wait_for(
            lambda: b" ready." in self.log.read_bytes()[start:] or self._died(),
            60,
            "the Celery worker to be ready",
        )
        assert not self._died(), self.log.read_text()[-3000:]
        return self

    def _died(self) -> bool:
        return self.process.poll() is not None

    def kill(self) -> None:
        """SIGKILL the worker and its pool children at once, as a crash would."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)
        self.log_file.close()

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill()
                return
        self.log_file.close()


def worker_env(redis_url: str, smtp_port: int, **extra: str) -> dict:
    env = dict(os.environ)
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env.update(
        DJANGO_SETTINGS_MODULE="newsletter.settings",
        DEBUG="true",
        SECRET_KEY=os.environ["SECRET_KEY"],
        DATABASE_URL=database_url(),
        DATABASE_CONN_MAX_AGE="0",
        REDIS_URL=redis_url,
        EMAIL_URL=f"smtp://127.0.0.1:{smtp_port}",
        SEND_RATE_PER_SECOND="2000",
        CELERY_TASK_ALWAYS_EAGER="false",
        **extra,
    )
    return env


class Beat:
    """Stands in for celery beat: publishes send_due with the test's clock to the broker."""

    def __init__(self, broker_url: str):
        self.app = Celery("test-beat", broker=broker_url)
        self.app.conf.broker_connection_retry_on_startup = True

    def send_due(self, now_iso: str, copies: int = 1) -> None:
        for _ in range(copies):
            self.app.send_task("newsletter.tasks.send_due", args=[now_iso], retry=True)

    def close(self) -> None:
        self.app.close()


class Engine:
    """Private Redis + SMTP sink + worker + beat stand-in, started and stopped together."""

    def __init__(self, workdir: Path, sink_delay: float = 0.0, concurrency: int = 2, chunk=50):
        from .smtp_sink import Sink

        self.redis = RedisServer(workdir).start()
        self.sink = Sink(delay=sink_delay).start()
        self.env = worker_env(self.redis.url, self.sink.port, SEND_CHUNK_SIZE=str(chunk))
        self.log = workdir / "worker.log"
        self.concurrency = concurrency
        self.worker = Worker(self.env, self.log, concurrency).start()
        self.beat = Beat(self.redis.url)

    def wait_idle(self, timeout: float = 60) -> None:
        """Until the broker queue is empty and no worker is running a task."""
        import redis

        broker = redis.Redis.from_url(self.redis.url)

        def idle() -> bool:
            if broker.llen("celery"):
                return False
            active = self.beat.app.control.inspect(timeout=0.5).active() or {}
            return all(not tasks for tasks in active.values())

        wait_for(idle, timeout, "the worker to finish every task in the queue", every=0.2)
        broker.close()

    def new_worker(self) -> Worker:
        self.worker = Worker(self.env, self.log, self.concurrency).start()
        return self.worker

    def stop(self) -> None:
        self.beat.close()
        self.worker.stop()
        self.sink.stop()
        self.redis.stop()
        connection.close()


TICK = timedelta(minutes=15)


def settle(beat: Beat, now: datetime, timeout: float = 60, copies: int = 1) -> None:
    """Publish send_due(now) (again every 2 s, as beat would) until everything due is sent."""
    state = {"last": 0.0}

    def settled() -> bool:
        if time.monotonic() - state["last"] > 2:
            beat.send_due(now.isoformat(), copies)
            state["last"] = time.monotonic()
        due = Enrollment.objects.filter(status="active", next_send_at__lte=now).exists()
        busy = Delivery.objects.filter(status__in=["queued", "sending"]).exists()
        return not due and not busy

    wait_for(settled, timeout, f"everything due at {now} to be sent", every=0.1)


def run_clock(beat: Beat, start: datetime, copies: int = 1) -> int:
    """Advance the clock to each next due moment (15-minute ticks) until all have finished."""
    now, ticks = start, 0
    while True:
        settle(beat, now, copies=copies)
        ticks += 1
        following = Enrollment.objects.filter(status="active").aggregate(t=Min("next_send_at"))
        if following["t"] is None:
            return ticks
        now = max(now + TICK, following["t"] + (TICK - timedelta(microseconds=1)))
        now = now.replace(second=0, microsecond=0) - timedelta(minutes=now.minute % 15)
