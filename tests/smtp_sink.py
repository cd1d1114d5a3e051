"""A real SMTP server (aiosmtpd) on a free port that records what it accepts, for tests."""

import asyncio
import logging
import threading
from email import message_from_bytes
from email.message import Message

from aiosmtpd.smtp import SMTP

logging.getLogger("mail.log").setLevel(logging.WARNING)  # one line per SMTP command otherwise


class Recorder:
    """aiosmtpd handler: keeps every accepted message; refuses recipients by prefix.

    Addresses starting with "reject" get a permanent 550, "later" a transient 451.
    `delay` slows each DATA reply, so a test can kill a worker in the middle of a chunk.
    """

    def __init__(self, delay: float = 0.0):
        self.messages: list[Message] = []
        self.delay = delay
        self.handed_over: list[str] = []
        self.refuse_later = True  # set False to let "later..." addresses through
        self.lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.startswith("reject"):
            return "550 5.1.1 No such user here"
        if address.startswith("later") and self.refuse_later:
            return "451 4.3.0 Try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        # The whole message is in the transport's hands now, whether or not the client
        # lives to read the 250 reply.
        with self.lock:
            self.handed_over.append(message_from_bytes(envelope.content)["Message-ID"])
        if self.delay:
            await asyncio.sleep(self.delay)
        with self.lock:
            self.messages.append(message_from_bytes(envelope.content))
        return "250 Message accepted for delivery"

    def message_ids(self) -> list[str]:
        with self.lock:
            return [message["Message-ID"] for message in self.messages]


class Sink:
    """Runs the server in a background thread; `port` is chosen by the OS."""

    def __init__(self, delay: float = 0.0):
        self.recorder = Recorder(delay)
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)

    def start(self) -> "Sink":
        self.thread.start()
        future = asyncio.run_coroutine_threadsafe(self._serve(), self.loop)
        self.server = future.result(timeout=10)
        self.port = self.server.sockets[0].getsockname()[1]
        return self

    async def _serve(self):
        return await self.loop.create_server(
            lambda: SMTP(self.recorder, hostname="sink.test"), "127.0.0.1", 0
        )

    def stop(self) -> None:
        self.loop.call_soon_threadsafe(self.server.close)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(timeout=10)

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    def mailer(self) -> dict:
        options = {"host": "127.0.0.1", "port": self.port, "timeout": 10}
        return {
            "default": {
                "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                "OPTIONS": options,
            }
        }
