"""How the standard email policy builds headers: List-Unsubscribe as plain URIs, fast.

The headers that differ per reader (To, Message-ID, List-Unsubscribe) are parsed for every
message sent. Values in the plain forms this site writes are taken as written; anything
else goes through the email package's own parsers.
"""

import re
from email import policy
from email.headerregistry import (
    Address,
    Group,
    HeaderRegistry,
    MessageIDHeader,
    UniqueAddressHeader,
    UnstructuredHeader,
)


class ListUnsubscribeHeader(UnstructuredHeader):
    """Folds between URIs and never into RFC 2047 encoded words.

    Python's email package encodes any word longer than a line (78 characters), and a
    signed unsubscribe URL is longer than that; mail clients then cannot read the header.
    RFC 5322 allows lines of up to 998 characters, so each URI keeps a line of its own.
    """

    @classmethod
    def parse(cls, value, kwds):
        # `fold` below writes the URIs as they are, so the unstructured parse (which looks
        # for RFC 2047 encoded words) has nothing to do.
        kwds["decoded"] = str(value)
        kwds["parse_tree"] = None

    def fold(self, *, policy) -> str:
        uris = [uri.strip() for uri in str(self).split(",") if uri.strip()]
        return f"{self.name}: " + f",{policy.linesep} ".join(uris) + policy.linesep


class _AsWritten:
    """A header whose value was taken as written (it has no parse tree) folds as written."""

    def fold(self, *, policy) -> str:
        if self._parse_tree is None:
            return f"{self.name}: {self}{policy.linesep}"
        return super().fold(policy=policy)


ATEXT = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
DOT_ATOM = rf"{ATEXT}(?:\.{ATEXT})*"
DOMAIN = r"[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63})*"


class PlainMessageIdHeader(_AsWritten, MessageIDHeader):
    """A Message-ID of plain ASCII atoms, as this site makes them, is taken as written.

    Any other value goes through the standard parser, with its checks and defects.
    """

    PLAIN = re.compile(rf"<{DOT_ATOM}@{DOMAIN}>")

    @classmethod
    def parse(cls, value, kwds):
        if isinstance(value, str) and len(value) <= 300 and cls.PLAIN.fullmatch(value):
            kwds["decoded"] = value
            kwds["parse_tree"] = None
        else:
            super().parse(value, kwds)


class PlainToHeader(_AsWritten, UniqueAddressHeader):
    """A To of one plain ASCII address (as subscribers' addresses are kept) is taken as
    written, without the full address parser; any other value goes through it."""

    PLAIN = re.compile(rf"({DOT_ATOM})@({DOMAIN})")

    @classmethod
    def parse(cls, value, kwds):
        found = cls.PLAIN.fullmatch(value) if isinstance(value, str) and len(value) <= 254 else None
        if found is None:
            super().parse(value, kwds)
            return
        kwds["groups"] = [Group(None, [Address("", *found.groups())])]
        kwds["decoded"] = value
        kwds["parse_tree"] = None


class CachingHeaderRegistry(HeaderRegistry):
    """The standard registry, building each header name's class once instead of per header.

    The stock registry creates a new class with type() for every header of every message
    (about 0.7 ms of the 1.8 ms it takes to build one of our emails); the classes hold no
    state, so one per name serves every message.
    """

    def __getitem__(self, name):
        classes = self.__dict__.setdefault("_classes", {})
        key = name.lower()
        if key not in classes:
            classes[key] = super().__getitem__(name)
        return classes[key]

    def map_to_type(self, name, cls):
        self.__dict__.pop("_classes", None)  # a remapped name needs its class rebuilt
        super().map_to_type(name, cls)


def register() -> None:
    """Use the header class in every policy that shares the standard header registry."""
    registry = policy.default.header_factory
    # Django builds messages with the policy objects the email package made at import, so
    # the shared registry object itself is upgraded rather than replaced.
    if type(registry) is HeaderRegistry:
        registry.__class__ = CachingHeaderRegistry
    registry.map_to_type("list-unsubscribe", ListUnsubscribeHeader)
    registry.map_to_type("message-id", PlainMessageIdHeader)
    registry.map_to_type("to", PlainToHeader)
