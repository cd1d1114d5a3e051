"""How an email object becomes MIME: Django's build, with what readers share done once.

A newsletter goes to thousands of readers with the same From, Subject, List-Id and content
headers and nearly the same bodies. Python's email package parses every header of every
message and quoted-printable-encodes each body in pure Python; together that is most of
the time a message takes to build. `Email.message()` builds the same message through two
of the email package's own extension points (a policy's `header_factory` and
`content_manager`): parsed headers are kept and reused, and bodies are encoded by
`binascii` (C). Structure, headers and decoded content are what Django builds.
"""

import binascii
import email.charset
import email.policy
import functools
from datetime import datetime
from email.contentmanager import ContentManager, raw_data_manager

from django.core.mail import EmailMultiAlternatives


class SharedHeaders:
    """A header factory that parses each distinct (name, value) once.

    Parsed headers are immutable, so one object serves every message that has the header.
    Values that differ per reader (To, Message-ID, List-Unsubscribe) still parse each time;
    the store is emptied when it reaches `size` entries, so memory stays flat.
    """

    def __init__(self, factory, size: int = 1024):
        self.factory = factory
        self.size = size
        self.parsed: dict[tuple, object] = {}

    def __getitem__(self, name):
        return self.factory[name]  # the header's class (policies read its max_count)

    def __call__(self, name, value):
        if isinstance(value, datetime):
            # A Date header: shared within a second (and offset, which equal instants ignore).
            value = value.replace(microsecond=0)
            key = (name, value, value.utcoffset())
        elif type(value) is str:
            key = (name, value)
        else:
            return self.factory(name, value)
        header = self.parsed.get(key)
        if header is None:
            header = self.factory(name, value)
            if len(self.parsed) >= self.size:
                self.parsed.clear()
            self.parsed[key] = header
        return header


class FastTextBodies(ContentManager):
    """The standard content manager, encoding quoted-printable text bodies with binascii.

    It chooses the transfer encoding as the standard manager does (7bit or 8bit when every
    line fits, otherwise quoted-printable or base64, whichever the first lines make
    shorter); only the quoted-printable encoding itself is done differently. That encoding
    works line by line, so each encoded line is kept (up to `size` lines of at most
    `longest` bytes): readers of one email differ in a few lines (greeting, links), and only
    those are encoded per reader. The bytes are exactly those `binascii.b2a_qp` makes of the
    whole body.
    """

    def __init__(self, size: int = 4096, longest: int = 1024):
        super().__init__()
        self.size, self.longest = size, longest
        self.encoded: dict[bytes, bytes] = {}

    def get_content(self, msg, *args, **kw):
        return raw_data_manager.get_content(msg, *args, **kw)

    def set_content(self, msg, obj, *args, **kw):
        if isinstance(obj, str) and not args and set(kw) <= {"subtype", "charset"}:
            charset = kw.get("charset", "utf-8")
            data = obj.encode(charset)
            lines = data.splitlines()
            if _quoted_printable(data, lines, msg.policy):
                if msg.get_content_maintype() == "multipart":
                    raise TypeError("set_content not valid on multipart")
                msg.clear_content()
                alias = email.charset.ALIASES.get(charset, charset)
                msg["Content-Type"] = f'text/{kw.get("subtype", "plain")}; charset="{alias}"'
                msg.set_payload(self._encode(lines))
                msg["Content-Transfer-Encoding"] = "quoted-printable"
                return
        raw_data_manager.set_content(msg, obj, *args, **kw)

    def _encode(self, lines: list[bytes]) -> str:
        lines = lines or [b""]
        encoded = self.encoded
        pieces = [encoded.get(line) for line in lines]
        if None in pieces:
            if len(encoded) >= self.size:
                encoded.clear()
            for index, piece in enumerate(pieces):
                if piece is None:
                    line = lines[index]
                    # Encoded with its line break, as it is inside the whole body.
                    pieces[index] = binascii.b2a_qp(line + b"\n", istext=True)
                    if len(line) <= self.longest:
                        encoded[line] = pieces[index]
        return b"".join(pieces).decode("ascii")


def _quoted_printable(data: bytes, lines: list[bytes], policy) -> bool:
    """Whether the standard manager would pick quoted-printable for this text."""
    if max(map(len, lines), default=0) <= policy.max_line_length:
        if data.isascii() or policy.cte_type == "8bit":
            return False  # sent as written, 7bit or 8bit
    linesep = policy.linesep.encode("ascii")
    sniff = linesep.join(lines[:10]) + linesep
    return len(binascii.b2a_qp(sniff, istext=True)) <= len(binascii.b2a_base64(sniff))


@functools.lru_cache(maxsize=16)
def sharing(policy):
    """`policy` with shared parsed headers and C-encoded bodies."""
    return policy.clone(
        header_factory=SharedHeaders(policy.header_factory), content_manager=FastTextBodies()
    )


class Email(EmailMultiAlternatives):
    """Every email the practice sends: Django's message, built through `sharing()`."""

    def message(self, *, policy=email.policy.default):
        return super().message(policy=sharing(policy))
