"""A new draft sequence from an article, in the workspace: paste or upload, choose the audience."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from newsletter import articles
from newsletter.models import Audience, Sequence

DATA = Path(__file__).parent / "data"


def test_a_pasted_article_becomes_a_draft_for_the_chosen_audience_and_opens(therapist):
    emdr = Audience.objects.get(slug="emdr")
    text = (DATA / "window-of-tolerance.md").read_text()
    answer = therapist.post("/workspace/articles/new/", {"text": text, "audience": emdr.pk})
    sequence = Sequence.objects.get()
    assert answer.status_code == 302
    assert answer["Location"] == f"/workspace/sequences/{sequence.pk}/"
    assert sequence.status == "draft" and sequence.audience == emdr
    page = therapist.get(answer["Location"]).content.decode()
    assert f"Draft “{sequence.name}” is ready" in page and "Nothing is sent" in page


def test_an_uploaded_article_becomes_a_draft(therapist, audience):
    upload = SimpleUploadedFile("intensive.html", (DATA / "blog-post.html").read_bytes())
    therapist.post("/workspace/articles/new/", {"upload": upload, "audience": audience.pk})
    assert Sequence.objects.get().slug == "intensive"


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"text": "   "}, "text", "Paste the article here, or choose a file to upload."),
        ({"text": "<div><nav>Menu</nav></div>"}, "text", "no readable article text"),
        ({"text": "Hello %%nickname%%, " + "a calm sentence. " * 40}, "text", "%%nickname%%"),
        (
            {"upload": SimpleUploadedFile("big.txt", b"a " * (articles.MAX_BYTES // 2 + 1))},
            "upload",
            "larger than 2 MB",
        ),
        ({"upload": SimpleUploadedFile("x.png", b"\x89PNG\x00\x00\x01")}, "upload", "not text"),
    ],
)
def test_a_refused_article_is_answered_next_to_its_field_and_creates_nothing(
    therapist, audience, data, field, message
):
    answer = therapist.post("/workspace/articles/new/", {**data, "audience": audience.pk})
    page = answer.content.decode()
    assert answer.status_code == 400
    assert f'id="id_{field}_error"' in page
    error = page.split(f'id="id_{field}_error">')[1].split("</p>")[0]
    assert message in error
    assert not Sequence.objects.exists()


def test_an_unknown_audience_is_refused(therapist):
    answer = therapist.post("/workspace/articles/new/", {"text": "Hello.", "audience": 999})
    assert answer.status_code == 400 and not Sequence.objects.exists()
