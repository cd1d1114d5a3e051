"""A local SMTP sink for the benchmarks: accepts every message and counts it, nothing more.

With `--record FILE` it also appends one line per accepted message, "Message-ID<TAB>recipient"
for each recipient, flushed before the 250 reply, so a killed client's last message is known.

python bench/smtp_sink.py --port 2525 [--record FILE]
"""

import argparse
import asyncio
from email.parser import BytesHeaderParser

from aiosmtpd.smtp import SMTP


class Counter:
    def __init__(self, record: str | None = None):
        self.count = 0
        self.file = open(record, "a", buffering=1) if record else None  # noqa: SIM115
        self.parser = BytesHeaderParser()

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        if self.file:
            message_id = self.parser.parsebytes(envelope.content).get("Message-ID", "")
            for recipient in envelope.rcpt_tos:
                self.file.write(f"{message_id.strip()}\t{recipient}\n")
            self.file.flush()
        return "250 OK"


async def serve(host: str, port: int, record: str | None = None) -> None:
    handler = Counter(record)
    loop = asyncio.get_running_loop()
    server = await loop.create_server(lambda: SMTP(handler), host, port)
    print(f"listening on {host}:{server.sockets[0].getsockname()[1]}", flush=True)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=2525)
    parser.add_argument("--record", help="append 'Message-ID<TAB>recipient' lines to this file")
    args = parser.parse_args()
    asyncio.run(serve(args.host, args.port, args.record))
