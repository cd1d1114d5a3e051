"""The staff page "New sequence from an article": paste or upload, get a draft."""

from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import NoReverseMatch, reverse

from newsletter.management import demo
from newsletter.models import Sequence

DATA = Path(__file__).parent / "data"
URL = "/admin/articles/new/"


@pytest.fixture
def therapist(client, practice):
    demo.create_therapist("therapist")
    client.force_login(User.objects.get(username="therapist"))
    return client


def assert_opens_the_draft(response, sequence: Sequence) -> None:
    try:
        change_url = reverse("admin:newsletter_sequence_change", args=[sequence.pk])
    except NoReverseMatch:  # before the sequence admin exists, the page lists the draft
        assert response.status_code == 200
        assert sequence.steps.first().subject in response.content.decode()
    else:
        assert response.status_code == 302 and response["Location"] == change_url


def test_the_page_is_for_staff_only(client, practice):
    assert client.get(URL).status_code == 302
    User.objects.create_user("helper", password="x", is_staff=True)
    client.force_login(User.objects.get(username="helper"))
    assert client.get(URL).status_code == 403


def test_pasting_an_article_creates_a_draft_and_opens_it(therapist, audience):
    text = (DATA / "ketamine-therapy-for-depression.txt").read_text()
    assert "New sequence from an article" in therapist.get(URL).content.decode()
    response = therapist.post(URL, {"text": text, "audience": audience.pk, "format": ""})
    sequence = Sequence.objects.get()
    assert sequence.status == "draft" and sequence.steps.count() >= 5
    assert_opens_the_draft(response, sequence)


def test_uploading_a_blog_page_creates_a_draft_without_the_page_furniture(therapist, audience):
    upload = SimpleUploadedFile("emdr-intensive.html", (DATA / "blog-post.html").read_bytes())
    response = therapist.post(URL, {"upload": upload, "audience": audience.pk, "emails": 2})
    sequence = Sequence.objects.get()
    assert sequence.slug == "emdr-intensive" and sequence.steps.count() == 2
    assert all("SIDEBAR-TEXT" not in step.body for step in sequence.steps.all())
    assert_opens_the_draft(response, sequence)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({}, "Paste the article or choose a file to upload."),
        ({"upload": SimpleUploadedFile("a.txt", b"\x00\xff" * 64)}, "The file is not text"),
        ({"text": "<div><script>x()</script></div><p></p><nav>Menu</nav>"}, "no readable"),
    ],
    ids=["nothing", "binary", "html-without-text"],
)
def test_bad_input_shows_one_clear_message_and_creates_nothing(
    therapist, audience, fields, message
):
    response = therapist.post(URL, {"audience": audience.pk, **fields})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert Sequence.objects.count() == 0
