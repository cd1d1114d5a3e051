"""Words on a lock screen: warn, never block, when a subject names a condition bluntly."""

import re
from dataclasses import dataclass

# Seed list; the practice edits its own in the practice settings (one word per line,
# optionally "word = gentler phrasing").
DEFAULT_WORDS = {
    "depression": "low mood, feeling stuck",
    "depressed": "feeling low",
    "ketamine": "a new kind of therapy",
    "trauma": "hard experiences, the past",
    "ptsd": "what stays with us",
    "suicide": "dark moments",
    "suicidal": "dark moments",
    "abuse": "what happened to you",
    "anxiety": "worry, feeling on edge",
    "medication": "treatment options",
    "psychedelic": "a new kind of therapy",
}


@dataclass(frozen=True)
class Warning:
    word: str
    suggestion: str

    def __str__(self) -> str:
        return (
            f"“{self.word}” may be read on a lock screen or shared device; "
            f"consider gentler phrasing such as “{self.suggestion}”."
        )


def word_list(text: str = "") -> dict[str, str]:
    """The practice's list (lines of `word` or `word = suggestion`), else the seed list."""
    words = {}
    for line in text.splitlines():
        word, _, suggestion = line.partition("=")
        if word.strip():
            words[word.strip().lower()] = suggestion.strip() or "a gentler, more general phrase"
    return words or DEFAULT_WORDS


def check(text: str, words: dict[str, str] | None = None) -> list[Warning]:
    """Warnings for each listed word that appears in the text, in the order listed."""
    words = DEFAULT_WORDS if words is None else words
    found = []
    for word, suggestion in words.items():
        if re.search(rf"\b{re.escape(word)}\b", text, flags=re.IGNORECASE):
            found.append(Warning(word, suggestion))
    return found


def check_for_practice(text: str) -> list[Warning]:
    from ..models import Practice

    return check(text, word_list(Practice.get().lock_screen_words))
