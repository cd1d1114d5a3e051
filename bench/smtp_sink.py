"""A local SMTP sink for the benchmarks: accepts every message and counts it, nothing more.

python bench/smtp_sink.py --port 2525 [--record recipients.txt]

With --record, each accepted message's recipients are appended to the file, one a line,
so a benchmark can check who got mail.
"""

import argparse
import asyncio

from aiosmtpd.smtp import SMTP


class Counter:
    def __init__(self, record: str | None = None):
        self.count = 0
        self.record = open(record, "a", buffering=1) if record else None  # noqa: SIM115

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        if self.record:
            self.record.write("".join(f"{rcpt}\n" for rcpt in envelope.rcpt_tos))
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
    parser.add_argument("--record", help="append each message's recipients to this file")
    args = parser.parse_args()
    asyncio.run(serve(args.host, args.port, args.record))
