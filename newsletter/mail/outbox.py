"""An email backend that writes each message as an .eml file, for a first run without a provider."""

import uuid
from collections.abc import Iterable
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path

from django.conf import settings
from django.core.mail.backends.base import BaseEmailBackend
from django.utils import timezone


class EmailBackend(BaseEmailBackend):
    def __init__(self, directory: str, **kwargs):
        super().__init__(**kwargs)
        self.directory = Path(directory)

    def send_messages(self, email_messages) -> int:
        self.directory.mkdir(parents=True, exist_ok=True)
        for message in email_messages:
            name = f"{timezone.now():%Y%m%d-%H%M%S}-{uuid.uuid4().hex[:8]}.eml"
            (self.directory / name).write_bytes(as_eml(message))
        return len(email_messages)


def as_eml(message) -> bytes:
    """The message as a mail client would save it (CRLF line endings)."""
    parsed = message.message()
    return parsed.as_bytes(policy=parsed.policy.clone(linesep="\r\n"))


def directory() -> Path:
    """Where the outbox is (also when another transport is in use now: files from before)."""
    options = settings.MAILERS["default"].get("OPTIONS", {})
    return Path(options.get("directory", settings.VAR_DIR / "outbox"))


def list_messages(directory: Path) -> list[Path]:
    if not directory.is_dir():
        return []
    return sorted(directory.glob("*.eml"), reverse=True)


def parse(path: Path) -> EmailMessage:
    with path.open("rb") as handle:
        return BytesParser(policy=policy.default).parse(handle)


def forget(addresses: Iterable[str]) -> int:
    """Delete every outbox file that names one of these addresses; returns how many."""
    wanted = {address.casefold() for address in addresses if address}
    removed = 0
    for path in list_messages(directory()) if wanted else []:
        if _names_any(path, wanted):
            path.unlink(missing_ok=True)
            removed += 1
    return removed


def _names_any(path: Path, wanted: set[str]) -> bool:
    """True when the headers, a text part or the raw file mention one of `wanted`."""
    message = parse(path)
    texts = [str(value) for value in message.values()]
    for part in message.walk():
        if part.get_content_maintype() == "text":
            texts.append(part.get_content())
    texts.append(path.read_bytes().decode("utf-8", "replace"))
    found = "\n".join(texts).casefold()
    return any(address in found for address in wanted)
