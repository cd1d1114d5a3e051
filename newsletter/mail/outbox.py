"""An email backend that writes each message as an .eml file, for a first run without a provider."""

import uuid
from pathlib import Path

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


def list_messages(directory: Path) -> list[Path]:
    if not directory.is_dir():
        return []
    return sorted(directory.glob("*.eml"), reverse=True)
