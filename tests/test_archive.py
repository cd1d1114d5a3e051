"""The public archive: only sent newsletters marked for it, no reader's links, an Atom feed."""

import pytest
from django.utils import timezone

from newsletter.models import Broadcast, Practice


def newsletter(audience, subject: str, status="sent", in_archive=True) -> Broadcast:
    item = Broadcast.objects.create(
        subject=subject,
        slug=subject.lower().replace(" ", "-"),
        body="Hello %%greeting%%, [a note](https://example.com).",
        status=status,
        in_archive=in_archive,
        scheduled_at=timezone.now(),
    )
    item.audiences.set([audience])
    return item


@pytest.fixture
def shown(practice):
    Practice.objects.update(archive_enabled=True)


def test_the_archive_is_off_by_default(client, audience):
    newsletter(audience, "Spring")
    assert client.get("/archive/").status_code == 404
    assert client.get("/archive/feed/").status_code == 404


def test_the_archive_lists_only_sent_newsletters_marked_for_it(client, shown, audience):
    newsletter(audience, "Marked and sent")
    newsletter(audience, "Not marked", in_archive=False)
    newsletter(audience, "Still a draft", status="draft")
    page = client.get("/archive/").content.decode()
    assert "Marked and sent" in page
    assert "Not marked" not in page and "Still a draft" not in page


def test_a_draft_marked_for_the_archive_has_no_page(client, shown, audience):
    item = newsletter(audience, "Draft", status="draft")
    assert client.get(f"/archive/{item.pk}/").status_code == 404


def test_an_archived_newsletter_carries_no_personal_link(client, shown, audience, practice):
    item = newsletter(audience, "Spring")
    answer = client.get(f"/archive/{item.pk}/")
    html = answer.content.decode()
    assert answer.status_code == 200 and "Hello there" in html
    for personal in ("/unsubscribe/", "/preferences/", "/c/", "/e/"):
        assert personal not in html
    assert practice.consultation_url in html
    assert "default-src 'none'" in answer["Content-Security-Policy"]


def test_the_feed_is_atom_with_the_newest_first(client, shown, audience):
    newsletter(audience, "Older")
    newsletter(audience, "Newer")
    answer = client.get("/archive/feed/")
    assert answer["Content-Type"].startswith("application/atom+xml")
    feed = answer.content.decode()
    assert feed.index("Newer") < feed.index("Older")
    assert "/archive/" in feed
