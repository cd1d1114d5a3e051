"""HTML and Markdown articles: keep the writing, drop the page around it."""

import re

import markdown
from bs4 import BeautifulSoup, Comment, Tag
from markdownify import MarkdownConverter

from .document import Block

DROP_TAGS = [
    "script", "style", "noscript", "template", "nav", "aside", "form", "button", "iframe",
    "svg", "canvas", "select", "input", "textarea", "label", "dialog", "object", "embed",
    "video", "audio", "figure", "img", "table", "footer",
]  # fmt: skip
DROP_ROLES = {"navigation", "banner", "contentinfo", "complementary", "search", "dialog"}
# Class or id words that mark page furniture rather than the article itself.
JUNK_WORDS = {
    "nav", "navbar", "navigation", "menu", "breadcrumb", "breadcrumbs", "sidebar", "widget",
    "widgets", "comment", "comments", "respond", "share", "sharing", "sharedaddy", "social",
    "cookie", "cookies", "consent", "gdpr", "subscribe", "newsletter", "signup", "related",
    "advert", "ads", "promo", "popup", "modal", "skip", "byline", "meta", "tags", "banner",
}  # fmt: skip
AUTHOR_BOX = re.compile(r"author[-_ ]?(bio|box|info|description)|about[-_ ]?(the[-_ ]?)?author")
BLOCK_TAGS = ["h1", "h2", "h3", "h4", "h5", "h6", "p", "ul", "ol", "div"]
LIST_MARK = re.compile(r"^(?:[-*+]|\d+\.)\s+")
CONTAINERS = {"p", "ul", "ol", "li", "pre", "h1", "h2", "h3", "h4", "h5", "h6"}
_converter = MarkdownConverter(heading_style="ATX", bullets="-")


def parse_markdown(text: str) -> tuple[list[Block], str, str]:
    html = markdown.markdown(text, extensions=["extra", "sane_lists"])
    return parse_html(f"<body>{html}</body>")


def parse_html(html: str) -> tuple[list[Block], str, str]:
    """The article's blocks, the page title and any author bio found on the page."""
    soup = BeautifulSoup(html, "lxml")
    page_title = _page_title(soup)
    bio = _take_author_bio(soup)
    _drop_furniture(soup)
    root = _main_content(soup)
    return _blocks(root), _article_title(root, page_title), bio


def _page_title(soup: BeautifulSoup) -> str:
    title = soup.title.get_text(" ", strip=True) if soup.title else ""
    return re.split(r"\s+[|–—-]\s+", title)[0] if title else ""


def _take_author_bio(soup: BeautifulSoup) -> str:
    for element in soup.find_all(True):
        marks = " ".join(element.get("class", [])) + " " + (element.get("id") or "")
        if AUTHOR_BOX.search(marks.lower()):
            for heading in element.find_all(re.compile("^h[1-6]$")):
                heading.decompose()
            text = element.get_text(" ", strip=True)
            element.decompose()
            return text
    return ""


def _drop_furniture(soup: BeautifulSoup) -> None:
    for comment in soup.find_all(string=lambda s: isinstance(s, Comment)):
        comment.extract()
    for element in soup.find_all(DROP_TAGS):
        element.decompose()
    total = _paragraph_words(soup)
    for element in soup.find_all(True):
        # A wrapper holding most of the writing is the article, whatever its class says.
        if not element.decomposed and _is_furniture(element):
            words = _paragraph_words(element)
            if words == 0 or words * 2 < total:
                element.decompose()
    _keep_article_headings(soup)


def _keep_article_headings(soup: BeautifulSoup) -> None:
    """Of a page's headers, only the article's own title survives."""
    for header in soup.find_all("header"):
        headings = header.find_all(re.compile("^h[12]$"))
        if headings and header.find_parent(["article", "main"]):
            header.replace_with(*headings)
        else:
            header.decompose()


def _paragraph_words(element: Tag) -> int:
    return sum(len(p.get_text(" ").split()) for p in element.find_all(["p", "li"]))


def _is_furniture(element: Tag) -> bool:
    if element.name in ("html", "body", "article", "main"):
        return False
    if element.get("role") in DROP_ROLES or element.get("aria-hidden") == "true":
        return True
    if element.has_attr("hidden") or "display:none" in element.get("style", "").replace(" ", ""):
        return True
    marks = " ".join(element.get("class", [])) + " " + (element.get("id") or "")
    return bool(JUNK_WORDS & set(re.split(r"[\s_-]+", marks.lower())))


def _main_content(soup: BeautifulSoup) -> Tag:
    candidates = soup.find_all("article") or soup.find_all(["main"])
    candidates += soup.find_all(attrs={"role": "main"})
    if candidates:
        return max(candidates, key=lambda tag: len(" ".join(p.get_text() for p in tag("p"))))
    return soup.body or soup


def _article_title(root: Tag, page_title: str) -> str:
    heading = root.find("h1")
    return "" if heading else page_title


def _blocks(root: Tag) -> list[Block]:
    blocks = []
    for element in root.find_all(BLOCK_TAGS):
        if element.find_parent(CONTAINERS) or (element.name == "div" and _has_blocks(element)):
            continue
        block = _block(element)
        if block:
            blocks.append(block)
    return blocks


def _has_blocks(element: Tag) -> bool:
    return element.find(BLOCK_TAGS) is not None


def _block(element: Tag) -> Block | None:
    _unlink_relative(element)
    if element.name in ("ul", "ol"):
        items = [LIST_MARK.sub("", _inline(li)) for li in element.find_all("li", recursive=False)]
        items = [item for item in items if item]
        return Block("list", items=items) if items else None
    text = _inline(element)
    if not text:
        return None
    if element.name.startswith("h") and len(element.name) == 2:
        return Block("heading", text.lstrip("# "), level=int(element.name[1]))
    return Block("paragraph", text)


def _inline(element: Tag) -> str:
    """The element's content as one line of Markdown with emphasis and links kept."""
    text = _converter.convert_soup(element)
    return " ".join(re.sub(r"^\s*#+\s+", "", text).split())


def _unlink_relative(element: Tag) -> None:
    for link in element.find_all("a"):
        if not re.match(r"^(https?:|mailto:)", link.get("href", "").strip(), re.IGNORECASE):
            link.unwrap()
