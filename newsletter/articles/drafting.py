"""Chunks of an article become step drafts: subject, preview, body, delay, invitation."""

from ..mail import lockscreen, tone
from ..models import Practice
from . import wording
from .document import Article, Block, plain
from .splitting import Chunk

DEFAULT_DELAYS = [0, 2, 4, 7, 10, 14]


def delay_for(position: int) -> int:
    """Days to wait before this step: the defaults, then two weeks between later ones."""
    return DEFAULT_DELAYS[min(position, len(DEFAULT_DELAYS)) - 1]


def draft_steps(
    article: Article, chunks: list[Chunk], practice: Practice
) -> tuple[list[dict], list[str], str]:
    """Step fields for each chunk, lock-screen warnings left over, and the author signature."""
    words = lockscreen.word_list(practice.lock_screen_words)
    signature = wording.signature(article.bio)
    signs_itself = bool(practice.signature or practice.therapist_name)
    context = {
        "article": article,
        "count": len(chunks),
        "words": words,
        "proper": wording.proper_words(
            [b.plain() for c in chunks for b in c.blocks if b.kind != "heading"]
        ),
        "signoff": f"Warmly,  \n{signature}" if signature and not signs_itself else "",
        "invitations": wording.invitation(_text(chunks[-1].blocks)),
    }
    context["parts"] = part_numbers(chunks)
    drafts = [_draft(chunk, position, context) for position, chunk in enumerate(chunks, 1)]
    warnings = [line for draft in drafts for line in _warnings(draft, words)]
    return drafts, warnings, signature


def _draft(chunk: Chunk, position: int, context: dict) -> dict:
    article, count, words = context["article"], context["count"], context["words"]
    part = context["parts"][position - 1]
    candidates = _subject_candidates(chunk, position, article, context["proper"], part)
    subject = wording.subject(candidates, words)
    paragraphs = [b.text for b in chunk.blocks if b.kind == "paragraph"]
    short_cta, last_cta = context["invitations"]
    return {
        "position": position,
        "delay_value": delay_for(position),
        "delay_unit": "days",
        "ignore_window": position == 1,
        "subject": subject,
        "preview": wording.preview(paragraphs, subject, words),
        "body": _body(chunk, position, count, article, context["signoff"]),
        "cta_text": last_cta if position == count else short_cta,
    }


def _text(blocks: list[Block]) -> str:
    return " ".join(block.plain() for block in blocks)


def part_numbers(chunks: list[Chunk]) -> list[int]:
    """1 for an email that starts a section, 2, 3... for the emails that carry it on."""
    numbers: list[int] = []
    for chunk in chunks:
        numbers.append(numbers[-1] + 1 if chunk.continued and numbers else 1)
    return numbers


def _subject_candidates(
    chunk: Chunk, position: int, article: Article, proper, part: int = 1
) -> list[str]:
    if chunk.heading:
        heading = wording.sentence_case(plain(chunk.heading), proper)
        if part == 1:
            return [heading]
        own = [b.plain() for b in chunk.blocks if b.kind == "heading"]
        return [wording.sentence_case(h, proper) for h in own[:1]] + [f"Part {part}: {heading}"]
    if position == 1:
        title = plain(article.title)
        if not article.title_as_written:
            title = wording.sentence_case(title, proper)
        before, _, after = title.partition(":")
        return [after.strip(), title, before.strip()]
    return [_first_words(_text(chunk.blocks))]


def _first_words(text: str, limit: int = 8) -> str:
    sentence = (wording.SENTENCE.findall(text + " ") or [text])[0].strip()
    if len(sentence) <= 70:
        return sentence.rstrip(".")
    return " ".join(sentence.split()[:limit]).rstrip(",;:") + "…"


def _body(chunk: Chunk, position: int, count: int, article: Article, signoff: str) -> str:
    parts = [wording.opening(position, count, plain(article.title) if article.titled else "")]
    parts += [block.markdown() for block in chunk.blocks]
    parts.append(wording.LAST_CLOSING if position == count else wording.CLOSING)
    if signoff:
        parts.append(signoff)
    return "\n\n".join(parts) + "\n"


def tone_warnings(drafts: list[dict], practice: Practice) -> list[str]:
    """Pushy words and hard reading in the drafted emails (warnings; the drafts are kept)."""
    return [line for draft in drafts for line in _tone(draft, practice.tone_words)]


def _tone(draft: dict, extra: str) -> list[str]:
    short = " \n".join(draft.get(name) or "" for name in ("subject", "preview", "cta_text"))
    found = tone.check(short, extra) + tone.check(draft.get("body") or "", extra, body=True)
    return [f"Email {draft['position']}: {warning}" for warning in found]


def _warnings(draft: dict, words: dict[str, str]) -> list[str]:
    return [
        f"Email {draft['position']} {field}: {warning}"
        for field in ("subject", "preview")
        for warning in lockscreen.check(draft[field], words)
    ]
