"""With STAFF_2FA=required, the workspace and the admin ask for a code after the password."""

import re
import subprocess
import sys
from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from newsletter.management import demo


@pytest.fixture(autouse=True)
def required(settings):
    settings.STAFF_2FA = "required"


@pytest.fixture
def password(practice) -> str:
    return demo.create_therapist()


@pytest.fixture
def device(password) -> TOTPDevice:
    user = User.objects.get(username="therapist")
    recovery = StaticDevice.objects.create(user=user, name="Recovery codes")
    StaticToken.objects.create(device=recovery, token="recover1")
    return TOTPDevice.objects.create(user=user, name="Authenticator app")


def code_of(device: TOTPDevice) -> str:
    device.refresh_from_db()
    return f"{totp(device.bin_key, device.step, device.t0, device.digits):06d}"


def password_only(password: str, url: str = "/workspace/login/") -> Client:
    http = Client()
    answer = http.post(url, {"username": "therapist", "password": password})
    assert answer.status_code == 302
    return http


def test_the_password_alone_leads_to_the_code_page_not_the_workspace(password, device):
    http = password_only(password)
    answer = http.get("/workspace/")
    assert answer.status_code == 302
    assert answer["Location"] == "/workspace/login/code/?next=%2Fworkspace%2F"
    page = http.get(answer["Location"]).content.decode()
    assert "One more step: your code" in page and 'autocomplete="one-time-code"' in page
    assert http.get("/workspace/broadcasts/").status_code == 302


def test_the_right_code_opens_the_workspace_where_it_was_going(password, device):
    http = password_only(password)
    answer = http.post(
        "/workspace/login/code/", {"code": code_of(device), "next": "/workspace/broadcasts/"}
    )
    assert answer.status_code == 302 and answer["Location"] == "/workspace/broadcasts/"
    assert http.get("/workspace/").status_code == 200


def test_a_wrong_code_is_refused_next_to_the_field(password, device):
    http = password_only(password)
    right = code_of(device)
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"
    page = http.post("/workspace/login/code/", {"code": wrong})
    assert page.status_code == 400 and "That code did not work" in page.content.decode()
    assert http.get("/workspace/").status_code == 302


def test_an_off_site_next_is_not_followed(password, device):
    http = password_only(password)
    answer = http.post(
        "/workspace/login/code/", {"code": code_of(device), "next": "https://evil.example/"}
    )
    assert answer["Location"] == "/workspace/"


def test_a_recovery_code_works_once(password, device):
    first = password_only(password)
    assert first.post("/workspace/login/code/", {"code": "RECOVER1"}).status_code == 302
    assert first.get("/workspace/").status_code == 200
    second = password_only(password)
    assert second.post("/workspace/login/code/", {"code": "recover1"}).status_code == 400
    assert second.get("/workspace/").status_code == 302


def test_a_staff_user_without_a_device_is_enrolled_first_with_a_qr_code_and_recovery_codes(
    password,
):
    http = password_only(password)
    answer = http.get("/workspace/")
    assert answer["Location"].startswith("/workspace/login/setup/")
    assert http.get("/workspace/login/code/")["Location"].startswith("/workspace/login/setup/")
    page = http.get(answer["Location"]).content.decode()
    assert "<svg" in page and 'aria-label="QR code to scan"' in page and "<img" not in page
    device = TOTPDevice.objects.get(user__username="therapist", confirmed=False)
    assert http.get("/workspace/").status_code == 302  # an unconfirmed app counts for nothing
    refused = http.post(
        "/workspace/login/setup/", {"code": "000000" if code_of(device) != "000000" else "111111"}
    )
    assert refused.status_code == 400
    with time_machine.travel(timezone.now() + timedelta(seconds=5), tick=False):  # throttled
        shown = http.post(
            "/workspace/login/setup/", {"code": code_of(device), "next": "/workspace/"}
        )
    html = shown.content.decode()
    codes = re.findall(r"<li><code>(\w+)</code></li>", html)
    assert len(codes) == 10 and "shown only now" in html
    assert http.get("/workspace/").status_code == 200
    assert http.get("/workspace/login/setup/").status_code == 302  # never shown again
    later = password_only(password)
    assert later.post("/workspace/login/code/", {"code": codes[0]}).status_code == 302


def test_the_admin_asks_for_the_code_too(password, device):
    User.objects.filter(username="therapist").update(is_superuser=True)
    http = password_only(password, "/admin/login/?next=/admin/")
    answer = http.get("/admin/newsletter/subscriber/")
    assert answer.status_code == 302 and answer["Location"].startswith("/workspace/login/code/")
    assert http.get("/admin/").status_code == 302
    http.post("/workspace/login/code/", {"code": code_of(device), "next": "/admin/"})
    assert http.get("/admin/newsletter/subscriber/").status_code == 200


def test_with_staff_2fa_off_the_password_is_enough(settings, password, device):
    settings.STAFF_2FA = "off"
    http = password_only(password)
    assert http.get("/workspace/").status_code == 200
    assert password_only(password, "/admin/login/").get("/admin/").status_code == 200


def test_non_staff_users_are_not_asked_for_a_code(practice):
    User.objects.create_user("reader", password="pw-12345678")
    http = Client()
    http.post("/workspace/login/", {"username": "reader", "password": "pw-12345678"})
    assert http.get("/workspace/").status_code == 403


@pytest.mark.parametrize(("debug", "expected"), [("false", "required"), ("true", "off")])
def test_two_factor_is_required_in_production_and_off_in_development_by_default(debug, expected):
    code = (
        "import os; os.environ.pop('STAFF_2FA', None); "
        f"os.environ['DEBUG'] = '{debug}'; "
        "os.environ['SECRET_KEY'] = 'a-long-production-like-secret-key-' + 'x' * 40; "
        "from newsletter import settings; print(settings.STAFF_2FA)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == expected
