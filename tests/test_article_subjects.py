"""Imported subjects read as natural sentences: calm phrasing, titles as written, parts named."""

from pathlib import Path

import pytest

from newsletter import articles
from newsletter.articles import wording
from newsletter.mail import lockscreen

DATA = Path(__file__).parent / "data"
SHARED = Path("/work/shared/articles")
PARAGRAPH = "This is a sentence about how the body copes with a lot over time, and rests. " * 12


def article_with_front_matter(title_line: str, long_section: bool = False) -> str:
    middle = "\n\n".join([PARAGRAPH] * (8 if long_section else 1))
    return (
        f"---\n{title_line}\nauthor: Mary\ndate: 2026-01-01\n---\n\n"
        f"An opening paragraph for readers new to intensives. {PARAGRAPH}\n\n"
        f"## What the days are like\n\n{middle}\n\n## Afterwards\n\n{PARAGRAPH}\n"
    )


def test_a_lock_screen_word_inside_a_phrase_is_rewritten_as_a_phrase():
    subject = wording.calm(
        "What a few days of focused trauma work can look like", lockscreen.DEFAULT_WORDS
    )
    assert subject == "What a few days of deep inner work can look like"


@pytest.mark.parametrize(
    "text",
    [
        "Trauma-related sleep problems and what helps",
        "When a trauma stays in the body",
        "Anxiety clinics near you",
    ],
)
def test_a_word_that_cannot_be_swapped_without_breaking_the_sentence_is_left_and_warned(text):
    assert wording.calm(text, lockscreen.DEFAULT_WORDS) == text
    assert lockscreen.check(wording.calm(text, lockscreen.DEFAULT_WORDS))


def test_a_word_that_heads_its_phrase_is_still_swapped_for_the_gentler_one():
    calm = wording.calm("How to notice anxiety and let it pass", lockscreen.DEFAULT_WORDS)
    assert calm == "How to notice worry and let it pass"


def test_a_front_matter_title_keeps_its_case_and_loses_its_quotes(audience):
    text = article_with_front_matter('title: "What an EMDR Intensive Is Like, Day by Day"')
    imported = articles.import_article(text, audience=audience)
    assert imported.sequence.name == "What an EMDR Intensive Is Like, Day by Day"
    assert imported.steps[0].subject == "What an EMDR Intensive Is Like, Day by Day"
    assert "title:" not in imported.steps[0].body and "author: Mary" not in imported.steps[0].body


def test_a_lower_case_front_matter_title_in_single_quotes_opens_with_a_capital_only(audience):
    text = article_with_front_matter(
        "title: 'what a few days of focused trauma work can look like'"
    )
    imported = articles.import_article(text, audience=audience)
    assert imported.steps[0].subject == "What a few days of deep inner work can look like"


def test_a_section_split_over_several_emails_names_its_parts_instead_of_continued(audience):
    text = article_with_front_matter('title: "Intensives"', long_section=True)
    subjects = [step.subject for step in articles.import_article(text, audience=audience).steps]
    assert not any("continued" in subject for subject in subjects)
    assert "What the days are like" in subjects
    assert "Part 2: What the days are like" in subjects
    assert len(set(subjects)) == len(subjects)


@pytest.mark.parametrize(
    "path",
    sorted(DATA.glob("*.txt"))
    + sorted(DATA.glob("*.md"))
    + sorted(DATA.glob("*.html"))
    + sorted(SHARED.glob("*")),
)
def test_every_sample_article_gets_subjects_that_read_as_sentences(audience, path):
    for step in articles.import_article(path.read_bytes(), audience=audience).steps:
        assert "(continued)" not in step.subject
        assert not step.subject.startswith(('"', "“", "'", "title:")), step.subject
        assert "hard experiences work" not in step.subject
        assert step.subject[:1].isupper() or step.subject[:1].isdigit(), step.subject
