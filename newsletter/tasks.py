"""Thin Celery tasks over the domain functions; each takes ids and is safe to run twice."""

from datetime import datetime

from celery import shared_task

from .alerts import raising, weekly
from .delivery import dispatch, retention, sending
from .integrations import webhooks
from .observability import counters
from .subscribers import confirmations, data_links, data_rights, imports, subscriptions


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_confirmation(subscriber_id: int, audience_ids: list[int]) -> bool:
    return confirmations.send(subscriber_id, audience_ids)


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_data_link(subscriber_id: int) -> bool:
    return data_links.send(subscriber_id)


@shared_task
def resend_lost_confirmations() -> int:
    return confirmations.resend_lost()


@shared_task
def end_expired_pauses() -> int:
    return subscriptions.end_expired_pauses()


@shared_task
def delete_unconfirmed_requests() -> int:
    return data_rights.delete_unconfirmed()


@shared_task
def fold_old_detail() -> int:
    return retention.fold_old_detail()


@shared_task
def run_import(import_id: int) -> int:
    return imports.run(import_id)


@shared_task
def send_import_confirmations() -> int:
    return imports.send_confirmations()


@shared_task
def delete_old_import_reports() -> int:
    return imports.delete_old_reports()


@shared_task
def send_due(now: str | None = None) -> int:
    """Beat runs this every minute; retries need no task state (the ledger holds them)."""
    return dispatch.send_due(_when(now)).dispatched


@shared_task
def beat_heartbeat() -> bool:
    """Beat's heartbeat, every minute: the time it last ran, read by /metrics."""
    counters.heartbeat()
    return True


@shared_task
def send_batch(delivery_ids: list[int], now: str | None = None, queued_at: float = 0) -> int:
    moment = sending.claim_time(_when(now), queued_at)
    return len(sending.send_batch(delivery_ids, moment).sent)


@shared_task
def send_webhooks() -> int:
    return webhooks.sweep()


@shared_task
def send_webhook(message_id: int) -> str | None:
    return webhooks.deliver(message_id)


def _when(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


@shared_task
def check_alerts() -> int:
    return raising.check()


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_alert(key: str) -> bool:
    return raising.send(key)


@shared_task
def check_weekly_summary() -> bool:
    return weekly.send_if_due()
