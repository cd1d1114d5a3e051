"""Run the web server, a Celery worker and Celery beat together for a first local run."""

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

import redis
from django.conf import settings

NO_REDIS = (
    "No Redis is answering at {url} and no redis-server is installed: "
    "install it (for example `sudo apt-get install redis-server`) or set REDIS_URL."
)


STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


def redis_answers(url: str) -> bool:
    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=1).ping())
    except (redis.RedisError, OSError):
        return False


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def private_redis(var_dir: Path) -> tuple[subprocess.Popen, str]:
    """Start a redis-server of our own under var/ on a free port."""
    port = free_port()
    directory = var_dir / "redis"
    directory.mkdir(parents=True, exist_ok=True)
    command = [
        "redis-server",
        "--port",
        str(port),
        "--bind",
        "127.0.0.1",
        "--dir",
        str(directory),
        "--save",
        "",
        "--appendonly",
        "no",
    ]
    # Its own session, so Ctrl-C reaches it only through us, after the worker has stopped.
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, start_new_session=True)
    url = f"redis://127.0.0.1:{port}/0"
    for _ in range(50):
        if redis_answers(url):
            return process, url
        time.sleep(0.1)
    process.terminate()
    raise SystemExit(f"A private redis-server did not start on port {port}.")


def commands(address: str) -> list[list[str]]:
    python = sys.executable
    return [
        [python, "manage.py", "runserver", address, "--noreload"],
        [
            python,
            "-m",
            "celery",
            "-A",
            "celery_app",
            "worker",
            "--loglevel=INFO",
            "--concurrency=2",
        ],
        [
            python,
            "-m",
            "celery",
            "-A",
            "celery_app",
            "beat",
            "--loglevel=INFO",
            "--schedule",
            str(settings.VAR_DIR / "celerybeat-schedule"),
        ],
    ]


def without_password(url: str) -> str:
    parts = urlsplit(url)
    host = parts.hostname or ""
    netloc = f"{host}:{parts.port}" if parts.port else host
    return parts._replace(netloc=netloc).geturl()


def find_redis(url: str, var_dir: Path) -> tuple[subprocess.Popen | None, str]:
    """Redis at `url`, else a private one under var/; SystemExit with one sentence if neither."""
    if redis_answers(url):
        return None, url
    if not shutil.which("redis-server"):
        raise SystemExit(NO_REDIS.format(url=without_password(url)))
    server, url = private_redis(var_dir)
    print(f"Started a private Redis at {url}")
    return server, url


def run(address: str = "127.0.0.1:8000") -> int:
    # Beat keeps its schedule in var/ whatever the database: a fresh clone may not have it.
    settings.VAR_DIR.mkdir(parents=True, exist_ok=True)
    server, url = find_redis(settings.REDIS_URL, settings.VAR_DIR)
    processes = [server] if server else []
    env = {**os.environ, "REDIS_URL": url}
    processes += [subprocess.Popen(cmd, env=env) for cmd in commands(address)]
    print(f"Web: http://{address}/  (admin at /admin/). Press Ctrl-C to stop.")
    return supervise(processes)


def supervise(processes: list[subprocess.Popen]) -> int:
    """Wait for Ctrl-C, SIGTERM or one process ending; then stop them all, newest first."""
    stop = []
    handlers = {
        sig: signal.signal(sig, lambda signum, _: stop.append(signum)) for sig in STOP_SIGNALS
    }
    try:
        while not stop and all(p.poll() is None for p in processes):
            time.sleep(0.3)
        stop_all(processes)
    finally:
        for sig, handler in handlers.items():
            signal.signal(sig, handler)
    return 0 if stop else 1


def stop_all(processes: list[subprocess.Popen]) -> None:
    for process in reversed(processes):
        if process.poll() is None:
            process.terminate()
    for process in processes:
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
