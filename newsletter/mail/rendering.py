"""Email content rendered once per version: Markdown, template, premailer, plain text, cache."""

import hashlib
import logging
import re
import threading
from dataclasses import dataclass
from html import escape

import lxml.html
import markdown
import nh3
import premailer
from django.core.cache import cache
from django.template.loader import render_to_string
from inscriptis import get_text

# Bump whenever a template under templates/emails/ changes: it is part of every cache key.
TEMPLATE_VERSION = "5"
# Per-recipient values travel as %%name%% tokens: premailer and lxml leave them intact,
# even inside href (they would rewrite "{{ name }}" to "{{%20name%20}}").
PLACEHOLDER = re.compile(r"%%([a-z_]+)%%")
DOCTYPE = "<!doctype html>\n"
LOCAL_SIZE = 256
CACHE_SECONDS = 24 * 3600

_local: dict[str, "Rendered"] = {}
_lock = threading.Lock()
logger = logging.getLogger(__name__)


def token(name: str) -> str:
    return f"%%{name}%%"


@dataclass(frozen=True)
class Rendered:
    """An email's shared parts, split at placeholders: literal, name, literal, name, ..."""

    subject: str
    html: tuple[str, ...]
    text: tuple[str, ...]

    @classmethod
    def split(cls, subject: str, html: str, text: str) -> "Rendered":
        return cls(subject, tuple(PLACEHOLDER.split(html)), tuple(PLACEHOLDER.split(text)))

    @property
    def fields(self) -> set[str]:
        return set(self.html[1::2]) | set(self.text[1::2])

    def fill(self, values: dict[str, str]) -> tuple[str, str]:
        """The HTML and text for one recipient: the only per-recipient rendering work."""
        return _join(self.html, values.__getitem__), _join(self.text, values.__getitem__)

    def with_merge_fields(self, field_format: str) -> tuple[str, str]:
        """HTML and text with each placeholder written in an ESP's merge-field syntax."""
        return _join(self.html, field_format.format), _join(self.text, field_format.format)


def _join(parts: tuple[str, ...], value) -> str:
    return "".join([value(part) if i % 2 else part for i, part in enumerate(parts)])


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
            link.tail = f" ({shown})" + (link.tail or "")
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
