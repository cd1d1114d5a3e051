"""Turning an article (plain text, Markdown or HTML) into a draft sequence."""

from difflib import SequenceMatcher
from pathlib import Path

import pytest
from django.core import mail

from newsletter import articles
from newsletter.articles import detect_format, read_article
from newsletter.articles.document import count_words, plain
from newsletter.mail import lockscreen
from newsletter.models import Delivery, Enrollment, Sequence, Step

DATA = Path(__file__).parent / "data"
ARTICLE = DATA / "ketamine-therapy-for-depression.txt"
JUNK_MARKERS = [
    "NAV-TEXT", "HEADER-TEXT", "COOKIE-TEXT", "BYLINE-TEXT", "SHARE-TEXT", "SHARE-BOTTOM-TEXT",
    "HTML-COMMENT-TEXT", "FOOTER-TAGS-TEXT", "COMMENT-TEXT", "FORM-TEXT", "SIDEBAR-TEXT",
    "SITE-FOOTER-TEXT", "TRACKING-SCRIPT-TEXT", "display: flex", "Skip to content", "Share this",
    "Leave a reply", "Recent posts", "Accept",
]  # fmt: skip


def run_import(path: Path, audience, **options) -> articles.Imported:
    return articles.import_article(path.read_bytes(), audience=audience, **options)


def everything_written(imported: articles.Imported) -> str:
    return "\n".join(f"{s.subject}\n{s.preview}\n{s.body}\n{s.cta_text}" for s in imported.steps)


def test_the_shared_article_becomes_at_least_five_emails_whose_subjects_follow_its_sections(
    audience,
):
    imported = run_import(ARTICLE, audience)
    headings = [s.heading for s in read_article(ARTICLE.read_bytes()).sections if s.heading]
    assert len(imported.steps) >= 5
    matched = []
    for step in imported.steps[1:]:
        likeness = [
            SequenceMatcher(None, step.subject.lower(), h.lower()).ratio() for h in headings
        ]
        assert max(likeness) > 0.45, step.subject
        matched.append(likeness.index(max(likeness)))
    assert matched == sorted(set(matched)), "subjects follow the sections in order"
    assert "option when traditional therapy isn’t enough" in imported.steps[0].subject


def test_imported_subjects_and_previews_read_calmly_on_a_lock_screen(audience):
    imported = run_import(ARTICLE, audience)
    for step in imported.steps:
        assert lockscreen.check(step.subject) == [], step.subject
        assert lockscreen.check(step.preview) == [], step.preview
        assert 0 < len(step.preview) <= 110
    assert imported.warnings == []


def test_each_imported_email_has_150_to_450_words_an_opening_a_closing_and_the_invitation(
    audience,
):
    imported = run_import(ARTICLE, audience)
    for step in imported.steps:
        assert 150 <= count_words(step.body) <= 450, step.subject
        assert "consultation" in step.cta_text.lower()
    assert imported.steps[0].body.startswith("Thank you for subscribing.")
    assert imported.steps[-1].body.startswith("This is the last email")
    assert "go gently with yourself" in imported.steps[1].body
    assert imported.steps[-1].cta_text == "Schedule a consultation to talk through your options"
    assert "You can schedule a consultation" in imported.steps[-1].body


def test_the_draft_is_paced_and_its_welcome_ignores_the_send_window(audience):
    imported = run_import(ARTICLE, audience)
    assert imported.sequence.status == Sequence.Status.DRAFT
    assert [s.delay_value for s in imported.steps] == [0, 2, 4, 7, 10, 14][: len(imported.steps)]
    assert {s.delay_unit for s in imported.steps} == {"days"}
    assert [s.ignore_window for s in imported.steps] == [True] + [False] * (len(imported.steps) - 1)


def test_importing_activates_nothing_enrolls_nobody_and_sends_nothing(active_subscriber, audience):
    mail.outbox = []
    run_import(ARTICLE, audience)
    assert not Sequence.objects.exclude(status=Sequence.Status.DRAFT).exists()
    assert Enrollment.objects.count() == 0
    assert Delivery.objects.count() == 0
    assert mail.outbox == []


def test_the_author_bio_becomes_the_signature_and_is_not_sent_as_a_section(practice, audience):
    practice.therapist_name = ""
    practice.save()
    imported = run_import(ARTICLE, audience)
    assert imported.signature == "Mary Fleisch, LCSW"
    for step in imported.steps:
        assert step.body.rstrip().endswith("Warmly,  \nMary Fleisch, LCSW")
        assert "About the Author" not in step.body
        assert "specializing in EMDR Intensives" not in step.body


def test_a_practice_that_signs_its_own_emails_gets_no_second_signature(audience):
    imported = run_import(ARTICLE, audience)
    assert imported.signature == "Mary Fleisch, LCSW"
    assert "Mary Fleisch" not in everything_written(imported)


def test_a_blog_page_imports_without_its_navigation_sidebar_comments_or_share_buttons(audience):
    imported = run_import(DATA / "blog-post.html", audience)
    written = everything_written(imported)
    for marker in JUNK_MARKERS:
        assert marker not in written, marker
    assert imported.sequence.name == "What an EMDR Intensive Is Like"
    assert [s.subject for s in imported.steps][1:3] == [
        "Why longer sessions can help",
        "What a day looks like",
    ]
    assert "An **intensive** offers a different shape" in written
    assert "[EMDR International Association's page](https://www.emdria.org/" in written
    assert "or on our EMDR page." in written  # a link to the blog's own page loses its link
    assert "- A morning of preparation and *resourcing*" in written
    assert imported.signature == "Jordan Lee, LMFT"
    assert imported.steps[-1].cta_text == "Book a consultation to talk it through"


def test_a_markdown_article_keeps_its_sections_emphasis_and_links(audience):
    imported = run_import(DATA / "window-of-tolerance.md", audience)
    written = everything_written(imported)
    assert imported.sequence.name.startswith("Your Window of Tolerance")
    assert imported.steps[0].subject == "Why some days feel manageable and others don’t"
    assert "## What the Window of Tolerance Is" in written
    assert "The **window of tolerance** is a term" in written
    assert "[EMDR](https://www.emdria.org/)" in written
    assert "- **Hyperarousal:** racing thoughts" in written
    assert "Sam Ortiz" not in written and imported.signature == "Sam Ortiz, LPC"
    for step in imported.steps:
        assert 150 <= count_words(step.body) <= 450


def test_an_article_without_headings_is_split_between_paragraphs_into_150_to_450_words(audience):
    source = (DATA / "no-headings.txt").read_text()
    imported = run_import(DATA / "no-headings.txt", audience)
    assert len(imported.steps) >= 2
    bodies = "\n\n".join(step.body for step in imported.steps)
    positions = [bodies.index(paragraph) for paragraph in source.strip().split("\n\n")]
    assert positions == sorted(positions), "every paragraph arrives once, in order"
    for step in imported.steps:
        assert 150 <= count_words(step.body) <= 450, count_words(step.body)
        assert step.subject and lockscreen.check(step.subject) == []


def test_the_number_of_emails_can_be_chosen(audience):
    assert len(run_import(ARTICLE, audience, emails=7).steps) == 7
    assert len(run_import(ARTICLE, audience, emails=3).steps) == 3
    with pytest.raises(articles.ArticleError, match="too short for 3 emails; try 1 or fewer"):
        articles.import_article("A Title\n\nOne short paragraph.", audience=audience, emails=3)
    with pytest.raises(articles.ArticleError, match="between 1 and 20"):
        run_import(ARTICLE, audience, emails=0)


def test_the_format_is_detected_from_the_text():
    assert detect_format(ARTICLE.read_text()) == "text"
    assert detect_format((DATA / "window-of-tolerance.md").read_text()) == "markdown"
    assert detect_format((DATA / "blog-post.html").read_text()) == "html"
    assert detect_format("<p>One</p><p>Two</p><p>Three</p>") == "html"


def test_plain_text_with_numbered_headings_and_bullets_is_understood():
    text = (
        "Finding Your Footing\n\n1. Start small\n\nPick one thing you can do today. Keep it "
        "modest and kind.\n\n2. Rest on purpose\n\nRest is part of the work:\n\n• a slow walk\n"
        "• a warm drink\n- an early night\n\nWhat would help you feel better?\n\nAsk yourself "
        "that question often, and answer it honestly.\n"
    )
    article = read_article(text)
    assert article.title == "Finding Your Footing"
    assert [plain(s.heading) for s in article.sections] == [
        "Start small",
        "Rest on purpose",
        "What would help you feel better?",
    ]
    assert article.sections[1].blocks[1].items == ["a slow walk", "a warm drink", "an early night"]


def test_hard_wrapped_paragraphs_are_joined_again():
    line = "This sentence is wrapped at a fixed width the way old editors and emails do"
    text = f"A Wrapped Article\n\n{line}\nand carries on here.\n\n{line}\nand ends here too.\n"
    text += f"\n{line}\nand a third time.\n"
    blocks = read_article(text).sections[0].blocks
    assert [b.text for b in blocks][0] == f"{line} and carries on here."
    assert len(blocks) == 3


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "The article is empty."),
        (b"  \n\n\t ", "The article is empty."),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 8, "not text"),
        (b"word " * (articles.MAX_BYTES // 5 + 1), "larger than 2 MB"),
        (
            b"<html><head><script>var a=1;</script><style>p{}</style></head><body><nav>"
            b"<a href='/'>Home</a></nav><div class='cookie-banner'>We use cookies</div>"
            b"</body></html>",
            "no readable article text",
        ),
    ],
    ids=["empty", "blank", "binary", "over-2-mb", "html-without-text"],
)
def test_bad_input_is_refused_with_one_clear_message_and_creates_nothing(audience, data, message):
    sequences, steps = Sequence.objects.count(), Step.objects.count()
    with pytest.raises(articles.ArticleError, match=message) as error:
        articles.import_article(data, audience=audience)
    assert "\n" not in str(error.value) and str(error.value).endswith(".")
    assert (Sequence.objects.count(), Step.objects.count()) == (sequences, steps)


def test_importing_the_same_article_twice_makes_two_drafts_with_distinct_slugs(audience):
    first = run_import(ARTICLE, audience).sequence
    second = run_import(ARTICLE, audience).sequence
    assert first.slug == "ketamine-therapy-for-depression"
    assert second.slug == "ketamine-therapy-for-depression-2"


def test_a_subject_that_cannot_be_made_calm_is_kept_with_a_warning_to_show(practice, audience):
    practice.lock_screen_words = "sessions"
    practice.save()
    imported = run_import(DATA / "blog-post.html", audience)
    assert imported.steps[1].subject == "Why longer sessions can help"
    assert imported.warnings == [
        "Email 2 subject: “sessions” may be read on a lock screen or shared device; "
        "consider gentler phrasing such as “a gentler, more general phrase”."
    ]
    assert all("sessions" not in step.preview for step in imported.steps)


def test_the_practices_own_gentler_phrasing_is_used_in_subjects(practice, audience):
    practice.lock_screen_words = "sessions = time together"
    practice.save()
    imported = run_import(DATA / "blog-post.html", audience)
    assert imported.steps[1].subject == "Why longer time together can help"
    assert imported.warnings == []


def test_a_page_whose_article_wrapper_has_a_furniture_like_class_keeps_its_writing(audience):
    paragraph = "<p>" + "A calm sentence about resting well and often. " * 12 + "</p>"
    page = (
        "<html><body><nav>Menu NAV-TEXT</nav>"
        f"<div class='entry-content share-enabled'><h1>Rest</h1>{paragraph * 3}</div>"
        "<div class='share-buttons'>Share SHARE-TEXT</div></body></html>"
    )
    imported = articles.import_article(page, audience=audience)
    written = everything_written(imported)
    bodies = "".join(step.body for step in imported.steps)
    assert bodies.count("A calm sentence about resting well") == 36
    assert "NAV-TEXT" not in written and "SHARE-TEXT" not in written


def test_one_very_long_paragraph_is_split_between_sentences(audience):
    sentences = [f"This is sentence number {n} about a slow and steady week." for n in range(120)]
    imported = articles.import_article(" ".join(sentences), audience=audience)
    assert len(imported.steps) >= 3
    bodies = " ".join(step.body for step in imported.steps)
    assert all(sentence in bodies for sentence in sentences)
    for step in imported.steps:
        assert 150 <= count_words(step.body) <= 450
