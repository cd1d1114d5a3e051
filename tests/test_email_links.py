"""Links inside marketing emails: the consultation redirect and reading online."""

from urllib.parse import parse_qs, urlsplit

from newsletter.mail import emails
from newsletter.models import Click, Delivery, Sequence, Step
from newsletter.subscribers import tokens


def make_delivery(subscriber, audience) -> Delivery:
    sequence = Sequence.objects.create(name="Welcome", slug="welcome", audience=audience)
    step = Step.objects.create(sequence=sequence, position=2, subject="Hello", body="Some *words*.")
    return Delivery.objects.create(subscriber=subscriber, step=step)


def test_a_click_is_counted_and_redirected_with_utm_tags(client, active_subscriber, audience):
    delivery = make_delivery(active_subscriber, audience)
    response = client.get(f"/c/{tokens.make(tokens.CLICK, delivery.pk)}/")
    assert response.status_code == 302
    query = parse_qs(urlsplit(response["Location"]).query)
    assert query == {
        "utm_source": ["newsletter"],
        "utm_medium": ["email"],
        "utm_campaign": ["welcome"],
        "utm_content": ["2"],
    }
    assert Click.objects.filter(delivery=delivery).count() == 1


def test_a_marketing_email_carries_one_click_unsubscribe_headers(active_subscriber, audience):
    message = emails.message_for(make_delivery(active_subscriber, audience))
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message.extra_headers["List-Unsubscribe"].startswith("<http")
    assert "988" in message.body and "Hi Ada" in message.body
