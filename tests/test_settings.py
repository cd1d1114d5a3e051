"""Configuration from the environment: unsafe production settings refused, deploy checks pass."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

from newsletter import settings as project_settings

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION = {
    "SECRET_KEY": secrets.token_urlsafe(50),
    "SITE_URL": "https://news.example.com",
    "ALLOWED_HOSTS": "news.example.com",
}


def manage(tmp_path, *args, **env):
    # The browser tests' DJANGO_ALLOW_ASYNC_UNSAFE is the test runner's, not production's.
    runner_only = {"DEBUG", "SECRET_KEY", "CI", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    keep = {k: v for k, v in os.environ.items() if k not in runner_only}
    keep = {k: v for k, v in keep.items() if not k.startswith(("ESP", "ANYMAIL_", "EMAIL_URL"))}
    keep.update(DJANGO_SETTINGS_MODULE="newsletter.settings", VAR_DIR=str(tmp_path), **env)
    keep.pop("DATABASE_URL", None)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=keep,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize("key", [None, "", project_settings.DEV_SECRET_KEY])
def test_without_debug_a_missing_or_default_secret_key_refuses_to_start(tmp_path, key):
    env = {} if key is None else {"SECRET_KEY": key}
    result = manage(tmp_path, "check", **env)
    assert result.returncode != 0
    assert "Set SECRET_KEY to a long random value" in result.stderr


def test_debug_runs_with_the_development_key(tmp_path):
    result = manage(tmp_path, "check", DEBUG="true")
    assert result.returncode == 0, result.stderr


def test_check_deploy_passes_with_production_values(tmp_path):
    result = manage(tmp_path, "check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_fails_when_debug_is_left_on(tmp_path):
    env = {**PRODUCTION, "DEBUG": "true"}
    result = manage(tmp_path, "check", "--deploy", "--fail-level", "WARNING", **env)
    assert result.returncode != 0
    assert "DEBUG" in result.stderr


def test_lists_and_flags_are_read_from_the_environment(monkeypatch):
    assert project_settings.env_list("NOT_SET_ANYWHERE", "a, b,,c") == ["a", "b", "c"]
    monkeypatch.setenv("FLAG", "Yes")
    assert project_settings.env_bool("FLAG") is True
    monkeypatch.setenv("FLAG", "off")
    assert project_settings.env_bool("FLAG") is False


def test_pending_retention_days_is_read_from_the_environment(tmp_path):
    show = "from django.conf import settings; print(settings.PENDING_RETENTION_DAYS)"
    default = manage(tmp_path, "shell", "--no-imports", "-c", show, DEBUG="true")
    assert default.stdout.strip() == "30"
    chosen = manage(
        tmp_path, "shell", "--no-imports", "-c", show, DEBUG="true", PENDING_RETENTION_DAYS="45"
    )
    assert chosen.stdout.strip() == "45"
