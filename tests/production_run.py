"""The Procfile's processes with production settings, driven like a subscriber over HTTP.

Used by `make prod-check` (tests/test_production_check.py): the release step, then web
(gunicorn), worker and beat, each started from its Procfile line through a shell with the
variables an operator would set; the test process plays the subscriber and the mail server.
"""

import os
import re
import secrets
import signal
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

from .worker_harness import ROOT, RedisServer, database_url, free_port, wait_for

PROCFILE = ROOT / "Procfile"


def procfile(path: Path = PROCFILE) -> dict[str, str]:
    """`name: command` lines of a Procfile, by name."""
    entries = {}
    for line in path.read_text().splitlines():
        name, sep, command = line.partition(":")
        if sep and name.strip() and not line.lstrip().startswith("#"):
            entries[name.strip()] = command.strip()
    return entries


def production_env(workdir: Path, redis_url: str, smtp_port: int, port: int) -> dict:
    env = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    env.update(
        DJANGO_SETTINGS_MODULE="newsletter.settings",
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(50),
        DATABASE_URL=database_url(),
        DATABASE_CONN_MAX_AGE="0",
        REDIS_URL=redis_url,
        EMAIL_URL=f"smtp://127.0.0.1:{smtp_port}",
        SITE_URL=f"http://127.0.0.1:{port}",
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="false",  # plain HTTP on loopback; a TLS proxy does this for real
        PORT=str(port),
        WEB_CONCURRENCY="2",
        WORKER_CONCURRENCY="2",
        VAR_DIR=str(workdir),
        METRICS_TOKEN=secrets.token_urlsafe(24),
        LOG_FORMAT="json",
        SEND_RATE_PER_SECOND="100",
        CELERY_TASK_ALWAYS_EAGER="false",
    )
    # The Procfile's commands name `python`, `gunicorn` and `celery`: this virtualenv's.
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    return env


class Process:
    """One Procfile line run through a shell, in its own process group, logging to a file."""

    def __init__(self, name: str, command: str, env: dict, workdir: Path):
        self.name, self.log = name, workdir / f"{name}.log"
        self.handle = open(self.log, "w")  # noqa: SIM115 (closed in stop)
        self.process = subprocess.Popen(
            ["bash", "-c", f"exec {command}"],
            cwd=ROOT,
            env=env,
            stdout=self.handle,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def alive(self) -> bool:
        return self.process.poll() is None

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def stop(self) -> None:
        if self.alive():
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)
        self.handle.close()


def run_once(name: str, command: str, env: dict, workdir: Path, timeout: float = 120) -> str:
    """Run a one-off Procfile command (the release step) or a management command to the end."""
    result = subprocess.run(
        ["bash", "-c", command],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    (workdir / f"{name}.log").write_text(result.stdout + result.stderr)
    assert result.returncode == 0, f"{name} failed:\n{result.stdout}\n{result.stderr}"
    return result.stdout + result.stderr


class Http:
    """A tiny HTTP client for the loopback site (no redirects followed)."""

    class _NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    def __init__(self, base: str):
        self.base = base
        self.opener = urllib.request.build_opener(self._NoRedirect)

    def request(self, method: str, path: str, data: bytes | None = None, headers=None):
        url = path if path.startswith("http") else self.base + path
        request = urllib.request.Request(url, data=data, method=method, headers=headers or {})
        try:
            with self.opener.open(request, timeout=10) as response:
                return response.status, dict(response.headers), response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers), error.read().decode()


class Stack:
    """Private Redis, SMTP sink, the release step and web + worker + beat from the Procfile."""

    def __init__(self, workdir: Path):
        from .smtp_sink import Sink

        self.workdir = workdir
        self.redis = RedisServer(workdir).start()
        self.sink = Sink().start()
        self.port = free_port()
        self.env = production_env(workdir, self.redis.url, self.sink.port, self.port)
        self.http = Http(f"http://127.0.0.1:{self.port}")
        self.processes: list[Process] = []

    def release(self) -> str:
        return run_once("release", procfile()["release"], self.env, self.workdir)

    def manage(self, *arguments: str) -> str:
        command = " ".join(["python", "manage.py", *arguments])
        return run_once(arguments[0], command, self.env, self.workdir)

    def start(self, *names: str) -> None:
        lines = procfile()
        for name in names:
            self.processes.append(Process(name, lines[name], self.env, self.workdir))
        wait_for(self._web_answers, 30, "gunicorn to answer /healthz", every=0.1)
        wait_for(lambda: b" ready." in self._log("worker"), 30, "the worker to be ready")

    def _log(self, name: str) -> bytes:
        path = self.workdir / f"{name}.log"
        dead = [p for p in self.processes if not p.alive()]
        assert not dead, "\n".join(f"{p.name} exited:\n{p.output()[-3000:]}" for p in dead)
        return path.read_bytes() if path.exists() else b""

    def _web_answers(self) -> bool:
        self._log("web")
        try:
            return self.http.request("GET", "/healthz")[0] == 200
        except OSError:
            return False

    def mail_to(self, address: str, count: int, timeout: float = 30) -> list:
        def arrived():
            with self.sink.recorder.lock:
                found = [m for m in self.sink.recorder.messages if address in m["To"]]
            return found if len(found) >= count else None

        return wait_for(arrived, timeout, f"{count} email(s) to arrive at the sink", every=0.1)

    def logs(self) -> str:
        return "".join(path.read_text(errors="replace") for path in self.workdir.glob("*.log"))

    def stop(self) -> None:
        for process in reversed(self.processes):
            process.stop()
        self.sink.stop()
        self.redis.stop()


def link(message, pattern: str) -> str:
    """The first URL in the message's plain-text part that matches `pattern`."""
    for part in message.walk():
        if part.get_content_type() == "text/plain":
            text = part.get_payload(decode=True).decode()
            found = re.search(rf"https?://\S*{pattern}\S*", text)
            if found:
                return found.group(0).rstrip(").,>")
    raise AssertionError(f"No {pattern} link in the message")
