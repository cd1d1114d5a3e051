"""Random input to three pure parts: the address key, signed links, the article splitter.

Which addresses are one mailbox, by the product's rules (newsletter/subscribers/addresses.py):
the stored key folds ASCII letters only (local part and domain) after the validator's own
normalising (Unicode NFC, the domain lower-cased and in its Unicode form); a +tag, a dot, or
a non-ASCII letter in another case is another mailbox. Gmail's dots and any +tag are one
inbox only for rate limits (`mailbox_key`), never for the stored key.
"""

import unicodedata

import pytest
from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from newsletter import articles
from newsletter.articles import splitting
from newsletter.articles.document import Article, Block, Section, count_words, plain
from newsletter.models import Subscriber
from newsletter.subscribers import addresses, tokens

ASCII_LOWER = "abcdefghijklmnopqrstuvwxyz"
# Letters whose Unicode case-folding or compatibility form is an ASCII letter or another
# letter: each is its own mailbox.
TRICKY = "ſKéÉßẞıİøØñÑ"
DECOMPOSED = "e\u0301"  # é written as e and a combining accent: NFC makes it é
local_chars = st.sampled_from(list(ASCII_LOWER + ASCII_LOWER.upper() + "0123456789_-" + TRICKY))
local_parts = st.lists(st.one_of(local_chars, st.just(DECOMPOSED)), min_size=1, max_size=12).map(
    "".join
)
domains = st.sampled_from(
    ["example.com", "Example.COM", "gmail.com", "GoogleMail.com", "bücher.de", "BÜCHER.de",
     "xn--bcher-kva.de", "mail.example.org"]
)  # fmt: skip


def _valid(address: str) -> str:
    try:
        return addresses.normalise(address)
    except ValidationError:
        assume(False)


def _mailbox(address: str) -> tuple[str, str]:
    """The product's rule written out: NFC local part with ASCII letters folded, and the
    domain in its lower-cased Unicode (IDNA) form."""
    local, _, domain = address.rpartition("@")
    folded = unicodedata.normalize("NFC", local).translate(addresses.ASCII_LOWER)
    return folded, domain.encode("ascii").decode("idna") if domain.isascii() else domain.lower()


@settings(max_examples=300, deadline=None)
@given(local=local_parts, domain=domains)
def test_normalising_and_the_key_are_idempotent(local, domain):
    stored = _valid(f"{local}@{domain}")
    assert addresses.normalise(stored) == stored
    key = addresses.key(stored)
    assert addresses.key(key) == key
    assert addresses.key(addresses.normalise(key)) == key
    assert addresses.mailbox_key(addresses.mailbox_key(stored)) == addresses.mailbox_key(stored)


@settings(max_examples=400, deadline=None)
@given(one=local_parts, other=local_parts, first=domains, second=domains)
@example(one="s", other="ſ", first="example.com", second="example.com")
@example(one="k", other="K", first="example.com", second="example.com")
@example(one="é", other="É", first="example.com", second="example.com")
@example(one="é", other=DECOMPOSED, first="bücher.de", second="xn--bcher-kva.de")
def test_two_addresses_share_a_key_only_when_they_are_one_mailbox(one, other, first, second):
    a, b = _valid(f"{one}@{first}"), _valid(f"{other}@{second}")
    assert (addresses.key(a) == addresses.key(b)) == (_mailbox(a) == _mailbox(b)), (a, b)


@settings(max_examples=200, deadline=None)
@given(local=st.text(ASCII_LOWER, min_size=2, max_size=10), tag=st.text(ASCII_LOWER, max_size=6))
def test_tags_and_gmail_dots_are_one_inbox_for_rate_limits_but_other_mailboxes_when_stored(
    local, tag
):
    base = _valid(f"{local}@gmail.com")
    dotted = _valid(f"{local[0]}.{local[1:]}@GoogleMail.com")
    tagged = _valid(f"{local.upper()}+{tag}@gmail.com")
    assert addresses.mailbox_key(dotted) == addresses.mailbox_key(base)
    assert addresses.mailbox_key(tagged) == addresses.mailbox_key(base)
    assert addresses.key(dotted) != addresses.key(base)
    assert addresses.key(tagged) != addresses.key(base)
    elsewhere = _valid(f"{local[0]}.{local[1:]}@example.com")
    assert addresses.mailbox_key(elsewhere) != addresses.mailbox_key(f"{local}@example.com")


# Signed links -------------------------------------------------------------------------

PURPOSES = [
    tokens.CONFIRM,
    tokens.UNSUBSCRIBE,
    tokens.PREFERENCES,
    tokens.CLICK,
    tokens.VIEW_ONLINE,
    tokens.DATA_RIGHTS,
    tokens.TEST,
]
json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**53), 2**53) | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)


@st.composite
def alterations(draw, token: str) -> str:
    """The token with one character changed, inserted or removed, or cut short.

    What is drawn does not depend on the token, which carries the time it was made and so
    differs each time hypothesis replays an example."""
    position = draw(st.integers(0, 10**6)) % len(token)
    how = draw(st.sampled_from(["change", "insert", "remove", "cut"]))
    char = draw(st.characters(codec="utf-8"))
    if how == "cut":
        return token[:position]
    if how == "remove":
        return token[:position] + token[position + 1 :]
    if how == "insert":
        return token[:position] + char + token[position:]
    if char == token[position]:
        char = chr(ord(char) ^ 1)  # its neighbour, never a surrogate
    return token[:position] + char + token[position + 1 :]


@settings(max_examples=150, deadline=None)
@given(purpose=st.sampled_from(PURPOSES), payload=json_values, data=st.data())
def test_a_link_reads_back_its_payload_and_any_altered_link_is_refused(purpose, payload, data):
    token = tokens.make(purpose, payload)
    assert tokens.read(purpose, token) == payload
    other = data.draw(st.sampled_from([p for p in PURPOSES if p != purpose]))
    with pytest.raises(tokens.InvalidToken):
        tokens.read(other, token)
    altered = data.draw(alterations(token))
    assert altered != token
    with pytest.raises(tokens.InvalidToken):
        tokens.read(purpose, altered)


@settings(max_examples=100, deadline=None)
@given(
    public_id=st.text("abcdefghijklmnopqrstuvwxyz0123456789", min_size=1, max_size=32),
    audiences=st.lists(st.integers(1, 10**6), max_size=5),
    data=st.data(),
)
def test_subscriber_links_round_trip_and_refuse_alterations(public_id, audiences, data):
    reader = Subscriber(public_id=public_id)
    link = tokens.confirmation(reader, audiences)
    assert tokens.read_confirmation(link) == {"p": public_id, "a": sorted(audiences)}
    unsubscribe = tokens.subscriber_link(tokens.UNSUBSCRIBE, reader)
    assert tokens.read_subscriber_link(tokens.UNSUBSCRIBE, unsubscribe) == {"p": public_id}
    rights = tokens.data_link(reader)
    assert tokens.data_link_unused(tokens.read_data_link(rights), reader)
    for token, read in (
        (link, tokens.read_confirmation),
        (unsubscribe, lambda t: tokens.read_subscriber_link(tokens.UNSUBSCRIBE, t)),
        (rights, tokens.read_data_link),
    ):
        with pytest.raises(tokens.InvalidToken):
            read(data.draw(alterations(token)))


# The article splitter -----------------------------------------------------------------

VOCABULARY = ["calm", "steady", "breath", "week", "body", "rest", "care", "gentle", "café",
              "naïve", "don’t", "self-kindness", "2026", "Ketamine", "Ruth"]  # fmt: skip
sentences = st.lists(st.sampled_from(VOCABULARY), min_size=1, max_size=30).map(
    lambda words: "The " + " ".join(words) + "."
)
paragraphs = st.lists(sentences, min_size=1, max_size=40).map(" ".join)
lists = st.lists(st.lists(st.sampled_from(VOCABULARY), min_size=1, max_size=8), min_size=1)
blocks = st.one_of(
    paragraphs.map(lambda text: Block("paragraph", text)),
    lists.map(lambda items: Block("list", items=[" ".join(item) for item in items])),
)
headings = st.lists(st.sampled_from(VOCABULARY), min_size=1, max_size=4).map(
    lambda words: "Heading " + " ".join(words)
)
sections = st.builds(
    lambda heading, content: Section(heading, content),
    st.one_of(st.none(), headings),
    st.lists(blocks, min_size=1, max_size=6),
)


def _words(text: str) -> list[str]:
    from newsletter.articles.document import WORD

    return WORD.findall(plain(text))


def _body_words(blocks_: list[Block]) -> list[str]:
    return [w for block in blocks_ if block.kind != "heading" for w in _words(block.plain())]


@settings(max_examples=150, deadline=None)
@given(parts=st.lists(sections, min_size=1, max_size=6), emails=st.none() | st.integers(1, 8))
def test_the_splitter_loses_no_word_and_keeps_headings_and_order(parts, emails):
    article = Article("A title", parts)
    try:
        chunks = splitting.plan(article, emails=emails, frame_words=40)
    except articles.ArticleError:
        assert emails is not None  # only an article too short for the chosen count is refused
        assert emails > sum(len(section.blocks) for section in parts)
        return
    if emails:
        assert len(chunks) == emails
    expected = [w for section in parts for w in _body_words(section.blocks)]
    assert [w for chunk in chunks for w in _body_words(chunk.blocks)] == expected
    written = [section.heading for section in parts if section.heading]
    shown = []
    for chunk in chunks:
        if chunk.heading and not chunk.continued:
            shown.append(chunk.heading)
        shown += [block.text for block in chunk.blocks if block.kind == "heading"]
    assert shown == written


def _markdown(parts: list[Section]) -> str:
    lines = ["# An article about rest", ""]
    for section in parts:
        if section.heading:
            lines += [f"## {section.heading}", ""]
        lines += [block.markdown() for block in section.blocks for _ in (0,)]
        lines.append("")
    return "\n\n".join(lines)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(parts=st.lists(sections, min_size=1, max_size=4))
def test_every_imported_email_is_within_its_word_bounds_or_flagged_and_no_word_is_lost(
    parts, audience
):
    text = _markdown(parts)
    article = articles.read_article(text)
    imported = articles.import_article(text, audience=audience)
    bodies = [w for step in imported.steps for w in _words(step.body)]
    source = iter(bodies)
    expected = [w for s in article.sections for w in _body_words(s.blocks)]
    assert all(word in source for word in expected), "every word arrives, in order"
    for step in imported.steps:
        words = count_words(step.body)
        flagged = [w for w in imported.warnings if w.startswith(f"Email {step.position} is ")]
        assert (splitting.MIN_WORDS <= words <= splitting.MAX_WORDS) != bool(flagged), words


def test_an_article_too_short_for_one_full_email_is_imported_with_a_line_saying_so(audience):
    imported = articles.import_article(
        "A title\n\nOne short paragraph about rest.", audience=audience
    )
    assert len(imported.steps) == 1
    assert any(line.startswith("Email 1 is short (") for line in imported.warnings)
