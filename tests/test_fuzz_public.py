"""Random input to every public URL: never a 5xx, and a refused request stores nothing."""

import json
import string

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsletter.models import Booking, ConsentEvent, Subscriber

SAFE = string.ascii_letters + string.digits + "-_:.~%"
tokens = st.text(alphabet=SAFE, min_size=1, max_size=120)
fields = st.dictionaries(
    st.sampled_from(
        [
            "email",
            "first_name",
            "consent",
            "audience",
            "action",
            "weeks",
            "website",
            "time_zone",
            "consent_version",
            "source",
            "List-Unsubscribe",
            "in_archive",
        ]
    ),
    st.one_of(
        st.text(max_size=300),
        st.sampled_from(
            ["on", "yes", "1", "pause", "unsubscribe", "One-Click", "download", "erase"]
        ),
    ),
    max_size=6,
)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=80),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4)
    ),
    max_leaves=12,
)
PAGES = [
    "/confirm/{t}/",
    "/confirm/{t}/resend/",
    "/unsubscribe/{t}/",
    "/preferences/{t}/",
    "/preferences/{t}/data.json",
    "/preferences/{t}/delete/",
    "/data/{t}/",
    "/c/{t}/",
    "/e/{t}/",
]
HOOKS = ["/subscribe/", "/hooks/booked/", "/hooks/calendly/", "/hooks/calcom/"]
FUZZ = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def stored() -> tuple[int, int, int]:
    return Subscriber.objects.count(), ConsentEvent.objects.count(), Booking.objects.count()


@pytest.fixture
def http(practice) -> Client:
    return Client()


@FUZZ
@given(page=st.sampled_from(PAGES), token=tokens, data=fields, post=st.booleans())
def test_a_page_behind_a_link_never_fails_whatever_the_token_and_fields(
    http, page, token, data, post
):
    before = stored()
    path = page.format(t=token)
    answer = http.post(path, data) if post else http.get(path, data)
    assert answer.status_code < 500, (path, data)
    assert stored() == before  # no genuine token, so nothing can change


@FUZZ
@given(url=st.sampled_from(HOOKS), body=json_values)
def test_json_bodies_to_every_public_endpoint_never_fail(http, url, body):
    before = stored()
    answer = http.post(
        url,
        json.dumps(body),
        content_type="application/json",
        headers={"Accept": "application/json"},
    )
    assert answer.status_code < 500, (url, body)
    if answer.status_code >= 400:
        assert stored() == before


@FUZZ
@given(data=fields)
def test_form_posts_to_the_subscribe_form_never_fail(http, data):
    before = stored()
    answer = http.post("/subscribe/", data)
    assert answer.status_code < 500, data
    if answer.status_code >= 400:
        assert stored() == before
