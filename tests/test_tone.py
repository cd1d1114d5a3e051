"""Words that don't push: urgency, shame or fear, promises of cure and hard reading are
named with a gentler suggestion, in the editor, on article import and in the shipped text."""

import pytest

from newsletter.mail import tone
from newsletter.models import Practice, Sequence, Step
from newsletter.sequences.default_sequences import load_default_sequences

from .settings_pages import logged_in

HARD = (
    "Comprehensive psychotherapeutic interventions necessitate individualized "
    "considerations regarding neurobiological mechanisms, pharmacological contraindications, "
    "and longitudinal therapeutic alliances, particularly when conventional modalities have "
    "demonstrated insufficient effectiveness for treatment-resistant presentations of "
    "persistent depressive symptomatology and comorbid post-traumatic sequelae. "
) * 2
PLAIN = (
    "Thank you for reading. Some days feel heavy, and that is okay. You do not need to do "
    "anything with this email. Take what helps and leave the rest. We will write again in a "
    "few days, with one small idea. Until then, go gently with yourself. You matter."
)


def kinds(text: str, extra: str = "") -> list[str]:
    return [warning.kind for warning in tone.check(text, extra)]


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Act now to book your place", "urgency"),
        ("Your last chance this year", "urgency"),
        ("Only 3 spots left in March", "urgency"),
        ("The offer ends tonight", "urgency"),
        ("Just 2 days left to join", "urgency"),
        ("Get help before it's too late", "shame or fear"),
        ("You're broken, but we can help", "shame or fear"),
        ("Results guaranteed", "a promise of cure"),
        ("We fix your depression in weeks", "a promise of cure"),
    ],
)
def test_each_pushy_phrase_is_named_with_what_it_is(text, kind):
    assert kinds(text) == [kind]


def test_every_warning_offers_a_gentler_suggestion():
    warning = tone.check("Act now!")[0]
    assert "Act now" in str(warning) and "whenever you feel ready" in str(warning)


def test_a_phrase_that_is_set_aside_is_not_named():
    assert tone.check("There is no hurry, and there is no deadline. It is not the cure.") == []


def test_gentle_words_pass_clean():
    assert tone.check(PLAIN, body=True) == []


def test_hard_reading_is_named_above_grade_8_only_for_a_body():
    assert [w.kind for w in tone.check(HARD, body=True)] == ["reading level"]
    assert "shorter sentences and everyday words" in str(tone.check(HARD, body=True)[0])
    assert tone.check(HARD) == []
    assert tone.grade("Too short to measure.") is None


def test_the_practice_list_extends_the_shipped_one():
    extra = "spaces are filling up = there is room when you want it"
    found = tone.check("Act now: spaces are filling up.", extra)
    assert [w.kind for w in found] == ["urgency", "your own list"]
    assert found[1].suggestion == "there is room when you want it"


def test_the_shipped_sequence_passes_clean(practice):
    load_default_sequences()
    for sequence in Sequence.objects.all():
        for step in sequence.steps.filter(removed=False):
            short = f"{step.subject}\n{step.preview}\n{step.cta_text}"
            assert tone.check(short) == [], step.subject
            assert tone.check(step.body, body=True) == [], step.subject


def test_the_editor_names_tone_warnings_beside_the_body(practice, audience):
    Practice.objects.update(tone_words="spaces are filling up")
    sequence = Sequence.objects.create(name="W", slug="w", audience=audience)
    step = Step.objects.create(sequence=sequence, position=1, subject="Hi", body="Hello.")
    typed = {"subject": "Last chance", "preview": "", "content_note": "", "cta_text": ""}
    typed |= {"cta_url": "", "delay_value": "0", "delay_unit": "days"}
    typed["body"] = "Spaces are filling up. " + HARD
    html = logged_in().post(f"/workspace/steps/{step.pk}/preview/", typed).content.decode()
    assert 'id="tone-notes"' in html
    assert "“Last chance” may feel pushy" in html and "Spaces are filling up" in html
    assert "above grade 8" in html
    assert Step.objects.get(pk=step.pk).body == "Hello."  # a warning, never a block


def test_the_practice_edits_its_own_list_in_the_settings(practice):
    therapist = logged_in()
    assert "/workspace/settings/tone/" in therapist.get("/workspace/settings/").content.decode()
    therapist.post("/workspace/settings/tone/", {"tone_words": " seats are going fast \n\n"})
    assert Practice.get().tone_words == "seats are going fast"
    answer = therapist.post("/workspace/settings/tone/", {"tone_words": "x" * 300})
    assert answer.status_code == 400 and Practice.get().tone_words == "seats are going fast"


def test_article_import_warns_about_pushy_words(practice, audience):
    from newsletter import articles

    text = "A title\n\n" + "Act now, this is your last chance. " * 5 + "\n\n" + PLAIN * 3
    imported = articles.import_article(text, audience=audience)
    assert any("“Act now” may feel pushy" in line for line in imported.tone)
