"""SpamAssassin (local tests only) finds nothing to object to in our emails."""

from django.core.mail import EmailMultiAlternatives

from tests.checks import tools

SPAMMY = """<html><body><p>FREE!!! CLICK HERE NOW!!! 100% GUARANTEED, RISK FREE, ACT NOW!</p>
<p>Buy cheap viagra, lose weight fast, make money fast, amazing offer, limited time!!!</p>
<font color="#ffffff">hidden words hidden words</font></body></html>"""


def test_every_step_of_a_sequence_and_the_confirmation_score_at_most_one(sample_messages):
    assert tools.spam_failures(sample_messages) == []


def test_the_check_catches_an_email_that_reads_like_spam(practice):
    message = EmailMultiAlternatives(
        "FREE MONEY!!! ACT NOW", "", "a@example.com", ["b@example.com"]
    )
    message.attach_alternative(SPAMMY, "text/html")
    failures = tools.spam_failures([message])
    assert len(failures) == 1 and "FREE MONEY" in failures[0]
