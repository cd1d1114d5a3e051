"""A loopback server that speaks Mailgun's messages endpoint, for `batch.py`.

    python bench/mailgun_mock.py --port 28600 --unsubscribe-prefix http://127.0.0.1:8000/unsubscribe/

POST /v3/<domain>/messages takes a form (multipart or urlencoded, as Mailgun does) with
`from`, `to` (repeated), `subject`, `text` / `html`, `h:` headers, `v:` variables and
`recipient-variables` (JSON by recipient). Each `to` is one email: as Mailgun does for a
batch send, every `%recipient.KEY%` in the bodies and headers is replaced by that
recipient's value. For every recipient it counts the emails and keeps the unsubscribe link
in their HTML body and the web link in their List-Unsubscribe header. It answers
200 {"id": "<...>", "message": "Queued. Thank you."}, or 400 {"message": ...} for a form
Mailgun would refuse. GET /report gives what it saw as JSON; POST /reset forgets it.
"""

import argparse
import json
import re
import socket
import threading
from email.parser import BytesParser
from email.policy import HTTP
from email.utils import getaddresses
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

VARIABLE = re.compile(r"%recipient\.([^%\s]+)%")
HEADER_URL = re.compile(r"<(https?://[^>]+)>")


class Seen:
    def __init__(self, unsubscribe_prefix: str):
        self.lock = threading.Lock()
        self.link = re.compile(re.escape(unsubscribe_prefix) + r"[^\"'<>\s]*")
        self.reset()

    def reset(self) -> None:
        self.calls = 0
        self.recipients: dict[str, list] = {}  # address: [emails, body link, header link]

    def take(self, form: dict[str, list[str]]) -> int:
        """Record one API call's emails; the number of recipients it carried."""
        variables = json.loads(form.get("recipient-variables", ["{}"])[0] or "{}")
        html = form.get("html", [""])[0]
        header = form.get("h:List-Unsubscribe", [""])[0]
        found = []
        for _, address in getaddresses(form["to"]):
            values = variables.get(address, {})

            def value(match, values=values):
                return str(values.get(match.group(1), match.group(0)))

            body_links = self.link.findall(VARIABLE.sub(value, html))
            header_links = HEADER_URL.findall(VARIABLE.sub(value, header))
            found.append((address, sorted(set(body_links)), header_links[:1]))
        with self.lock:
            self.calls += 1
            for address, body_links, header_links in found:
                entry = self.recipients.setdefault(address, [0, [], []])
                entry[0] += 1
                entry[1], entry[2] = body_links, header_links
        return len(found)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as api.mailgun.net
    seen: Seen

    def setup(self) -> None:
        super().setup()
        # Headers and body leave in two writes; without this, Nagle's algorithm holds the
        # second until the client's delayed ACK (40 ms a call).
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def do_POST(self) -> None:  # noqa: N802 (http.server's name)
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        if self.path == "/reset":
            self.seen.reset()
            return self.answer(200, {"message": "reset"})
        parts = self.path.strip("/").split("/")
        if len(parts) != 3 or parts[0] != "v3" or parts[2] != "messages":
            return self.answer(404, {"message": "Mailgun Magnificent API"})
        form = parse_form(self.headers.get("Content-Type", ""), body)
        missing = [name for name in ("from", "to", "subject") if not form.get(name)]
        if not (form.get("text") or form.get("html")):
            missing.append("text or html")
        if missing:
            return self.answer(400, {"message": f"'{missing[0]}' parameter is missing"})
        self.seen.take(form)
        message_id = f"<bench.{self.seen.calls}@{parts[1]}>"
        return self.answer(200, {"id": message_id, "message": "Queued. Thank you."})

    def do_GET(self) -> None:  # noqa: N802
        if self.path != "/report":
            return self.answer(404, {"message": "not found"})
        with self.seen.lock:
            report = {"calls": self.seen.calls, "recipients": self.seen.recipients}
            return self.answer(200, report)

    def answer(self, status: int, payload: dict) -> None:
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args) -> None:
        pass


def parse_form(content_type: str, body: bytes) -> dict[str, list[str]]:
    """A form's fields, each a list of values, from multipart/form-data or urlencoded."""
    if not content_type.startswith("multipart/"):
        return parse_qs(body.decode(), keep_blank_values=True)
    head = f"Content-Type: {content_type}\r\n\r\n".encode()
    message = BytesParser(policy=HTTP).parsebytes(head + body)
    form: dict[str, list[str]] = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        if part.get_filename() is None:  # attachments are not needed here
            form.setdefault(name, []).append(part.get_content())
    return form


def serve(port: int, unsubscribe_prefix: str) -> None:
    Handler.seen = Seen(unsubscribe_prefix)
    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    server.daemon_threads = True
    server.serve_forever()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--unsubscribe-prefix", required=True)
    args = parser.parse_args()
    serve(args.port, args.unsubscribe_prefix)
