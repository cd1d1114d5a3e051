"""An article (text, Markdown, HTML) becomes a draft sequence. Imports: models, mail."""

import re
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.text import slugify

from ..mail import placeholders
from ..models import Audience, Practice, Sequence, Step
from . import plaintext, splitting, webpage, wording
from .document import Article, build, count_words, plain
from .drafting import DEFAULT_DELAYS, draft_steps, tone_warnings
from .reading import MAX_BYTES, ArticleError, front_matter, text_from_bytes

__all__ = [
    "DEFAULT_DELAYS",
    "MAX_BYTES",
    "ArticleError",
    "Imported",
    "import_article",
    "read_article",
]

FORMATS = ("text", "markdown", "html")
HTML_TAG = re.compile(r"<(p|div|h[1-6]|article|body|ul|li|br|span|a|main|section)\b[^>]*>", re.I)
MARKDOWN_SIGN = re.compile(
    r"^#{1,6}\s+\S|\[[^\]\n]+\]\([^)\s]+\)|^\S[^\n]*\n(?:=+|-+)[ \t]*$", re.M
)


@dataclass
class Imported:
    """A created draft sequence, its steps, and lines the importer should show."""

    sequence: Sequence
    steps: list[Step]
    warnings: list[str] = field(default_factory=list)
    signature: str = ""
    tone: list[str] = field(default_factory=list)  # words that push, hard reading

    def as_json(self) -> dict:
        sequence = {
            "id": self.sequence.pk,
            "slug": self.sequence.slug,
            "status": self.sequence.status,
        }
        steps = [
            {
                "position": step.position,
                "subject": step.subject,
                "preview": step.preview,
                "delay_days": step.delay_value,
                "words": count_words(step.body),
            }
            for step in self.steps
        ]
        return {"sequence": sequence, "steps": steps}


def detect_format(text: str) -> str:
    """HTML when it is marked up as a page, Markdown when it uses Markdown syntax, else text."""
    stripped = text.strip()
    if stripped.lower().startswith(("<!doctype html", "<html")) or (
        stripped.startswith("<") and stripped.endswith(">") and HTML_TAG.search(stripped)
    ):
        return "html"
    if len(HTML_TAG.findall(text[:50000])) >= 3:
        return "html"
    return "markdown" if MARKDOWN_SIGN.search(text) else "text"


def read_article(data: bytes | str, fmt: str | None = None) -> Article:
    """Parse an article, refusing empty, binary, oversized or unreadable input."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    text = text_from_bytes(data)
    written_title, text = front_matter(text) if fmt != "html" else ("", text)
    fmt = fmt or detect_format(text)
    if fmt not in FORMATS:
        raise ArticleError(f"Unknown format {fmt!r}; use text, markdown or html.")
    if fmt == "text":
        blocks, title, bio = plaintext.parse(text), "", ""
    else:
        parse = webpage.parse_html if fmt == "html" else webpage.parse_markdown
        blocks, title, bio = parse(text)
    if written_title:
        if blocks and blocks[0].kind == "heading" and _same(blocks[0].plain(), written_title):
            blocks = blocks[1:]  # the title repeated as the first heading
        title = written_title
    article = build(blocks, title=title, bio=bio)
    article.title_as_written = bool(written_title)
    if not article.words():
        raise ArticleError("The page has no readable article text, only markup or page furniture.")
    return article


def _same(one: str, other: str) -> bool:
    return plain(one).casefold().strip() == plain(other).casefold().strip()


def import_article(
    data: bytes | str,
    *,
    audience: Audience,
    emails: int | None = None,
    fmt: str | None = None,
    name_hint: str = "",
) -> Imported:
    """Create a draft sequence from an article; nothing is activated or sent."""
    if emails is not None and not 1 <= emails <= 20:
        raise ArticleError("The number of emails must be between 1 and 20.")
    article = read_article(data, fmt)
    chunks = splitting.plan(article, emails=emails, frame_words=wording.EDGE_WORDS)
    drafts, warnings, signature = draft_steps(article, chunks, Practice.get())
    _refuse_unknown_placeholders(drafts)
    warnings += length_warnings(drafts)
    with transaction.atomic():
        sequence = Sequence.objects.create(
            name=plain(article.title)[:200],
            slug=_unique_slug(name_hint or article.title.split(":")[0]),
            audience=audience,
            status=Sequence.Status.DRAFT,
        )
        steps = [Step.objects.create(sequence=sequence, **draft) for draft in drafts]
    tone = tone_warnings(drafts, Practice.get())
    return Imported(sequence, steps, warnings, signature, tone)


def length_warnings(drafts: list[dict]) -> list[str]:
    """A line for each email shorter or longer than an email reads well (an article too
    short for one, a paragraph with no sentence break to cut at)."""
    lines = []
    for draft in drafts:
        words = count_words(draft["body"])
        if words < splitting.MIN_WORDS:
            lines.append(
                f"Email {draft['position']} is short ({words} words); emails read best "
                f"at {splitting.MIN_WORDS} to {splitting.MAX_WORDS} words."
            )
        elif words > splitting.MAX_WORDS:
            lines.append(
                f"Email {draft['position']} is long ({words} words); emails read best "
                f"at {splitting.MIN_WORDS} to {splitting.MAX_WORDS} words, so you may "
                "want to shorten it or move some of it to the next email."
            )
    return lines


def _refuse_unknown_placeholders(drafts: list[dict]) -> None:
    for draft in drafts:
        written = {name: draft.get(name, "") for name in placeholders.FIELDS}
        for name, message in placeholders.problems(written).items():
            where = name.replace("_", " ")
            raise ArticleError(f"Email {draft['position']} ({where}): {message}")


def _unique_slug(text: str) -> str:
    base = slugify(text)[:40].rstrip("-") or "article"
    slug, number = base, 2
    while Sequence.objects.filter(slug=slug).exists():
        slug, number = f"{base}-{number}", number + 1
    return slug
