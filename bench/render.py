"""Milliseconds per email: a cold render (template + premailer) and the cached per-recipient path.

    .venv/bin/python bench/render.py [--recipients 10000] [--cold-runs 20] [--json]

Uses a throwaway SQLite database and the Redis at REDIS_URL (database 0 by default; the
shared render cache entries it writes expire after a day). Prints numbers; asserts nothing.
"""

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DEBUG", "true")
os.environ["VAR_DIR"] = tempfile.mkdtemp(prefix="bench-render-")
os.environ.pop("DATABASE_URL", None)
os.environ.setdefault(
    "ESP", "test"
)  # anymail's test backend: merges like a batch ESP, sends nothing
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsletter.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.utils import timezone  # noqa: E402

from newsletter.mail import emails, readers, rendering  # noqa: E402
from newsletter.management import demo  # noqa: E402
from newsletter.models import Audience, Delivery, Membership, Practice, Subscriber  # noqa: E402
from tests import sample_sequence  # noqa: E402


def setup(recipients: int) -> list[Delivery]:
    call_command("migrate", verbosity=0)
    demo.load_demo()
    audience = Audience.objects.get(slug="ketamine-assisted-therapy")
    step = sample_sequence.sequence(audience).steps.get(position=2)
    now = timezone.now()
    Subscriber.objects.bulk_create(
        Subscriber(
            email=f"r{i}@example.com",
            email_key=f"r{i}@example.com",
            first_name=f"R{i}",
            status="active",
            confirmed_at=now,
        )
        for i in range(recipients)
    )
    subscribers = list(Subscriber.objects.all())
    Membership.objects.bulk_create(Membership(subscriber=s, audience=audience) for s in subscribers)
    Delivery.objects.bulk_create(
        Delivery(subscriber=s, step=step, created_at=now) for s in subscribers
    )
    related = ("subscriber", "step__sequence__audience")
    return list(Delivery.objects.select_related(*related).order_by("pk"))


def per_email_ms(seconds: float, count: int) -> float:
    return round(seconds * 1000 / count, 4)


def timed(function, *args) -> float:
    start = time.perf_counter()
    function(*args)
    return time.perf_counter() - start


def cold(step, practice, runs: int) -> dict:
    context = emails._marketing_context(step, practice)
    first = timed(rendering.render, "marketing", context)
    warm = timed(lambda: [rendering.render("marketing", context) for _ in range(runs)])
    return {"first_render_ms": per_email_ms(first, 1), "cold_render_ms": per_email_ms(warm, runs)}


def personalise_only(deliveries, practice) -> float:
    """Values, substitution, headers and the message object; no database, no cache lookup."""
    source = deliveries[0].step
    audiences = emails.source_audiences(source)
    rendered = emails.marketing_rendering(source, practice)
    why = emails._why(deliveries, audiences)

    zone, bases = practice.default_time_zone, readers.link_bases()  # once a chunk, as sent

    def run():
        for d in deliveries:
            why_this, fallback = why.get(d.subscriber_id), audiences[0].name
            values = readers.recipient_values(d, why_this, fallback, zone, bases)
            headers = {
                **emails.list_headers(audiences, practice),
                **emails.recipient_headers(d, values, practice),
            }
            emails.compose(rendered.fill(values), [d.subscriber.email], practice, headers)

    return timed(run)


def batches(deliveries, size: int = 500) -> float:
    return timed(
        lambda: [
            emails.batch_message(deliveries[i : i + size]) for i in range(0, len(deliveries), size)
        ]
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--recipients", type=int, default=10_000)
    parser.add_argument("--cold-runs", type=int, default=20)
    parser.add_argument("--json", action="store_true")
    options = parser.parse_args()
    deliveries = setup(options.recipients)
    practice = Practice.get()
    result = {
        "recipients": len(deliveries),
        **cold(deliveries[0].step, practice, options.cold_runs),
    }
    n = len(deliveries)
    result["cached_personalise_ms"] = per_email_ms(personalise_only(deliveries, practice), n)
    result["message_for_ms"] = per_email_ms(
        timed(lambda: [emails.message_for(d) for d in deliveries]), n
    )
    sample = deliveries[: min(n, 2000)]
    messages = [emails.message_for(d) for d in sample]
    result["mime_bytes_ms"] = per_email_ms(
        timed(lambda: [m.message().as_bytes() for m in messages]), len(sample)
    )
    with_merge = emails.merge_field_format() is not None
    result["batch_message_ms"] = per_email_ms(batches(deliveries), n) if with_merge else None
    html_bytes = len(messages[0].alternatives[0].content.encode())
    result["html_kb"] = round(html_bytes / 1024, 1)
    print(json.dumps(result) if options.json else report(result))


def report(result: dict) -> str:
    lines = [
        f"recipients:                               {result['recipients']}",
        f"first render in a process (ms):           {result['first_render_ms']}",
        f"cold render, template + premailer (ms):   {result['cold_render_ms']}",
        f"cached per-recipient render (ms/email):   {result['cached_personalise_ms']}",
        f"message_for incl. 2 queries (ms/email):   {result['message_for_ms']}",
        f"batch_message, 500 a call (ms/email):     {result['batch_message_ms']}",
        f"MIME serialisation for SMTP (ms/email):   {result['mime_bytes_ms']}",
        f"HTML size (KB):                           {result['html_kb']}",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
