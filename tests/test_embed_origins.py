"""Blogs allowed to embed the form: the workspace's list and ALLOWED_EMBED_ORIGINS together."""

import pytest
from django.test import Client

from newsletter.models import EmbedOrigin, Subscriber

from .settings_pages import logged_in

BLOG = "https://blog.example"
PAGE = "/workspace/settings/blog/"
JSON = {"Accept": "application/json"}


@pytest.fixture
def therapist(practice):
    return logged_in()


def post_from(origin: str):
    data = {"email": "reader@example.com", "consent": "yes"}
    return Client(enforce_csrf_checks=True).post(
        "/subscribe/", data, headers={**JSON, "Origin": origin}
    )


def test_a_blog_added_in_the_workspace_gets_cors_and_may_post(therapist, settings):
    settings.ALLOWED_EMBED_ORIGINS = []
    assert post_from(BLOG).status_code == 403
    therapist.post(PAGE, {"origin": "https://Blog.example/"})
    assert EmbedOrigin.objects.get().origin == BLOG
    answer = post_from(BLOG)
    assert answer.status_code == 200 and answer.headers["Access-Control-Allow-Origin"] == BLOG
    assert Subscriber.objects.count() == 1


def test_a_removed_blog_may_not_post_and_gets_no_cors(therapist, settings):
    settings.ALLOWED_EMBED_ORIGINS = []
    origin = EmbedOrigin.objects.create(origin=BLOG)
    therapist.post(f"{PAGE}{origin.pk}/remove/")
    answer = post_from(BLOG)
    assert answer.status_code == 403 and "Access-Control-Allow-Origin" not in answer.headers
    assert Subscriber.objects.count() == 0


def test_the_environment_still_adds_its_origins_and_the_page_lists_both(therapist, settings):
    settings.ALLOWED_EMBED_ORIGINS = ["https://other.example"]
    EmbedOrigin.objects.create(origin=BLOG)
    assert post_from("https://other.example").status_code == 200
    page = therapist.get(PAGE).content.decode()
    assert BLOG in page and "https://other.example" in page
    assert "set by your administrator" in page


@pytest.mark.parametrize(
    "text",
    [
        "blog.example",
        "http://blog.example",
        "https://blog.example/articles",
        "https://blog.example?x=1",
        "ftp://blog.example",
        "https://user@blog.example",
        "https://blog.example:99999",
        "https://",
        "null",
    ],
)
def test_a_malformed_origin_is_refused_with_a_clear_message_and_nothing_stored(therapist, text):
    answer = therapist.post(PAGE, {"origin": text})
    page = answer.content.decode()
    assert answer.status_code == 400 and EmbedOrigin.objects.count() == 0
    assert 'id="id_origin_error"' in page and "https://host or https://host:port" in page


def test_localhost_may_use_http_and_a_port(therapist):
    therapist.post(PAGE, {"origin": "http://localhost:4000"})
    assert list(EmbedOrigin.objects.values_list("origin", flat=True)) == ["http://localhost:4000"]


def test_a_blog_already_allowed_is_not_added_twice(therapist, settings):
    settings.ALLOWED_EMBED_ORIGINS = [BLOG]
    answer = therapist.post(PAGE, {"origin": BLOG})
    assert answer.status_code == 400 and "already allowed" in answer.content.decode()
    assert EmbedOrigin.objects.count() == 0


def test_the_blog_page_shows_each_snippet_with_a_copy_button_and_its_script(therapist):
    page = therapist.get(PAGE).content.decode()
    assert "data-nl-subscribe" in page and "data-copy=" in page
    assert "/static/workspace/copy.js" in page and "onclick" not in page


def test_removing_an_unknown_origin_or_by_get_changes_nothing(therapist):
    EmbedOrigin.objects.create(origin=BLOG)
    assert therapist.post(f"{PAGE}999999/remove/").status_code == 302
    assert therapist.get(f"{PAGE}1/remove/").status_code == 405
    assert EmbedOrigin.objects.count() == 1
