"""The shipped sequence adapted from the ketamine-therapy article, loaded as data."""

from pathlib import Path

import pytest
from django.urls import reverse

from newsletter import articles
from newsletter.articles.document import count_words
from newsletter.mail import emails, lockscreen
from newsletter.management import demo
from newsletter.models import Delivery, Sequence, Step
from newsletter.sequences.default_sequences import CONTENT_DIR, load_default_sequences
from newsletter.subscribers import tokens

SLUG = "ketamine-therapy-for-depression"
ARTICLE = Path(__file__).parent / "data" / "ketamine-therapy-for-depression.txt"
# One marker per idea of the article, in the order the series should take them.
TOPICS = ["childhood trauma", "glutamate", "EMDR", "quick fix"]


@pytest.fixture
def default_sequence(practice) -> Sequence:
    load_default_sequences()
    return Sequence.objects.get(slug=SLUG)


def steps_of(sequence: Sequence) -> list[Step]:
    return list(sequence.steps.filter(removed=False).order_by("position"))


def snapshot() -> list[tuple]:
    return list(Step.objects.order_by("pk").values_list("pk", "subject", "body", "version"))


def first_mentions(steps: list[Step]) -> list[int]:
    return [next(i for i, s in enumerate(steps) if topic in s.body) for topic in TOPICS]


def test_the_demo_loads_the_default_sequence_for_its_audience_ready_to_use(db):
    demo.load_demo()
    sequence = Sequence.objects.get(slug=SLUG)
    assert sequence.audience.slug == "ketamine-assisted-therapy"
    assert sequence.audience.name == "Ketamine-assisted therapy"
    assert sequence.status == Sequence.Status.ACTIVE


def test_it_has_five_to_seven_emails_paced_from_a_welcome_sent_at_once(default_sequence):
    steps = steps_of(default_sequence)
    assert 5 <= len(steps) <= 7
    assert [s.delay_value for s in steps] == [0, 2, 4, 7, 10, 14][: len(steps)]
    assert {s.delay_unit for s in steps} == {"days"}
    assert [s.ignore_window for s in steps] == [True] + [False] * (len(steps) - 1)


def test_subjects_and_previews_are_safe_on_a_lock_screen(default_sequence):
    for step in steps_of(default_sequence):
        assert lockscreen.check(step.subject) == [], step.subject
        assert lockscreen.check(step.preview) == [], step.preview
        assert len(step.subject) <= 60 and len(step.preview) <= 90


def test_each_email_is_short_covers_one_idea_in_the_article_order_and_invites_a_consultation(
    default_sequence,
):
    steps = steps_of(default_sequence)
    assert first_mentions(steps) == sorted(first_mentions(steps))
    for step in steps:
        assert 150 <= count_words(step.body) <= 300
        assert "consultation" in step.cta_text.lower()
    assert "schedule a consultation" in steps[-1].body


def test_the_data_names_no_therapist_and_no_credentials():
    shipped = "\n".join(p.read_text() for p in sorted(CONTENT_DIR.rglob("*")) if p.is_file())
    for name in ["Fleisch", "Rivera", "LCSW", "LMFT", "PhD", "Oakland", "Dr."]:
        assert name not in shipped


def test_every_step_renders_through_the_email_funnel_with_the_call_to_action(
    default_sequence, active_subscriber
):
    for step in steps_of(default_sequence):
        delivery = Delivery.objects.create(subscriber=active_subscriber, step=step)
        message = emails.message_for(delivery)
        html = message.alternatives[0].content
        click = reverse("newsletter:click", args=[tokens.make(tokens.CLICK, delivery.pk)])
        assert message.subject == step.subject
        assert step.preview in html
        assert step.cta_text in html and click in html
        assert f"{step.cta_text}: " in message.body and click in message.body
        assert "Hi Ada," in message.body


def test_loading_twice_changes_nothing_and_keeps_the_therapists_edits(default_sequence):
    step = steps_of(default_sequence)[1]
    step.subject = "The therapist's own subject"
    step.save()
    before = (snapshot(), Sequence.objects.count())
    load_default_sequences()
    demo.load_demo()
    assert (snapshot(), Sequence.objects.count()) == before
    assert Step.objects.get(pk=step.pk).subject == "The therapist's own subject"


def test_importing_the_article_gives_a_reasonable_first_draft_of_the_default(
    default_sequence, audience
):
    shipped = steps_of(default_sequence)
    draft = articles.import_article(ARTICLE.read_bytes(), audience=audience).steps
    assert abs(len(draft) - len(shipped)) <= 1
    assert first_mentions(draft) == sorted(first_mentions(draft))
    assert "consultation" in draft[-1].body and "consultation" in shipped[-1].body
    assert [s.delay_value for s in draft] == [s.delay_value for s in shipped][: len(draft)]
