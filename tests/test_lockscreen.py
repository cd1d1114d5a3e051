"""The lock-screen check on subject and preview lines."""

from newsletter.mail import lockscreen


def test_a_blunt_diagnosis_in_a_subject_is_warned_about_with_a_gentler_suggestion():
    warnings = lockscreen.check("Ketamine for depression: what to know")
    assert [w.word for w in warnings] == ["depression", "ketamine"]
    assert "gentler" in str(warnings[0])


def test_a_calm_subject_passes_and_words_inside_other_words_do_not_count():
    assert lockscreen.check("When insight is not enough") == []
    assert lockscreen.check("Abusers") == []


def test_the_practice_can_replace_the_word_list():
    words = lockscreen.word_list("grief = loss\nEMDR\n")
    assert [w.word for w in lockscreen.check("Grief and EMDR", words)] == ["grief", "emdr"]
    assert lockscreen.word_list("") == lockscreen.DEFAULT_WORDS
