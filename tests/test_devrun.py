"""`make run`'s supervisor: finding or starting Redis, and stopping every process together."""

import subprocess
import sys

import pytest
import redis
from celery.beat import PersistentScheduler

from celery_app import app
from newsletter.management import devrun


def dead_url() -> str:
    return f"redis://127.0.0.1:{devrun.free_port()}/0"


def test_redis_answers_for_the_test_redis(settings):
    assert devrun.redis_answers(settings.REDIS_URL) is True


def test_redis_does_not_answer_on_a_dead_port():
    assert devrun.redis_answers(dead_url()) is False


def test_a_live_redis_is_used_as_it_is(settings, tmp_path):
    assert devrun.find_redis(settings.REDIS_URL, tmp_path) == (None, settings.REDIS_URL)


def test_no_redis_and_no_redis_server_ends_with_one_sentence(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(SystemExit) as stop:
        devrun.find_redis("redis://:secret@127.0.0.1:1/0", tmp_path)
    message = str(stop.value.code)
    assert message.count(". ") == 0 and message.endswith("REDIS_URL.")
    assert "redis-server" in message and "secret" not in message


def test_a_private_redis_is_started_under_var_when_none_answers(tmp_path):
    server, url = devrun.find_redis(dead_url(), tmp_path)
    try:
        assert redis.Redis.from_url(url).ping()
        assert (tmp_path / "redis").is_dir()
    finally:
        devrun.stop_all([server])
    assert server.returncode is not None


def sleeper() -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)"])


def test_when_one_process_ends_the_others_are_stopped_and_the_run_fails():
    others = [sleeper(), sleeper()]
    quitter = subprocess.Popen([sys.executable, "-c", "raise SystemExit(3)"])
    assert devrun.supervise([*others, quitter]) == 1
    assert all(p.poll() is not None for p in others)


def test_the_three_processes_are_web_worker_and_beat(settings):
    web, worker, beat = devrun.commands("127.0.0.1:8123")
    assert web[1:4] == ["manage.py", "runserver", "127.0.0.1:8123"]
    assert "worker" in worker and "beat" in beat
    assert str(settings.VAR_DIR) in beat[-1]


class Started:
    """What run() starts, recorded instead of started."""

    def __init__(self):
        self.commands = []

    def __call__(self, command, **options):
        self.commands.append(command)
        return self


def test_make_run_on_a_fresh_clone_with_the_database_elsewhere_gives_beat_its_folder(
    settings, monkeypatch, tmp_path
):
    # A PostgreSQL DATABASE_URL means SQLite never creates var/; beat keeps its schedule there.
    monkeypatch.setenv("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/elsewhere")
    settings.VAR_DIR = tmp_path / "fresh-clone" / "var"
    started = Started()
    monkeypatch.setattr(devrun.subprocess, "Popen", started)
    monkeypatch.setattr(devrun, "find_redis", lambda url, var_dir: (None, url))
    monkeypatch.setattr(devrun, "supervise", lambda processes: 0)
    assert devrun.run("127.0.0.1:8123") == 0
    beat = next(command for command in started.commands if "beat" in command)
    schedule = beat[beat.index("--schedule") + 1]
    scheduler = PersistentScheduler(app=app, schedule_filename=schedule, lazy=False)
    scheduler.close()
    assert settings.VAR_DIR.is_dir() and schedule.startswith(str(settings.VAR_DIR))
