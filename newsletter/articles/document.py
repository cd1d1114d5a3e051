"""An article as headings, paragraphs and lists, grouped into sections."""

import re
from dataclasses import dataclass, field

ABOUT_AUTHOR = re.compile(r"^about (the )?(author|writer|me|the therapist)\b", re.IGNORECASE)
WORD = re.compile(r"[^\W_]+(?:[’'\-][^\W_]+)*")
MARKUP = re.compile(r"\]\([^)]*\)|[*_`#>\[\]\\]")


@dataclass
class Block:
    """One heading, paragraph or list; text is Markdown (inline emphasis and links)."""

    kind: str  # "heading", "paragraph" or "list"
    text: str = ""
    level: int = 0
    items: list[str] = field(default_factory=list)

    def markdown(self) -> str:
        if self.kind == "list":
            return "\n".join(f"- {item}" for item in self.items)
        if self.kind == "heading":
            return f"## {self.text}"
        return self.text

    def plain(self) -> str:
        if self.kind == "list":
            return " ".join(plain(item) for item in self.items)
        return plain(self.text)


@dataclass
class Section:
    heading: str | None
    blocks: list[Block]

    def words(self) -> int:
        return sum(count_words(block.plain()) for block in self.blocks)


@dataclass
class Article:
    title: str
    sections: list[Section]
    bio: str = ""
    titled: bool = True  # False when the title is only the first words of the text
    title_as_written: bool = False  # from front matter: its case is the author's choice

    def words(self) -> int:
        return sum(section.words() for section in self.sections)


def plain(markdown_text: str) -> str:
    """Markdown inline text without its markup, for counting and for subject lines."""
    return " ".join(MARKUP.sub(" ", markdown_text).replace(" - ", " ").split())


def count_words(text: str) -> int:
    return len(WORD.findall(plain(text)))


def build(blocks: list[Block], title: str = "", bio: str = "") -> Article:
    """Group blocks under their headings: the first top-level heading is the title."""
    blocks = [block for block in blocks if block.plain() or block.items]
    if not title and blocks and blocks[0].kind == "heading":
        title = blocks.pop(0).plain()
    sections = _sections(blocks)
    kept = []
    for section in sections:
        if section.heading and ABOUT_AUTHOR.match(plain(section.heading)):
            bio = bio or " ".join(block.plain() for block in section.blocks)
        elif section.blocks or section.heading:
            kept.append(section)
    sections = [section for section in kept if section.words()]
    if title:
        return Article(title=title, sections=sections, bio=bio)
    return Article(title=_title_from(kept), sections=sections, bio=bio, titled=False)


def _sections(blocks: list[Block]) -> list[Section]:
    levels = [block.level for block in blocks if block.kind == "heading"]
    top = min(levels, default=0)
    sections = [Section(heading=None, blocks=[])]
    for block in blocks:
        if block.kind == "heading" and block.level == top:
            sections.append(Section(heading=block.text, blocks=[]))
        else:
            sections[-1].blocks.append(block)
    return sections


def _title_from(sections: list[Section]) -> str:
    for section in sections:
        if section.heading:
            return plain(section.heading)
        for block in section.blocks:
            words = block.plain().split()
            if words:
                return " ".join(words[:8]).rstrip(".,;:") + ("…" if len(words) > 8 else "")
    return "Untitled article"
