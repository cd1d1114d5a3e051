"""Email content rendered once per version: Markdown, template, premailer, plain text, cache."""

import hashlib
import logging
import re
import threading
from dataclasses import dataclass
from html import escape
from html.parser import HTMLParser
from typing import NamedTuple
from urllib.parse import quote

import lxml.html
import markdown
import nh3
import premailer
from django.core.cache import cache
from django.template.loader import render_to_string
from inscriptis import get_text

# Bump whenever a template under templates/emails/ changes: it is part of every cache key.
TEMPLATE_VERSION = "6"
# Per-recipient values travel as %%name%% tokens: premailer and lxml leave them intact,
# even inside href (they would rewrite "{{ name }}" to "{{%20name%20}}").
PLACEHOLDER = re.compile(r"%%([a-z_]+)%%")
DOCTYPE = "<!doctype html>\n"
LOCAL_SIZE = 256
CACHE_SECONDS = 24 * 3600
# Attributes whose value is a URL: a value inside one is URL-quoted.
URL_ATTRIBUTES = frozenset({"href", "src", "action", "background", "cite", "formaction"})
ATTRIBUTE = re.compile(r"""([^\s"'>/=]+)\s*=\s*("[^"]*"|'[^']*'|[^\s"'=<>`]+)""")

_local: dict[str, "Rendered"] = {}
_lock = threading.Lock()
logger = logging.getLogger(__name__)


class RenderError(ValueError):
    """An email's content cannot be rendered; the message says why, for the ledger row."""


def token(name: str) -> str:
    return f"%%{name}%%"


def is_link(name: str) -> bool:
    """`*_url` placeholders hold links this site makes (SITE_URL, a route, a signed token):
    URL-safe, so written as they are wherever a whole URL goes."""
    return name.endswith("_url")


# How a value is written where it stands: as is (plain text part, subject, a link of ours),
# HTML-escaped (HTML text and attribute values), URL-quoted (inside a URL attribute).
TRANSFORMS = {"plain": str, "html": escape, "url": lambda value: quote(value, safe="")}
SUFFIXES = {"plain": "", "html": "_html", "url": "_in_url"}


class Filled(NamedTuple):
    """One reader's subject, HTML and plain text."""

    subject: str
    html: str
    text: str


@dataclass(frozen=True)
class Rendered:
    """An email's shared parts, split at placeholders: literal, slot, literal, slot, ...

    A slot names a placeholder as written where it stands (`greeting` in plain text,
    `greeting_html` in HTML, `greeting_in_url` inside a link); `slots` says how each is made
    from a reader's values, so the per-reader work is one small escape per slot.
    """

    subject: tuple[str, ...]
    html: tuple[str, ...]
    text: tuple[str, ...]
    slots: tuple[tuple[str, str, str], ...]  # (slot, placeholder, transform)

    @classmethod
    def split(cls, subject: str, html: str, text: str) -> "Rendered":
        slots: dict[str, tuple[str, str]] = {}
        parts = [_plain_parts(subject, slots), _html_parts(html, slots), _plain_parts(text, slots)]
        return cls(*parts, tuple((slot, *how) for slot, how in slots.items()))

    @property
    def names(self) -> set[str]:
        """The placeholders this email needs a value for."""
        return {name for _, name, _ in self.slots}

    def merge_values(self, values) -> dict[str, str]:
        """Each slot's text for one reader (an ESP's merge data, or what `fill` writes)."""
        return {slot: TRANSFORMS[how](values[name]) for slot, name, how in self.slots}

    def fill(self, values) -> Filled:
        """The subject, HTML and text for one recipient: the only per-recipient rendering."""
        written = self.merge_values(values).__getitem__
        return Filled(*(_join(parts, written) for parts in (self.subject, self.html, self.text)))

    def with_merge_fields(self, field_format: str) -> Filled:
        """Subject, HTML and text with each slot written in an ESP's merge-field syntax."""
        written = field_format.format
        return Filled(*(_join(parts, written) for parts in (self.subject, self.html, self.text)))


def _join(parts: tuple[str, ...], value) -> str:
    return "".join([value(part) if i % 2 else part for i, part in enumerate(parts)])


def _slot(name: str, how: str, slots: dict[str, tuple[str, str]]) -> str:
    how = "plain" if how == "html" and is_link(name) else how
    slot = name + SUFFIXES[how]
    slots[slot] = (name, how)
    return slot


def _plain_parts(text: str, slots: dict) -> tuple[str, ...]:
    parts = PLACEHOLDER.split(text)
    parts[1::2] = [_plain_slot(name, slots) for name in parts[1::2]]
    return tuple(parts)


def _plain_slot(name: str, slots: dict) -> str:
    if name.endswith(SUFFIXES["url"]):  # marked by plain_text inside a written-out URL
        return _slot(name.removesuffix(SUFFIXES["url"]), "url", slots)
    return _slot(name, "plain", slots)


def _marked_in_url(url: str) -> str:
    """A URL written out in plain text: placeholders inside it are marked to be URL-quoted."""

    def mark(match: re.Match) -> str:
        name = match.group(1)
        inside = match.start() > 0 or not is_link(name)
        return token(name + SUFFIXES["url"]) if inside else match.group(0)

    return PLACEHOLDER.sub(mark, url)


def _html_parts(html: str, slots: dict) -> tuple[str, ...]:
    in_tags = _in_tags(html) if "%%" in html else {}
    parts, end = [], 0
    for match in PLACEHOLDER.finditer(html):
        name, where = match.group(1), in_tags.get(match.start())
        if where is None or where == "attribute":
            how = "html"
        else:  # inside a URL: a link of ours may start it, anything else is quoted
            how = "plain" if where == "url-start" and is_link(name) else "url"
        parts += [html[end : match.start()], _slot(name, how, slots)]
        end = match.end()
    return (*parts, html[end:])


class _StartTags(HTMLParser):
    """Each start tag of a document, with the offset where it begins."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=False)
        self.line_starts = [0] + [m.end() for m in re.finditer("\n", html)]
        self.tags: list[tuple[int, str]] = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        line, column = self.getpos()
        self.tags.append((self.line_starts[line - 1] + column, self.get_starttag_text() or ""))

    handle_startendtag = handle_starttag


def _in_tags(html: str) -> dict[int, str]:
    """For each placeholder inside a tag, by offset: "url-start" (it begins a URL attribute),
    "url" (inside one) or "attribute" (in any other attribute)."""
    found = {}
    for start, tag in _StartTags(html).tags:
        if "%%" not in tag:
            continue
        for attribute in ATTRIBUTE.finditer(tag):
            written = attribute.group(2)
            quoted = written[:1] in "\"'"
            value = written[1:-1] if quoted else written
            opened = start + attribute.start(2) + quoted
            for match in PLACEHOLDER.finditer(value):
                at = opened + match.start()
                if attribute.group(1).lower() not in URL_ATTRIBUTES:
                    found[at] = "attribute"
                else:
                    found[at] = "url-start" if not value[: match.start()].strip() else "url"
    return found


def body_html(markdown_text: str) -> str:
    """Markdown to sanitised HTML: no scripts, no event handlers, no remote images."""
    html = markdown.markdown(markdown_text, extensions=["extra", "sane_lists"])
    tags = nh3.ALLOWED_TAGS - {"img"}
    return nh3.clean(html, tags=tags, url_schemes={"http", "https", "mailto"})


def plain_text(html: str) -> str:
    """Readable text from HTML, each link's address written out after its words."""
    if not html.strip():
        return ""
    tree = lxml.html.fragment_fromstring(html, create_parent="div")
    for link in tree.iter("a"):
        href = link.get("href", "")
        shown = href.removeprefix("mailto:")
        if href and link.text_content().strip() not in (href, shown):
            link.tail = f" ({_marked_in_url(shown)})" + (link.tail or "")
    inner = escape(tree.text or "") + "".join(
        lxml.html.tostring(c, encoding="unicode") for c in tree
    )
    return get_text(inner).strip("\n") + "\n"


def inline(html: str) -> str:
    """CSS inlined for mail clients; rules that cannot be inlined (media queries) stay."""
    inlined = premailer.Premailer(
        html,
        allow_network=False,
        strip_important=False,
        disable_validation=True,
        cssutils_logging_level=50,
    ).transform()
    return DOCTYPE + inlined


def render(name: str, context: dict) -> Rendered:
    """Render emails/<name>.subject.txt, .txt and .html (HTML inlined) with placeholders."""
    subject = " ".join(render_to_string(f"emails/{name}.subject.txt", context).split())
    text = render_to_string(f"emails/{name}.txt", context)
    html = inline(render_to_string(f"emails/{name}.html", context))
    return Rendered.split(subject, html, tidy_text(text))


def tidy_text(text: str) -> str:
    """No runs of blank lines or trailing spaces left by template tags."""
    lines = [line.rstrip() for line in text.strip().splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)) + "\n"


def cache_key(*parts) -> str:
    digest = hashlib.sha256(repr((TEMPLATE_VERSION, *parts)).encode()).hexdigest()
    return f"email-render:{digest}"


def cached(key: str, build) -> Rendered:
    """The rendering for key: from this process, else the shared cache, else build() once."""
    rendered = _local.get(key)
    if rendered is not None:
        return rendered
    rendered = _shared_get(key)
    if rendered is None:
        rendered = build()
        _shared_set(key, rendered)
    with _lock:
        if len(_local) >= LOCAL_SIZE:
            _local.pop(next(iter(_local)))
        _local[key] = rendered
    return rendered


# The shared cache only saves work: when it is unreachable, render here rather than fail.
def _shared_get(key: str) -> Rendered | None:
    try:
        found = cache.get(key)
    except Exception:
        logger.warning("Shared cache unreachable; rendering email content locally.", exc_info=True)
        return None
    return found if isinstance(found, Rendered) else None


def _shared_set(key: str, rendered: Rendered) -> None:
    try:
        cache.set(key, rendered, CACHE_SECONDS)
    except Exception:
        logger.warning("Shared cache unreachable; rendered email content not shared.")


def clear_local_cache() -> None:
    _local.clear()
