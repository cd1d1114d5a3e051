"""The /metrics page: Prometheus text, counters from Redis and gauges read from the database.

Gauges are read at scrape time, so what any worker did shows in any web process. Every
name starts `newsletter_`; no label names a person, an address or an audience.
"""

import logging
import time
from datetime import datetime

from django.db.models import Count, Min, Q
from django.utils import timezone
from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.core import (
    CounterMetricFamily,
    GaugeMetricFamily,
    HistogramMetricFamily,
)

from ..models import Delivery, Enrollment, Sequence, Subscriber
from . import counters

logger = logging.getLogger(__name__)

# name (without _total) -> (help, label names); every count() in the code uses one of these.
COUNTERS = {
    "newsletter_emails_sent": ("Emails handed to the transport, by kind.", ["kind"]),
    "newsletter_emails_failed": ("Emails that failed for good, by kind.", ["kind"]),
    "newsletter_emails_skipped": (
        "Emails not sent because the reader or sender stopped, by kind.",
        ["kind"],
    ),
    "newsletter_emails_retried": ("Transient send failures to be retried, by kind.", ["kind"]),
    "newsletter_provider_events": ("Tracking events from the ESP, by type.", ["type"]),
    "newsletter_subscribes": ("Subscribe requests recorded (double opt-in pending).", []),
    "newsletter_confirmations": ("Subscriptions confirmed through the email link.", []),
    "newsletter_unsubscribes": ("Unsubscribes, by channel.", ["channel"]),
    "newsletter_rate_limit_waits": ("Times a worker waited for the shared send rate.", []),
    "newsletter_rate_limit_wait_seconds": ("Seconds workers waited for the send rate.", []),
}
HISTOGRAMS = {
    "newsletter_send_latency_seconds": "Seconds from a row being due (dispatched) to its send.",
}
KINDS = ("sequence_step", "broadcast")


def due_backlog(now: datetime) -> tuple[dict[str, int], float]:
    """Due work not yet sent, by kind, and the age in seconds of the oldest piece of it."""
    due = Enrollment.objects.filter(
        status=Enrollment.Status.ACTIVE,
        next_send_at__lte=now,
        sequence__status=Sequence.Status.ACTIVE,
        subscriber__status=Subscriber.Status.ACTIVE,
    )
    # Queued rows that a pause holds (next_attempt_at null) are not a backlog.
    waiting = Delivery.objects.filter(
        status__in=[Delivery.Status.QUEUED, Delivery.Status.SENDING]
    ).exclude(status=Delivery.Status.QUEUED, next_attempt_at__isnull=True)
    rows = waiting.aggregate(
        steps=Count("pk", filter=Q(step__isnull=False)),
        broadcasts=Count("pk", filter=Q(broadcast__isnull=False)),
        oldest=Min("created_at"),
    )
    oldest_due = due.aggregate(oldest=Min("next_send_at"))["oldest"]
    backlog = {"sequence_step": due.count() + rows["steps"], "broadcast": rows["broadcasts"]}
    moments = [moment for moment in (oldest_due, rows["oldest"]) if moment]
    age = max(0.0, (now - min(moments)).total_seconds()) if moments else 0.0
    return backlog, age


class Collector:
    """Reads everything at scrape time; a Redis outage leaves only the database gauges."""

    def collect(self):
        yield from self._gauges()
        try:
            series = counters.read_counters()
            histograms = {name: counters.read_histogram(name) for name in HISTOGRAMS}
            heartbeat = counters.read_heartbeat()
        except Exception as error:  # noqa: BLE001 (a scrape still shows the database gauges)
            logger.warning("Metrics counters unreadable: Redis is unreachable (%s)", error)
            return
        yield from self._counters(series)
        yield from self._histograms(histograms)
        beat = GaugeMetricFamily(
            "newsletter_beat_last_heartbeat_timestamp_seconds",
            "Unix time of celery beat's latest heartbeat task (0: never seen).",
        )
        beat.add_metric([], heartbeat or 0.0)
        yield beat

    def _gauges(self):
        backlog, age = due_backlog(timezone.now())
        due = GaugeMetricFamily(
            "newsletter_due_backlog", "Emails due and not yet sent, by kind.", labels=["kind"]
        )
        for kind in KINDS:
            due.add_metric([kind], backlog[kind])
        yield due
        yield GaugeMetricFamily(
            "newsletter_oldest_due_age_seconds",
            "Seconds the oldest due, unsent email has been waiting (0: nothing waiting).",
            value=age,
        )
        yield GaugeMetricFamily(
            "newsletter_scrape_timestamp_seconds", "Unix time of this scrape.", value=time.time()
        )

    def _counters(self, series):
        for name, (documentation, labels) in COUNTERS.items():
            family = CounterMetricFamily(name, documentation, labels=labels)
            for values, amount in sorted(series.get(name, []), key=lambda s: sorted(s[0].items())):
                family.add_metric([values.get(label, "") for label in labels], amount)
            yield family

    def _histograms(self, histograms):
        for name, documentation in HISTOGRAMS.items():
            stored = histograms[name]
            buckets = [
                (str(float(bound)), stored.get(str(bound), 0.0))
                for bound in counters.LATENCY_BUCKETS
            ]
            buckets.append(("+Inf", stored.get("+Inf", 0.0)))
            family = HistogramMetricFamily(name, documentation)
            family.add_metric([], buckets, sum_value=stored.get("sum", 0.0))
            yield family


def render() -> bytes:
    registry = CollectorRegistry(auto_describe=False)
    registry.register(Collector())
    return generate_latest(registry)
