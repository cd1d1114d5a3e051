"""Words that don't push: warn, never block, on urgency, shame or fear, promises of cure and
hard reading, each with a gentler suggestion.

The shipped phrases are below; the practice adds its own in the settings (one a line,
optionally "phrase = gentler phrasing"), which extend these rather than replace them.
"""

import re
from dataclasses import dataclass

import textstat

URGENCY = "urgency"
SHAME = "shame or fear"
CURE = "a promise of cure"
OWN = "your own list"

# (pattern, what it is, gentler suggestion). Patterns are regular expressions, matched
# case-insensitively on word boundaries.
RULES: list[tuple[str, str, str]] = [
    (r"act now", URGENCY, "whenever you feel ready"),
    (r"last chance", URGENCY, "this stays open for you"),
    (r"hurry", URGENCY, "there's no rush"),
    (r"limited time", URGENCY, "when the time is right for you"),
    (r"don'?t miss (out|this)", URGENCY, "if this feels useful"),
    (
        r"only \d+ (spots?|places?|seats?|spaces?)( left)?",
        URGENCY,
        "there is space when you want it",
    ),
    (r"\d+ (days?|hours?|minutes?) left", URGENCY, "no deadline"),
    (r"ends (today|tonight|soon|in \d+ \w+)", URGENCY, "this will still be here"),
    (r"(expires|deadline)", URGENCY, "at your own pace"),
    (r"before it'?s too late", SHAME, "when you are ready"),
    (r"you'?re broken", SHAME, "you are going through something hard"),
    (r"you are broken", SHAME, "you are going through something hard"),
    (r"what'?s wrong with you", SHAME, "what you are carrying"),
    (r"stop making excuses", SHAME, "it makes sense to take your time"),
    (r"you can'?t afford to wait", SHAME, "whenever it suits you"),
    (r"(don'?t|do not) let (it|this) ruin", SHAME, "you deserve support"),
    (r"guaranteed?", CURE, "many people find it helps"),
    (r"cures?d?", CURE, "may ease"),
    (r"fix (your|the) (depression|anxiety|trauma|ptsd|life)", CURE, "support you with"),
    (r"(100|one hundred) ?% (effective|success)", CURE, "helps many people"),
    (r"(permanent|instant) (relief|results?|healing)", CURE, "relief for many people, over time"),
    (r"miracle", CURE, "a promising option"),
]

GRADE_LIMIT = 9.0  # "about grade 8": a Flesch-Kincaid grade of 8.x still counts as grade 8
MIN_WORDS_FOR_GRADE = 40  # a few lines are too short to measure fairly
# "There is no hurry", "not the cure", "isn't guaranteed": the phrase is being set aside.
NEGATED = re.compile(r"(?<!\w)(no|not|never|without|isn['’]t|aren['’]t)\s+(\w+\s+)?$", re.I)
MARKUP = re.compile(r"https?://\S+|%%\w+%%|[#*_>`\[\]()]")


@dataclass(frozen=True)
class Warning:
    phrase: str
    kind: str
    suggestion: str

    def __str__(self) -> str:
        if self.kind == "reading level":
            return (
                f"This reads at about grade {self.phrase}, above grade 8; "
                f"consider {self.suggestion}."
            )
        return (
            f"“{self.phrase}” may feel pushy to someone who is struggling ({self.kind}); "
            f"consider gentler phrasing such as “{self.suggestion}”."
        )


def practice_rules(text: str) -> list[tuple[str, str, str]]:
    """The practice's own lines (`phrase` or `phrase = suggestion`) as rules."""
    rules = []
    for line in text.splitlines():
        phrase, _, suggestion = line.partition("=")
        if phrase.strip():
            suggestion = suggestion.strip() or "a softer, more open phrase"
            rules.append((re.escape(phrase.strip()), OWN, suggestion))
    return rules


def phrases(text: str, extra: str = "") -> list[Warning]:
    """A warning for each pushy phrase found (the shipped ones, then the practice's)."""
    found, seen = [], set()
    for pattern, kind, suggestion in RULES + practice_rules(extra):
        match = next(
            (
                found
                for found in re.finditer(rf"(?<!\w){pattern}(?!\w)", text, flags=re.IGNORECASE)
                if not NEGATED.search(text[max(0, found.start() - 20) : found.start()])
            ),
            None,
        )
        if match and match.group(0).lower() not in seen:
            seen.add(match.group(0).lower())
            found.append(Warning(match.group(0), kind, suggestion))
    return found


def grade(text: str) -> float | None:
    """The Flesch-Kincaid grade of the text, or None when it is too short to measure."""
    plain = MARKUP.sub(" ", text)
    if len(plain.split()) < MIN_WORDS_FOR_GRADE:
        return None
    return textstat.flesch_kincaid_grade(plain)


def reading_level(text: str) -> list[Warning]:
    level = grade(text)
    if level is None or level <= GRADE_LIMIT:
        return []
    suggestion = "shorter sentences and everyday words"
    return [Warning(f"{int(level)}", "reading level", suggestion)]


def check(text: str, extra: str = "", body: bool = False) -> list[Warning]:
    """Every warning for one text; `body` adds the reading level (for an email's body)."""
    return phrases(text, extra) + (reading_level(text) if body else [])


def check_for_practice(text: str, body: bool = False) -> list[Warning]:
    from ..models import Practice

    return check(text, Practice.get().tone_words, body)
