"""Plain-text articles: headings are short lines without closing punctuation."""

import re

from .document import Block

BULLET = re.compile(r"^\s*[•\-*+–·]\s+(?P<text>\S.*)$")
NUMBERED = re.compile(r"^\s*\d{1,2}[.)]\s+(?P<text>\S.*)$")
PROSE_END = tuple(".!,;:…")
CLOSERS = "\"”’')]"
MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>])")
MAX_HEADING_WORDS = 16


def parse(text: str) -> list[Block]:
    """Blocks from plain text, one paragraph per line or paragraphs split by blank lines."""
    lines = _unwrap(text) if _hard_wrapped(text) else [line.strip() for line in text.split("\n")]
    return _blocks(lines, _classify(lines))


def escape(text: str) -> str:
    return MARKDOWN_SPECIAL.sub(r"\\\1", text)


def ends_like_prose(line: str) -> bool:
    return line.rstrip(CLOSERS).endswith(PROSE_END)


def is_heading_like(line: str) -> bool:
    """Short, starts like a title, and ends without prose punctuation (or with a question)."""
    words = line.split()
    if not words or len(words) > MAX_HEADING_WORDS or len(line) > 120:
        return False
    if not (line[0].isupper() or line[0].isdigit()):
        return False
    return line.endswith("?") or not ends_like_prose(line)


def _groups(text: str) -> list[list[str]]:
    groups = [group.strip().split("\n") for group in re.split(r"\n\s*\n", text)]
    return [[line.strip() for line in group if line.strip()] for group in groups]


def _is_item(line: str) -> bool:
    return bool(BULLET.match(line) or NUMBERED.match(line))


def _hard_wrapped(text: str) -> bool:
    """True when most lines inside paragraphs stop mid-sentence: the text was wrapped."""
    inner = [line for lines in _groups(text) for line in lines[:-1] if not _is_item(line)]
    broken = [line for line in inner if len(line) > 40 and not ends_like_prose(line)]
    return len(broken) >= 3 and len(broken) > len(inner) / 2


def _unwrap(text: str) -> list[str]:
    """One line per paragraph: wrapped lines of a paragraph are joined, bullets kept apart."""
    lines: list[str] = []
    for group in _groups(text):
        for line in group:
            if _is_item(line) or not lines or not lines[-1]:
                lines.append(line)
            else:
                lines[-1] += " " + line
        lines.append("")
    return lines


def _classify(lines: list[str]) -> list[str]:
    kinds = []
    for line in lines:
        if not line:
            kinds.append("blank")
        elif BULLET.match(line):
            kinds.append("item")
        elif is_heading_like(line):
            kinds.append("short")
        else:
            kinds.append("prose")
    for run, after_colon in _short_runs(lines, kinds):
        # A run of short lines after a colon, or of three or more, is a list, not headings.
        kind = "item" if after_colon or len(run) >= 3 else "heading"
        for index in run:
            kinds[index] = kind
    return kinds


def _short_runs(lines: list[str], kinds: list[str]) -> list[tuple[list[int], bool]]:
    runs: list[tuple[list[int], bool]] = []
    previous = ""
    for index, kind in enumerate(kinds):
        if kind == "blank":
            continue
        if kind != "short":
            previous = lines[index]
        elif runs and runs[-1][0][-1] == _last_text_before(kinds, index):
            runs[-1][0].append(index)
        else:
            runs.append(([index], previous.endswith(":")))
    return runs


def _last_text_before(kinds: list[str], index: int) -> int:
    return next((i for i in range(index - 1, -1, -1) if kinds[i] != "blank"), -1)


def _blocks(lines: list[str], kinds: list[str]) -> list[Block]:
    blocks: list[Block] = []
    first_text = next((i for i, kind in enumerate(kinds) if kind != "blank"), None)
    for index, (line, kind) in enumerate(zip(lines, kinds, strict=True)):
        if kind == "heading":
            text = escape(NUMBERED.sub(r"\g<text>", line))
            blocks.append(Block("heading", text, level=1 if index == first_text else 2))
        elif kind == "item":
            item = escape(_item_text(line))
            if blocks and blocks[-1].kind == "list":
                blocks[-1].items.append(item)
            else:
                blocks.append(Block("list", items=[item]))
        elif kind == "prose":
            blocks.append(Block("paragraph", escape(line)))
    return blocks


def _item_text(line: str) -> str:
    match = BULLET.match(line) or NUMBERED.match(line)
    return match.group("text").strip() if match else line.strip()
