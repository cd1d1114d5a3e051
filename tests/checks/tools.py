"""Independent checkers run on any list of emails: SpamAssassin, caniemail data, axe-core, size.

Each `*_failures(messages)` returns readable failure lines (empty when all is well), so a
test can point it at any sequence. A missing tool raises ToolMissing, which fails the test:
`make tools` installs them all.
"""

import fnmatch
import json
import re
import shutil
import subprocess
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from django.core.mail import EmailMultiAlternatives

HERE = Path(__file__).resolve().parent
NODE_MODULES = HERE / "node_modules"
AXE = NODE_MODULES / "axe-core" / "axe.min.js"
DOIUSE = NODE_MODULES / "doiuse-email" / "bin" / "cli.js"
ALLOW_LIST = HERE / "doiuse-allow.txt"
CLIENTS = "gmail.*,outlook.*,apple-mail.*"
MAX_SPAM_SCORE = 1.0
MAX_HTML_BYTES = 102 * 1024
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING_IMPACTS = {"serious", "critical"}
SCORE = re.compile(r"^X-Spam-Status: \w+, score=(-?[\d.]+)", re.MULTILINE)
UNSUPPORTED = re.compile(r"^`(.+)` is not supported by `(.+)`$")


class ToolMissing(RuntimeError):
    """A checker is not installed; run `make tools`."""


def require(path: Path | str) -> str:
    found = shutil.which(path) if isinstance(path, str) else (str(path) if path.exists() else None)
    if not found:
        raise ToolMissing(f"{path} is missing: run `make tools` (installs every checker).")
    return found


def sequence_messages(slug: str) -> list[EmailMultiAlternatives]:
    """Every live step of a sequence, as a made-up reader would receive it."""
    from newsletter.mail import previews
    from newsletter.models import Step

    steps = Step.objects.filter(sequence__slug=slug, removed=False).order_by("position")
    return [previews.step_message(slug, step.position) for step in steps]


def html_of(message: EmailMultiAlternatives) -> str:
    return next(content for content, kind in message.alternatives if kind == "text/html")


def name_of(message: EmailMultiAlternatives) -> str:
    return message.subject


# SpamAssassin, local tests only -------------------------------------------------------


def spam_report(message: EmailMultiAlternatives) -> tuple[float, str]:
    spamassassin = require("spamassassin")
    raw = message.message().as_bytes()
    result = subprocess.run(
        [spamassassin, "-L", "-t", "-x"], input=raw, capture_output=True, timeout=120, check=True
    )
    report = result.stdout.decode("utf-8", "replace")
    return float(SCORE.search(report).group(1)), report.split("Content analysis details", 1)[-1]


def spam_failures(messages: list, limit: float = MAX_SPAM_SCORE) -> list[str]:
    with ThreadPoolExecutor(max_workers=4) as pool:
        reports = list(pool.map(spam_report, messages))
    return [
        f"{name_of(message)!r} scores {score} (limit {limit}):{details}"
        for message, (score, details) in zip(messages, reports, strict=True)
        if score > limit
    ]


# caniemail data through doiuse-email ---------------------------------------------------


@dataclass(frozen=True)
class Allowed:
    feature: str
    clients: tuple[str, ...]
    reason: str

    def covers(self, feature: str, client: str) -> bool:
        return feature == self.feature and any(fnmatch.fnmatch(client, c) for c in self.clients)


def allow_list(path: Path = ALLOW_LIST) -> list[Allowed]:
    entries = []
    for line in path.read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            feature, clients, reason = (part.strip() for part in line.split("|", 2))
            entries.append(Allowed(feature, tuple(c.strip() for c in clients.split(",")), reason))
    return entries


def doiuse_errors(html: str) -> list[str]:
    node, cli = require("node"), require(DOIUSE)
    with tempfile.NamedTemporaryFile("w", suffix=".html") as page:
        page.write(html)
        page.flush()
        # The CLI exits 0 even when it finds errors: its JSON says what it found.
        result = subprocess.run(
            [node, cli, "-e", CLIENTS, page.name], capture_output=True, timeout=120, check=True
        )
    return json.loads(result.stdout)["errors"]


def is_allowed(error: str, allowed: list[Allowed]) -> bool:
    match = UNSUPPORTED.match(error)
    return bool(match) and any(entry.covers(*match.groups()) for entry in allowed)


def client_support_failures(messages: list) -> list[str]:
    allowed = allow_list()
    with ThreadPoolExecutor(max_workers=4) as pool:
        found = list(pool.map(doiuse_errors, [html_of(m) for m in messages]))
    return [
        f"{name_of(message)!r}: {error}"
        for message, errors in zip(messages, found, strict=True)
        for error in sorted(set(errors))
        if not is_allowed(error, allowed)
    ]


# Size ------------------------------------------------------------------------------------


def size_failures(messages: list, limit: int = MAX_HTML_BYTES) -> list[str]:
    return [
        f"{name_of(m)!r} has {len(html_of(m).encode())} bytes of HTML (Gmail clips at {limit})"
        for m in messages
        if len(html_of(m).encode()) >= limit
    ]


# axe-core in Chromium ----------------------------------------------------------------------


def axe_violations(page) -> list[str]:
    """Serious or critical WCAG 2.1 A/AA violations on the page as it is now."""
    # Evaluated through the browser's debugging channel, which the pages' CSP does not govern
    # (a <script> tag of ours would be refused by it, as any injected script should be).
    page.evaluate(Path(require(AXE)).read_text())
    results = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']]}"
        for v in results["violations"]
        if v["impact"] in BLOCKING_IMPACTS
    ]


def accessibility_failures(browser, messages: list) -> list[str]:
    """Each email's HTML, in light and dark colour schemes, as a phone and a desktop show it."""
    failures = []
    for scheme, width in (("light", 800), ("dark", 390)):
        page = browser.new_page(color_scheme=scheme, viewport={"width": width, "height": 900})
        for message in messages:
            page.set_content(html_of(message))
            failures += [f"{name_of(message)!r} ({scheme}): {v}" for v in axe_violations(page)]
        page.close()
    return failures
