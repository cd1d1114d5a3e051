"""A local SMTP sink for the benchmarks: accepts every message and counts it, nothing more.

python bench/smtp_sink.py --port 2525
"""

import argparse
import asyncio

from aiosmtpd.smtp import SMTP


class Counter:
    def __init__(self):
        self.count = 0

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        return "250 OK"


async def serve(host: str, port: int) -> None:
    handler = Counter()
    loop = asyncio.get_running_loop()
    server = await loop.create_server(lambda: SMTP(handler), host, port)
    print(f"listening on {host}:{server.sockets[0].getsockname()[1]}", flush=True)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=2525)
    args = parser.parse_args()
    asyncio.run(serve(args.host, args.port))
