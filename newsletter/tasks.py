"""Thin Celery tasks over the domain functions; each takes ids and is safe to run twice."""

from celery import shared_task

from . import emails, subscriptions
from .models import Subscriber


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_confirmation(subscriber_id: int, audience_ids: list[int]) -> None:
    subscriber = Subscriber.objects.filter(pk=subscriber_id).first()
    if subscriber is None or subscriber.status in subscriptions.NEVER_MAIL:
        return
    emails.confirmation(subscriber, audience_ids).send(using="default")


@shared_task
def end_expired_pauses() -> int:
    return subscriptions.end_expired_pauses()
