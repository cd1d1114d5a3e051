"""Strangers and abuse: mail-bombing, hostile names, a dead Redis, hidden lists, old links,
the outbox, password guessing, look-alike addresses and addresses a transport cannot carry."""

import re
from datetime import timedelta
from email import policy
from email.parser import BytesParser

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.models import Permission, User
from django.test import Client, override_settings
from django.utils import timezone

from newsletter.models import Audience, Practice, Subscriber, Suppression
from newsletter.subscribers import addresses, confirmations, subscriptions, tokens
from newsletter.views import limits

JSON = {"Accept": "application/json"}
SMTP = {"default": {"BACKEND": "django.core.mail.backends.smtp.EmailBackend"}}
DEAD_REDIS = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",
    }
}


@pytest.fixture
def post(practice, django_capture_on_commit_callbacks):
    """POST the subscribe form as a browser at `ip` would, running the on-commit tasks."""
    http = Client()

    def run(email: str, ip: str = "198.51.100.7", **fields):
        data = {"email": email, "consent": "yes", **fields}
        with django_capture_on_commit_callbacks(execute=True):
            return http.post("/subscribe/", data, headers=JSON, REMOTE_ADDR=ip)

    return run


def confirmations_to(outbox, mailbox: str) -> int:
    return sum(addresses.mailbox_key(m.to[0]) == mailbox for m in outbox)


def test_forty_tagged_addresses_from_one_ipv6_network_get_few_confirmations(post, outbox):
    answers = [post(f"victim+{n}@gmail.com", ip=f"2001:db8:1:2::{n:x}") for n in range(40)]
    assert all(a.status_code in (200, 429) for a in answers)
    assert sum(a.status_code == 429 for a in answers) == 20  # the /64 is one client (20/h)
    assert confirmations_to(outbox, "victim@gmail.com") == 3  # one mailbox: 3/h


def test_dotted_and_tagged_gmail_addresses_count_as_the_mailbox_they_reach(post, outbox):
    for n, address in enumerate(
        [
            "v.ictim@gmail.com",
            "vic.tim+a@googlemail.com",
            "Victim@Gmail.com",
            "vi.c.tim+b@gmail.com",
            "victim+c@gmail.com",
        ]
    ):
        assert post(address, ip=f"203.0.113.{n}").json()["ok"] is True
    assert len(outbox) == 3
    stored = sorted(Subscriber.objects.values_list("email", flat=True))
    assert "vic.tim+a@googlemail.com" in stored  # the key limits; the address is kept as typed


def test_the_mailbox_key_folds_only_for_limits():
    assert addresses.mailbox_key("A.B+news@GoogleMail.com") == "ab@gmail.com"
    assert addresses.mailbox_key("a.b+news@example.com") == "a.b@example.com"
    assert addresses.key("A.B+news@example.com") == "a.b+news@example.com"


def test_ipv6_clients_are_counted_by_their_64_and_ipv4_by_address():
    assert limits.client_network("2001:db8:1:2:aaaa::1") == "2001:db8:1:2::/64"
    assert limits.client_network("2001:db8:1:2:bbbb::9") == "2001:db8:1:2::/64"
    assert limits.client_network("::ffff:192.0.2.1") == "192.0.2.1"
    assert limits.client_network("192.0.2.1") != limits.client_network("192.0.2.2")


def test_past_the_hourly_ceiling_subscribing_answers_the_same_and_the_email_waits(
    post, outbox, settings, time_machine, django_capture_on_commit_callbacks
):
    settings.CONFIRMATION_EMAILS_PER_HOUR = 2
    answers = [post(f"reader{n}@example.com", ip=f"192.0.2.{n}").json() for n in range(3)]
    assert all(answer["ok"] for answer in answers) and len(answers) == 3
    assert len(outbox) == 2
    waiting = Subscriber.objects.get(email="reader2@example.com")
    assert waiting.confirmation_sent_at and waiting.confirmation_mailed_at is None
    time_machine.move_to(timezone.now() + timedelta(hours=1))  # the next hour
    with django_capture_on_commit_callbacks(execute=True):
        assert confirmations.resend_lost() == 1
    assert [m.to for m in outbox][-1] == ["reader2@example.com"]


def test_the_confirmation_email_does_not_show_the_first_name(post, outbox):
    post("reader@example.com", first_name="Dana")
    [message] = outbox
    assert "Dana" not in message.body and "Dana" not in message.alternatives[0].content


@pytest.mark.parametrize(
    "name",
    [
        "Your account is locked, verify at https://evil.example",
        "see www.evil.example",
        "visit evil.example now",
        "write to help@evil.example",
        "Ana\x07",
        "Ana\u202egnp.exe",
        "\u2066Ana\u2069",
        "Ana\u200bBob",
        "\u200b\u200b",
        "\u200d\u0301",
    ],
)
def test_a_first_name_that_carries_a_message_or_hides_text_is_refused(post, outbox, name):
    response = post("reader@example.com", first_name=name)
    assert response.status_code == 400 and "first_name" in response.json()["errors"]
    assert Subscriber.objects.count() == 0 and outbox == []


@pytest.mark.parametrize(
    "name",
    ["Zoë", "Jean-Luc", "O'Brien", "St.John", "María José", "Nguyễn", "نیلو\u200cفر", "Sam 🌿"],
)
def test_ordinary_first_names_are_welcome(post, name):
    assert post("reader@example.com", first_name=name).json()["ok"] is True
    assert Subscriber.objects.get(email="reader@example.com").first_name == name


def test_with_redis_down_subscribing_answers_as_usual_and_limits_hold_per_process(
    post, outbox, caplog
):
    with override_settings(CACHES=DEAD_REDIS):
        first = post("reader@example.com", ip="192.0.2.50")
        answers = [post(f"r{n}@example.com", ip="192.0.2.51") for n in range(21)]
    assert first.status_code == 200 and first.json()["ok"] is True
    assert [a.status_code for a in answers].count(429) == 1  # the 21st from one client
    assert Subscriber.objects.filter(email="reader@example.com").exists()
    assert "Redis is unreachable" in caplog.text


def test_a_list_that_is_not_public_is_refused_exactly_like_an_unknown_one(post, practice):
    Audience.objects.create(name="Clients only", slug="clients-only", is_public=False)
    hidden = post("reader@example.com", audience="clients-only")
    unknown = post("reader@example.com", audience="no-such-list")
    assert hidden.status_code == unknown.status_code == 400
    assert hidden.json() == unknown.json()
    assert not Subscriber.objects.filter(email="reader@example.com").exists()


def test_an_old_confirmation_link_does_not_undo_an_unsubscribe(
    active_subscriber, audience, outbox, time_machine, django_capture_on_commit_callbacks
):
    old = f"/confirm/{tokens.confirmation(active_subscriber, [audience.pk])}/"
    time_machine.move_to(timezone.now() + timedelta(minutes=10))  # past the resend pause
    subscriptions.unsubscribe(active_subscriber, "test")
    http = Client()
    page = http.get(old)
    assert page.status_code == 410 and "Subscribe me again" in page.content.decode()
    assert http.post(old).status_code == 410
    assert Subscriber.objects.get(pk=active_subscriber.pk).status == "unsubscribed"
    outbox.clear()
    time_machine.move_to(timezone.now() + timedelta(seconds=5))  # the reader reads the page
    with django_capture_on_commit_callbacks(execute=True):
        http.post(f"{old}resend/")
    fresh = next(w for w in outbox[0].body.split() if "/confirm/" in w)
    http.post(fresh.removeprefix("http://127.0.0.1:8000"))
    assert Subscriber.objects.get(pk=active_subscriber.pk).status == "active"


@pytest.fixture
def outbox_file(outbox_dir, practice, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        Client().post("/subscribe/", {"email": "reader@example.com", "consent": "yes"})
    [path] = outbox_dir.glob("*.eml")
    return path


def staff(permission: bool) -> Client:
    user = User.objects.create_user("helper", password="pw-12345678", is_staff=True)
    if permission:
        user.user_permissions.add(Permission.objects.get(codename="view_outbox"))
    http = Client()
    http.force_login(user)
    return http


def test_a_staff_user_without_the_outbox_permission_cannot_read_it(outbox_file):
    http = staff(permission=False)
    assert http.get("/admin/outbox/").status_code == 403
    assert http.get(f"/admin/outbox/{outbox_file.name}").status_code == 403
    assert "/admin/outbox/" not in http.get("/admin/").content.decode()


def test_the_outbox_shows_no_link_that_could_confirm_for_someone(outbox_file):
    message = BytesParser(policy=policy.default).parsebytes(outbox_file.read_bytes())
    text = message.get_body(preferencelist=("plain",)).get_content()
    token = re.search(r"/confirm/([^/\s]+)/", text).group(1)
    page = staff(permission=True).get(f"/admin/outbox/{outbox_file.name}").content.decode()
    assert "/confirm/signed-link-hidden/" in page
    assert token not in page and token[:20] not in page


@override_settings(AXES_FAILURE_LIMIT=10)
def test_staff_logins_are_throttled_and_lockouts_are_visible_to_an_administrator(practice):
    User.objects.create_user("therapist", password="right-password-1", is_staff=True)
    http = Client()
    tries = [
        http.post("/admin/login/", {"username": "therapist", "password": f"wrong-{n}"})
        for n in range(12)
    ]
    assert [t.status_code for t in tries[:9]] == [200] * 9  # the form again, with its error
    assert {t.status_code for t in tries[9:]} == {429}  # the tenth failure locks
    locked = http.post("/admin/login/", {"username": "therapist", "password": "right-password-1"})
    assert locked.status_code == 429
    assert AccessAttempt.objects.filter(username="therapist").exists()
    admin = Client()
    admin.force_login(User.objects.create_superuser("admin", password="pw"))
    listing = admin.get("/admin/axes/accessattempt/")
    assert listing.status_code == 200 and "therapist" in listing.content.decode()


def test_addresses_that_only_unicode_case_folding_joins_stay_two_people(post, practice):
    assert addresses.key("ſuzy@example.com") != addresses.key("suzy@example.com")
    assert addresses.key("\u212aim@example.com") != addresses.key("kim@example.com")  # Kelvin sign
    post("ſuzy@example.com", ip="192.0.2.10")
    post("suzy@example.com", ip="192.0.2.11")
    assert (
        Subscriber.objects.filter(email__in=["ſuzy@example.com", "suzy@example.com"]).count() == 2
    )
    Suppression.objects.create(
        address_hash=addresses.suppression_hash("ſuzy@example.com"), reason="bounced"
    )
    assert subscriptions.is_suppressed("ſuzy@example.com")
    assert not subscriptions.is_suppressed("suzy@example.com")
    assert addresses.key("Suzy@Example.COM") == addresses.key("suzy@example.com")


@override_settings(MAILERS=SMTP)
def test_over_smtp_an_address_the_server_cannot_carry_is_refused_with_a_clear_message(post):
    response = post("用户@例子.广告")
    assert response.status_code == 400
    assert "cannot yet send" in response.json()["errors"]["email"][0]
    assert not Subscriber.objects.filter(email__contains="例子").exists()
    assert post("reader@例子.广告").json()["ok"] is True  # a non-ASCII domain is encoded (IDNA)


def test_with_a_provider_that_takes_utf8_such_an_address_is_accepted(post, outbox):
    assert post("用户@例子.广告").json()["ok"] is True
    assert outbox[0].to == ["用户@例子.广告"]


@pytest.mark.parametrize("field", ["name", "sender_name"])
def test_a_line_break_in_the_practice_name_is_refused_where_it_is_typed(practice, field):
    admin = Client()
    admin.force_login(User.objects.create_superuser("admin", password="pw"))
    url = f"/admin/newsletter/practice/{practice.pk}/change/"
    form = {
        f.name: getattr(practice, f.attname)
        for f in Practice._meta.concrete_fields
        if f.name != "id"
    }
    form = {k: ("on" if v is True else v) for k, v in form.items() if v not in (False, None)}
    form[field] = "Stillwater\r\nBcc: everyone@example.com"
    response = admin.post(url, form)
    assert response.status_code == 200 and "one line" in response.content.decode()
    assert getattr(Practice.objects.get(), field) == getattr(practice, field)


def test_a_first_name_typed_in_the_admin_follows_the_public_rules(active_subscriber):
    admin = Client()
    admin.force_login(User.objects.create_superuser("admin", password="pw"))
    url = f"/admin/newsletter/subscriber/{active_subscriber.pk}/change/"
    form = {"first_name": "verify at https://evil.example", "time_zone": ""}
    for prefix in ("Membership_subscriber", "consent_events"):
        form.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"})
    response = admin.post(url, form)
    assert response.status_code == 200 and "web or email address" in response.content.decode()
    assert Subscriber.objects.get(pk=active_subscriber.pk).first_name == "Ada"
