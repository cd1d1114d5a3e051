"""Chunks of an article become step drafts: subject, preview, body, delay, invitation."""

from .. import lockscreen
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
    proper = wording.proper_words(
        [b.plain() for c in chunks for b in c.blocks if b.kind != "heading"]
    )
    signature = wording.signature(article.bio)
    signs_itself = bool(practice.signature or practice.therapist_name)
    signoff = f"Warmly,  \n{signature}" if signature and not signs_itself else ""
    short_cta, last_cta = wording.invitation(_text(chunks[-1].blocks))
    drafts, warnings = [], []
    for position, chunk in enumerate(chunks, start=1):
        last = position == len(chunks)
        subject = wording.subject(_subject_candidates(chunk, position, article, proper), words)
        paragraphs = [b.text for b in chunk.blocks if b.kind == "paragraph"]
        draft = {
            "position": position,
            "delay_value": delay_for(position),
            "delay_unit": "days",
            "ignore_window": position == 1,
            "subject": subject,
            "preview": wording.preview(paragraphs, subject, words),
            "body": _body(chunk, position, len(chunks), article, signoff),
            "cta_text": last_cta if last else short_cta,
        }
        warnings += _warnings(position, draft, words)
        drafts.append(draft)
    return drafts, warnings, signature


def _text(blocks: list[Block]) -> str:
    return " ".join(block.plain() for block in blocks)


def _subject_candidates(chunk: Chunk, position: int, article: Article, proper) -> list[str]:
    if chunk.heading:
        heading = wording.sentence_case(plain(chunk.heading), proper)
        return [f"{heading} (continued)" if chunk.continued else heading]
    if position == 1:
        title = wording.sentence_case(plain(article.title), proper)
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


def _warnings(position: int, draft: dict, words: dict[str, str]) -> list[str]:
    return [
        f"Email {position} {field}: {warning}"
        for field in ("subject", "preview")
        for warning in lockscreen.check(draft[field], words)
    ]
