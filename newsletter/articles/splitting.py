"""An article's sections cut into emails of roughly 150 to 450 words."""

import math
import re
from dataclasses import dataclass, field

from .document import Article, Block, count_words
from .reading import ArticleError

MIN_WORDS = 150
MAX_WORDS = 450
SENTENCE_END = re.compile(r"(?<=[.!?…])[”\"’)]?\s+(?=[“\"A-Z0-9])")


@dataclass
class Chunk:
    """The blocks of one email; heading is the section heading in force where it starts."""

    heading: str | None
    blocks: list[Block] = field(default_factory=list)
    continued: bool = False

    def words(self) -> int:
        return sum(count_words(b.plain()) for b in self.blocks if b.kind != "heading")


def plan(article: Article, emails: int | None = None, frame_words: int = 0) -> list[Chunk]:
    """One chunk per section, long ones split and short ones merged; exactly `emails` if set."""
    low, high = MIN_WORDS - frame_words, MAX_WORDS - frame_words
    chunks = [Chunk(s.heading, _short_paragraphs(s.blocks, high)) for s in article.sections]
    chunks = [part for chunk in chunks for part in _split(chunk, math.ceil(chunk.words() / high))]
    chunks = _merge_short(chunks, low, high)
    return _to_count(chunks, emails) if emails else chunks


def _short_paragraphs(blocks: list[Block], limit: int) -> list[Block]:
    """Paragraphs longer than an email are cut between sentences."""
    result = []
    for block in blocks:
        words = count_words(block.plain())
        if block.kind != "paragraph" or words <= limit:
            result.append(block)
            continue
        sentences = SENTENCE_END.split(block.text)
        groups = _balanced([count_words(s) for s in sentences], math.ceil(words / limit))
        result += [Block("paragraph", " ".join(sentences[a:b])) for a, b in groups]
    return result


def _balanced(sizes: list[int], parts: int) -> list[tuple[int, int]]:
    """Cut points that give `parts` contiguous runs of roughly equal total size."""
    total, cuts, running = sum(sizes), [0], 0
    for index, size in enumerate(sizes[:-1]):
        running += size
        goal = total * len(cuts) / parts
        if len(cuts) < parts and running + sizes[index + 1] / 2 >= goal:
            cuts.append(index + 1)
    cuts.append(len(sizes))
    return [(a, b) for a, b in zip(cuts, cuts[1:], strict=False) if b > a]


def _split(chunk: Chunk, parts: int) -> list[Chunk]:
    if parts <= 1 or len(chunk.blocks) < 2:
        return [chunk]
    sizes = [count_words(b.plain()) if b.kind != "heading" else 0 for b in chunk.blocks]
    pieces, heading, continued = [], chunk.heading, chunk.continued
    for start, end in _balanced(sizes, parts):
        blocks = chunk.blocks[start:end]
        if start and blocks[0].kind == "heading":
            heading, continued, blocks = blocks[0].text, False, blocks[1:]
        pieces.append(Chunk(heading, blocks, continued))
        heading, continued = _heading_after(blocks, heading), True
    return pieces


def _heading_after(blocks: list[Block], heading: str | None) -> str | None:
    headings = [b.text for b in blocks if b.kind == "heading"]
    return headings[-1] if headings else heading


def _join(first: Chunk, second: Chunk) -> Chunk:
    lead = [Block("heading", second.heading, level=2)] if second.heading else []
    if second.continued:
        lead = []
    return Chunk(first.heading, first.blocks + lead + second.blocks, first.continued)


def _merge_short(chunks: list[Chunk], low: int, high: int) -> list[Chunk]:
    """Merge each short chunk into its smaller neighbour while the result fits an email."""
    while len(chunks) > 1:
        for index in sorted(range(len(chunks)), key=lambda i: chunks[i].words()):
            if chunks[index].words() >= low:
                return chunks
            other = _smaller_neighbour(chunks, index)
            first = min(index, other)
            if chunks[index].words() + chunks[other].words() <= high:
                chunks[first : first + 2] = [_join(chunks[first], chunks[first + 1])]
                break
        else:
            return chunks
    return chunks


def _smaller_neighbour(chunks: list[Chunk], index: int) -> int:
    neighbours = [i for i in (index - 1, index + 1) if 0 <= i < len(chunks)]
    return min(neighbours, key=lambda i: chunks[i].words())


def _to_count(chunks: list[Chunk], emails: int) -> list[Chunk]:
    while len(chunks) > emails:
        pairs = range(len(chunks) - 1)
        first = min(pairs, key=lambda i: chunks[i].words() + chunks[i + 1].words())
        chunks[first : first + 2] = [_join(chunks[first], chunks[first + 1])]
    while len(chunks) < emails:
        splittable = [i for i, chunk in enumerate(chunks) if len(chunk.blocks) > 1]
        if not splittable:
            raise ArticleError(
                f"The article is too short for {emails} emails; try {len(chunks)} or fewer."
            )
        largest = max(splittable, key=lambda i: chunks[i].words())
        chunks[largest : largest + 1] = _split(chunks[largest], 2)
    return chunks
