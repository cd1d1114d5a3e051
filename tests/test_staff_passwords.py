"""Staff passwords: sessions end after STAFF_SESSION_HOURS, a change ends other sessions, and a
reset link comes by email without telling anyone whether an account exists."""

import os
import re
import subprocess
import sys
from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone

from newsletter.management import demo

NEW = "a-new-and-long-passphrase-42"


def logged_in(password: str, username: str = "therapist") -> Client:
    http = Client()
    answer = http.post("/workspace/login/", {"username": username, "password": password})
    assert answer.status_code == 302
    return http


def therapist_with_address(address: str = "therapist@practice.example") -> str:
    password = demo.create_therapist()
    User.objects.filter(username="therapist").update(email=address)
    return password


@pytest.mark.parametrize(("hours", "seconds"), [(None, 12 * 3600), ("2", 7200)])
def test_staff_session_hours_sets_the_session_age(hours, seconds):
    code = (
        "import os; os.environ['DEBUG'] = 'true'; "
        + (f"os.environ['STAFF_SESSION_HOURS'] = '{hours}'; " if hours else "")
        + "from newsletter import settings; print(settings.SESSION_COOKIE_AGE)"
    )
    env = {k: v for k, v in os.environ.items() if k != "STAFF_SESSION_HOURS"}
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env
    )
    assert int(out.stdout) == seconds


def test_a_staff_session_ends_after_its_hours(practice, settings):
    settings.SESSION_COOKIE_AGE = 12 * 3600
    password = demo.create_therapist()
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        http = logged_in(password)
    with time_machine.travel(start + timedelta(hours=11), tick=False):
        assert http.get("/workspace/").status_code == 200
    with time_machine.travel(start + timedelta(hours=12, minutes=1), tick=False):
        assert http.get("/workspace/").status_code == 302


def test_changing_the_password_ends_every_other_session_and_keeps_this_one(practice):
    password = demo.create_therapist()
    here, elsewhere = logged_in(password), logged_in(password)
    answer = here.post(
        "/workspace/password/change/",
        {"old_password": password, "new_password1": NEW, "new_password2": NEW},
    )
    assert answer.status_code == 302
    assert here.get("/workspace/").status_code == 200
    assert elsewhere.get("/workspace/").status_code == 302


def test_a_wrong_old_password_is_refused_next_to_its_field(practice):
    password = demo.create_therapist()
    http = logged_in(password)
    page = http.post(
        "/workspace/password/change/",
        {"old_password": "nope", "new_password1": NEW, "new_password2": NEW},
    )
    assert page.status_code == 200 and 'class="error"' in page.content.decode()
    assert User.objects.get(username="therapist").check_password(password)


def test_a_reset_link_comes_by_email_and_sets_a_new_password_once(practice, outbox):
    old = therapist_with_address()
    elsewhere = logged_in(old)
    answer = Client().post("/workspace/password/reset/", {"email": "Therapist@practice.example"})
    assert answer.status_code == 302 and answer["Location"] == "/workspace/password/reset/sent/"
    (message,) = outbox
    assert message.to == ["therapist@practice.example"]
    assert "new password" in message.subject
    link = re.search(r"http://\S+/workspace/password/reset/\S+/", message.body).group(0)
    http = Client()
    form_page = http.get(link, follow=True)
    assert "Save my new password" in form_page.content.decode()
    done = http.post(form_page.redirect_chain[-1][0], {"new_password1": NEW, "new_password2": NEW})
    assert done.status_code == 302 and done["Location"] == "/workspace/password/reset/done/"
    assert User.objects.get(username="therapist").check_password(NEW)
    assert elsewhere.get("/workspace/").status_code == 302
    again = Client().get(link, follow=True).content.decode()
    assert "This link no longer works" in again
    logged_in(NEW)


def test_an_unknown_or_non_staff_address_gets_the_same_answer_and_no_email(practice, outbox):
    therapist_with_address()
    User.objects.create_user("reader", email="reader@example.com", password="pw-12345678")
    known = Client().post("/workspace/password/reset/", {"email": "therapist@practice.example"})
    answers = [
        Client().post("/workspace/password/reset/", {"email": address})
        for address in ("nobody@example.com", "reader@example.com")
    ]
    assert len(outbox) == 1
    for answer in answers:
        assert (answer.status_code, answer["Location"]) == (known.status_code, known["Location"])


def test_the_login_page_links_to_the_reset_page(practice):
    page = Client().get("/workspace/login/").content.decode()
    assert 'href="/workspace/password/reset/"' in page
    assert Client().get("/workspace/password/reset/").status_code == 200
