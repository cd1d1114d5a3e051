"""caniemail data (doiuse-email) for Gmail, Outlook and Apple Mail, and Gmail's clipping size."""

from django.core.mail import EmailMultiAlternatives

from tests.checks import tools


def message_with(html: str) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives("Check", "text", "a@example.com", ["b@example.com"])
    message.attach_alternative(html, "text/html")
    return message


def test_no_client_support_error_beyond_the_allow_list(sample_messages):
    assert tools.client_support_failures(sample_messages) == []


def test_every_allow_list_entry_gives_a_reason_and_is_still_needed(sample_messages):
    entries = tools.allow_list()
    assert entries and all(len(entry.reason) > 20 for entry in entries)
    errors = {e for m in sample_messages for e in tools.doiuse_errors(tools.html_of(m))}
    for entry in entries:
        assert any(tools.is_allowed(e, [entry]) for e in errors), f"unused: {entry.feature}"


def test_the_check_catches_css_that_outlook_cannot_show(practice):
    html = '<html><body><div style="display:flex">x</div></body></html>'
    failures = tools.client_support_failures([message_with(html)])
    assert "'Check': `display:flex` is not supported by `outlook.windows`" in failures


def test_every_email_stays_under_gmails_clipping_size(sample_messages):
    assert tools.size_failures(sample_messages) == []
    assert tools.size_failures([message_with("x" * 110_000)]) != []
