"""The Celery application: a Redis broker and a fixed beat schedule."""

import os

from celery import Celery, signals
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsletter.settings")

app = Celery("newsletter")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks(["newsletter"])
app.conf.beat_schedule = {
    # Beat's own heartbeat, a metric: a silent beat raises an alert, not a readiness failure.
    "beat-heartbeat": {"task": "newsletter.tasks.beat_heartbeat", "schedule": 60.0},
    "end-expired-pauses": {"task": "newsletter.tasks.end_expired_pauses", "schedule": 300.0},
    # Due work lives in the database; this pass finds it (and anything a crash left behind).
    "send-due": {"task": "newsletter.tasks.send_due", "schedule": 60.0},
    # Webhook messages wait in the database; this pass sends those due (first try or retry).
    "send-webhooks": {"task": "newsletter.tasks.send_webhooks", "schedule": 60.0},
    # A confirmation whose task a broker outage lost is sent again from the database.
    "resend-lost-confirmations": {
        "task": "newsletter.tasks.resend_lost_confirmations",
        "schedule": 300.0,
    },
    # An imported list's confirmations go out within their own hourly budget.
    "send-import-confirmations": {
        "task": "newsletter.tasks.send_import_confirmations",
        "schedule": 600.0,
    },
    "delete-old-import-reports": {
        "task": "newsletter.tasks.delete_old_import_reports",
        "schedule": crontab(hour=3, minute=45),
    },
    # Requests never confirmed within PENDING_RETENTION_DAYS are deleted, daily at 03:30 UTC.
    "delete-unconfirmed-requests": {
        "task": "newsletter.tasks.delete_unconfirmed_requests",
        "schedule": crontab(hour=3, minute=30),
    },
    # Send detail older than DETAIL_RETENTION_DAYS is folded into per-email counts, daily.
    "fold-old-detail": {
        "task": "newsletter.tasks.fold_old_detail",
        "schedule": crontab(hour=3, minute=45),
    },
    # Alerts to the practice (self-paused sending, spam complaints, a silent provider).
    "check-alerts": {"task": "newsletter.tasks.check_alerts", "schedule": 900.0},
    # Hourly: the Monday summary goes once Monday morning comes in the practice's time zone.
    "check-weekly-summary": {
        "task": "newsletter.tasks.check_weekly_summary",
        "schedule": crontab(minute=5),
    },
}


@signals.setup_logging.connect
def use_django_logging(**kwargs) -> None:
    """Workers and beat log through settings.LOGGING (JSON lines in production), which
    Django has usually configured already; Celery then leaves logging alone."""
    import logging
    from logging.config import dictConfig

    from django.conf import settings

    if not logging.getLogger().handlers:
        dictConfig(settings.LOGGING)


@signals.beat_init.connect
def first_heartbeat(**kwargs) -> None:
    """Beat records its heartbeat as it starts, then every minute (the beat-heartbeat task)."""
    from newsletter.observability import counters

    counters.heartbeat()
