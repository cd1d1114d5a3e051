"""The words around an article's text: subjects, previews, openings, closings, invitations."""

import re

from ..mail import lockscreen
from .document import plain

# Gentler phrasings for whole phrases, tried before the practice's word-by-word suggestions.
CALM_PHRASES = [
    (r"trauma[- ]informed ketamine(?:[- ]assisted)? therapy", "a careful, paced approach"),
    (r"ketamine[- ]assisted therapy|ketamine therapy", "this therapy"),
    (r"childhood trauma", "a hard childhood"),
    (r"trauma[- ]informed", "careful"),
    (r"trauma[- ]focused", "careful"),
    (r"(?:focused |intensive |deep )?trauma (?:work|processing)", "deep inner work"),
    (r"trauma (?:therapy|treatment)", "this kind of therapy"),
    (r"trauma survivors", "people carrying hard experiences"),
    (r"depression (?:treatment|therapy)", "support for low mood"),
]
# Words a listed word modifies when it stands before them ("trauma work", "anxiety clinics"):
# swapping the listed word alone would break the phrase, so the subject is left and warned.
PHRASE_HEADS = {
    "work", "therapy", "therapies", "treatment", "treatments", "processing", "survivor",
    "survivors", "symptom", "symptoms", "recovery", "care", "response", "responses", "history",
    "histories", "healing", "specialist", "specialists", "clinic", "clinics", "session",
    "sessions", "story", "stories", "pattern", "patterns", "trigger", "triggers", "support",
    "group", "groups", "disorder", "disorders", "program", "programs", "journey", "research",
    "patients", "clients", "medication", "medications", "episode", "episodes", "levels",
}  # fmt: skip
INVITATION = re.compile(
    r"\b(schedule|book|request|arrange|set up)\s+(?:a|an|your)\s+(?:free\s+|brief\s+)?"
    r"(consultation|call|appointment|session)(\s+to\s+[^.,;!?]*?(?=\s+and\s|[.,;!?]|$))?",
    re.IGNORECASE,
)
SENTENCE = re.compile(r"[^.!?…]+[.!?…]+[”\"’)]*")
CREDENTIALS = re.compile(
    r"^(?P<name>[A-Z][\w.’'-]+(?: [A-Z][\w.’'-]+){1,3})(?P<creds>(?:, [A-Z][A-Za-z-]{1,9})*)"
)
NO_SUGGESTION = "a gentler, more general phrase"  # lockscreen.word_list's placeholder
DEFAULT_CTA = "Book a consultation"
GENERIC_PREVIEW = "A short read, whenever you have a quiet moment."
OPENINGS = [
    "Welcome back. Here is the next part of the series, with one idea to sit with.",
    "Here is the next short piece in the series. Take it slowly; there is no rush.",
    "Thank you for staying with this series. Today’s email looks at one more part of the picture.",
]
FIRST_OPENING = (
    "Thank you for subscribing. Over the next few weeks you’ll receive {count} short "
    "emails{source}, a few days apart. Read them whenever it suits you; there is nothing "
    "you need to do with them."
)
LAST_OPENING = "This is the last email in this short series. Thank you for reading along."
CLOSING = (
    "Thank you for reading. If anything here stirred something up, go gently with yourself. "
    "The next part of the series will follow soon."
)
LAST_CLOSING = "Whatever you decide, thank you for spending this time with these ideas."
EDGE_WORDS = 40  # roughly the words an opening and a closing add to each email


def sentence_case(heading: str, proper_words: set[str]) -> str:
    """Title Case headings read as sentences; acronyms and names stay capitalised."""
    words = heading.split()
    long_words = [w for w in words if len(w) > 3]
    if sum(w[0].isupper() for w in long_words) < max(2, 0.6 * len(long_words)):
        return heading
    kept = [words[0]] + [_lower_unless_proper(w, proper_words) for w in words[1:]]
    return " ".join(kept)


def _lower_unless_proper(word: str, proper_words: set[str]) -> str:
    core = word.strip("“”\"'’(),:;?!.")
    if core.isupper() and len(core) > 1 or core in proper_words or core in {"I", "I’m", "I'm"}:
        return word
    return word.lower()


def proper_words(paragraphs: list[str]) -> set[str]:
    """Capitalised words that appear mid-sentence in the text: names, places, methods."""
    found = set()
    for paragraph in paragraphs:
        for sentence in SENTENCE.findall(paragraph + " "):
            found |= {w.strip("“”\"'’(),:;?!.") for w in sentence.split()[1:] if w[:1].isupper()}
    return found


def calm(text: str, words: dict[str, str]) -> str:
    """Rephrase what would out the reader on a lock screen, whole phrases first.

    A listed word is swapped for its gentler phrasing only where it heads its own phrase; where
    it modifies another word ("trauma work", "trauma-related") or follows "a", the swap would
    break the sentence, so the text keeps the word and the importer shows a warning instead.
    """
    for pattern, replacement in CALM_PHRASES:
        if lockscreen.check(text, words):
            text = re.sub(rf"\b(?:{pattern})\b", replacement, text, flags=re.IGNORECASE)
    for warning in lockscreen.check(text, words):
        if warning.suggestion == NO_SUGGESTION:
            continue  # the practice named the word but gave no gentler phrase to use
        gentler = warning.suggestion.split(",")[0].strip()
        found = rf"\b{re.escape(warning.word)}\b"
        if all(_swappable(text, match) for match in re.finditer(found, text, re.IGNORECASE)):
            text = re.sub(found, gentler, text, flags=re.IGNORECASE)
    return text[:1].upper() + text[1:]


def _swappable(text: str, match: re.Match) -> bool:
    """True when the word at `match` stands on its own, so a phrase can take its place."""
    after, before = text[match.end() :], text[: match.start()]
    if re.match(r"[-‐–’'](?=\w)", after):
        return False  # "trauma-related", "anxiety’s"
    following = re.match(r"\s+([A-Za-z]+)", after)
    if following and following.group(1).lower() in PHRASE_HEADS:
        return False
    return not re.search(r"\b(?:a|an)\s+$", before, re.IGNORECASE)


def subject(candidates: list[str], words: dict[str, str]) -> str:
    """The first candidate that reads calmly on a lock screen once rephrased."""
    options = [calm(c, words) for c in candidates if c] or ["A note from the practice"]
    clean = [o for o in options if not lockscreen.check(o, words) and len(o) <= 90]
    return (clean or options)[0][:200]


def preview(paragraphs: list[str], subject_line: str, words: dict[str, str]) -> str:
    """A short, calm sentence from the email itself, or a neutral line."""
    for paragraph in paragraphs:
        for sentence in SENTENCE.findall(plain(paragraph) + " "):
            sentence = sentence.strip()
            if sentence.count("“") != sentence.count("”") or not 25 <= len(sentence) <= 110:
                continue
            same = sentence.rstrip(".!?…").lower() == subject_line.rstrip(".!?…").lower()
            if not lockscreen.check(sentence, words) and not same:
                return sentence
    return GENERIC_PREVIEW


def opening(position: int, count: int, title: str = "") -> str:
    """A short welcome, a gentle link to the last email, or a note that the series ends."""
    if position == 1:
        source = f" adapted from “{title}”" if title else ""
        return FIRST_OPENING.format(count=count, source=source)
    if position == count:
        return LAST_OPENING
    return OPENINGS[(position - 2) % len(OPENINGS)]


def invitation(text: str) -> tuple[str, str]:
    """The short and the full call to action found in the article's closing text."""
    match = INVITATION.search(plain(text))
    if not match:
        return DEFAULT_CTA, DEFAULT_CTA
    short = f"{match.group(1)} a {match.group(2)}".capitalize()
    full = match.group(0)
    full = full[:1].upper() + full[1:]
    return short, full if len(full) <= 60 else short


def signature(bio: str) -> str:
    """The name and credentials that open an author bio ("Mary Fleisch, LCSW")."""
    match = CREDENTIALS.match(plain(bio))
    return (match.group("name") + match.group("creds")) if match else ""
