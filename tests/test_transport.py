"""How email leaves: SMTP from EMAIL_URL, an ESP through anymail, else .eml files in var/outbox."""

import logging
import socket
from email import message_from_bytes, policy

import pytest
from aiosmtpd.controller import Controller
from django.core import mail
from django.core.exceptions import ImproperlyConfigured
from django.test import Client, RequestFactory

from newsletter import settings as project_settings
from newsletter.views.staff import outbox_directory


class Sink:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(envelope)
        return "250 OK"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp_sink():
    # aiosmtpd logs each connection from its own thread, past the test's captured output.
    logging.getLogger("mail.log").setLevel(logging.WARNING)
    sink = Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield controller, sink
    controller.stop()


def subscribe_over_http(django_capture_on_commit_callbacks, email="reader@example.com"):
    with django_capture_on_commit_callbacks(execute=True):
        return Client().post("/subscribe/", {"email": email, "consent": "on"})


def clear_env(monkeypatch):
    for name in ("ESP", "EMAIL_URL", "ANYMAIL_POSTMARK_SERVER_TOKEN"):
        monkeypatch.delenv(name, raising=False)


def test_email_url_sends_over_smtp_to_a_real_server(
    smtp_sink, settings, practice, django_capture_on_commit_callbacks
):
    controller, sink = smtp_sink
    url = f"smtp://127.0.0.1:{controller.port}"
    settings.MAILERS = {"default": project_settings.smtp_mailer(url)}
    subscribe_over_http(django_capture_on_commit_callbacks)
    assert len(sink.messages) == 1
    envelope = sink.messages[0]
    assert envelope.rcpt_tos == ["reader@example.com"]
    message = message_from_bytes(envelope.content, policy=policy.default)
    assert message.get_body(preferencelist=("html",)) is not None
    assert "/confirm/" in message.get_body(preferencelist=("plain",)).get_content()


def test_email_url_carries_credentials_and_tls(monkeypatch):
    clear_env(monkeypatch)
    monkeypatch.setenv("EMAIL_URL", "submission://user%40x:p%3Ass@mail.example:587")
    mailers, _ = project_settings.mailers_from_env()
    options = mailers["default"]["OPTIONS"]
    assert mailers["default"]["BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"
    assert (options["host"], options["port"], options["use_tls"]) == ("mail.example", 587, True)
    assert (options["username"], options["password"]) == ("user@x", "p:ss")


def test_an_email_url_of_another_kind_is_refused(monkeypatch):
    clear_env(monkeypatch)
    monkeypatch.setenv("EMAIL_URL", "http://mail.example")
    with pytest.raises(ImproperlyConfigured):
        project_settings.mailers_from_env()


def test_esp_postmark_configures_anymail(monkeypatch, settings):
    clear_env(monkeypatch)
    monkeypatch.setenv("ESP", "postmark")
    monkeypatch.setenv("ANYMAIL_POSTMARK_SERVER_TOKEN", "server-token")
    mailers, anymail = project_settings.mailers_from_env()
    assert mailers == {"default": {"BACKEND": "anymail.backends.postmark.EmailBackend"}}
    assert anymail == {
        "POSTMARK_SERVER_TOKEN": "server-token",
        "POSTMARK_SEND_DEFAULTS": {"track_opens": False, "track_clicks": False},
    }
    settings.MAILERS, settings.ANYMAIL = mailers, anymail
    backend = mail.mailers["default"]
    assert type(backend).__module__ == "anymail.backends.postmark"
    assert backend.server_token == "server-token"


def test_without_a_provider_emails_are_written_to_the_outbox(monkeypatch, settings, tmp_path):
    clear_env(monkeypatch)
    monkeypatch.setattr(project_settings, "VAR_DIR", tmp_path)
    mailers, _ = project_settings.mailers_from_env()
    assert mailers["default"] == {
        "BACKEND": "newsletter.mail.outbox.EmailBackend",
        "OPTIONS": {"directory": str(tmp_path / "outbox")},
    }


def test_the_outbox_page_lists_and_renders_each_email(
    outbox_dir, admin_client, practice, django_capture_on_commit_callbacks
):
    subscribe_over_http(django_capture_on_commit_callbacks)
    files = list(outbox_dir.glob("*.eml"))
    assert len(files) == 1 and outbox_directory() == outbox_dir
    listing = admin_client.get("/admin/outbox/").content.decode()
    assert "reader@example.com" in listing
    assert f'<a href="/admin/outbox/{files[0].name}">' in listing
    assert 'class="messagelist"' not in listing  # rows in the table, not admin messages
    page = admin_client.get(f"/admin/outbox/{files[0].name}")
    html = page.content.decode()
    assert page.status_code == 200
    assert "srcdoc=" in html and 'sandbox=""' in html and "/confirm/" in html


def test_the_outbox_is_for_staff_only(outbox_dir, client, practice, django_user_model):
    assert client.get("/admin/outbox/").status_code == 302
    assert "/admin/login/" in client.get("/admin/outbox/")["Location"]
    django_user_model.objects.create_user("reader", password="pw-12345678")
    login = RequestFactory().post("/admin/login/")  # login throttling reads the request
    client.login(request=login, username="reader", password="pw-12345678")
    assert client.get("/admin/outbox/").status_code == 302


@pytest.mark.parametrize("name", ["../settings.py", "nothing.eml", "x.txt"])
def test_the_outbox_never_reads_other_files(outbox_dir, admin_client, name):
    assert admin_client.get(f"/admin/outbox/{name}").status_code == 404
