"""Raw bytes to article text, refusing what is not a readable article."""

import re

import markdown

MAX_BYTES = 2 * 1024 * 1024
# Control characters other than tab, newline, carriage return and form feed mark binary data.
_CONTROL = bytes(set(range(32)) - {9, 10, 12, 13})


class ArticleError(ValueError):
    """The article cannot be imported; the message is one sentence for the person importing."""


def text_from_bytes(data: bytes) -> str:
    """The text of an uploaded or read file: at most 2 MB, not binary, not empty."""
    if len(data) > MAX_BYTES:
        raise ArticleError("The file is larger than 2 MB; import one article at a time.")
    if _looks_binary(data):
        raise ArticleError("The file is not text; upload a .txt, .md or .html article.")
    text = _decode(data)
    if not text.strip():
        raise ArticleError("The article is empty.")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _looks_binary(data: bytes) -> bool:
    sample = data[:8192]
    if b"\x00" in sample:
        return True
    controls = sum(1 for byte in sample if byte in _CONTROL)
    return bool(sample) and controls / len(sample) > 0.01


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        # Articles saved from older Windows editors are often Windows-1252.
        return data.decode("cp1252")
    except UnicodeDecodeError:
        raise ArticleError(
            "The file is not readable text; save it as UTF-8 and try again."
        ) from None


FRONT_MATTER = re.compile(r"\A---[ \t]*\n(?P<block>.*?\n)(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.S)
QUOTES = {'"': '"', "'": "'", "“": "”", "‘": "’"}


def front_matter(text: str) -> tuple[str, str]:
    """The title from a `---` metadata block at the top (as written, quotes removed) and the
    text after the block; ("", text) when there is none."""
    found = FRONT_MATTER.match(text)
    if not found:
        return "", text
    reader = markdown.Markdown(extensions=["meta"])
    reader.convert(f"---\n{found.group('block')}---\n")
    meta = getattr(reader, "Meta", {})
    title = " ".join(meta.get("title", [])).strip()
    if len(title) > 1 and QUOTES.get(title[0]) == title[-1]:
        title = title[1:-1].strip()
    return title, text[found.end() :]
