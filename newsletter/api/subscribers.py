"""API: subscribers: list, read, add, change, pause, unsubscribe, erase and export."""

import base64
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from ..integrations import api_tokens
from ..models import Audience, Subscriber
from ..subscribers import attested, data_rights, subscriptions
from .auth import need
from .problems import ERRORS, ProblemError, utc

router = Router(tags=["subscribers"])
READ, WRITE = "subscribers:read", "subscribers:write"


class SubscriberOut(Schema):
    id: str
    email: str
    first_name: str
    status: str
    time_zone: str
    audiences: list[str]
    created_at: datetime
    confirmed_at: datetime | None
    paused_until: datetime | None


class Page(Schema):
    items: list[SubscriberOut]
    next_cursor: str | None


class Filters(Schema):
    status: Subscriber.Status | None = None
    audience: str | None = Field(None, max_length=50)
    changed_since: datetime | None = None
    cursor: str | None = Field(None, max_length=40)
    limit: int = Field(50, ge=1, le=200)


class NewSubscriber(Schema):
    email: str = Field(max_length=254)
    first_name: str = Field("", max_length=100)
    audience: str | None = Field(None, max_length=50)
    time_zone: str = Field("", max_length=64)
    consent: bool = False
    attestation: str | None = Field(None, max_length=2000)


class Changes(Schema):
    first_name: str | None = Field(None, max_length=100)
    time_zone: str | None = Field(None, max_length=64)
    audiences: list[str] | None = Field(None, max_length=50)


class PauseIn(Schema):
    weeks: int


class Accepted(Schema):
    status: str
    detail: str


def out(subscriber: Subscriber) -> SubscriberOut:
    return SubscriberOut(
        id=subscriber.public_id,
        email=subscriber.email,
        first_name=subscriber.first_name,
        status=subscriber.status,
        time_zone=subscriber.time_zone,
        audiences=sorted(a.slug for a in subscriber.audiences.all()),
        created_at=subscriber.created_at,
        confirmed_at=subscriber.confirmed_at,
        paused_until=subscriber.paused_until,
    )


def _found(public_id: str) -> Subscriber:
    subscriber = Subscriber.objects.filter(public_id=public_id).first()
    if subscriber is None:
        raise ProblemError(404, "No subscriber has this id.")
    return subscriber


def _audience(slug: str | None) -> Audience | None:
    if slug is None:
        return None
    audience = Audience.objects.filter(slug=slug).first()
    if audience is None:
        raise ProblemError(422, f"There is no audience {slug!r}.")
    return audience


def _cursor(value: str | None) -> int:
    if not value:
        return 0
    try:
        return int(base64.urlsafe_b64decode(value.encode() + b"==").decode())
    except (ValueError, UnicodeDecodeError):
        raise ProblemError(422, "The cursor is not one this API gave out.") from None


def _message(problem: ValidationError) -> str:
    return " ".join(problem.messages)


@router.get("", response={200: Page, **ERRORS}, summary="List subscribers, oldest first")
def list_subscribers(request: HttpRequest, filters: Query[Filters]):
    need(request, READ)
    rows = Subscriber.objects.order_by("pk").filter(pk__gt=_cursor(filters.cursor))
    if filters.status:
        rows = rows.filter(status=filters.status)
    if filters.audience is not None:
        rows = rows.filter(membership__audience=_audience(filters.audience))
    if filters.changed_since:
        since = utc(filters.changed_since)
        rows = rows.filter(Q(created_at__gte=since) | Q(consent_events__created_at__gte=since))
    page = list(rows.distinct().prefetch_related("audiences")[: filters.limit + 1])
    more = len(page) > filters.limit
    page = page[: filters.limit]
    cursor = base64.urlsafe_b64encode(str(page[-1].pk).encode()).decode() if more else None
    return Page(items=[out(s) for s in page], next_cursor=cursor)


@router.get("/{public_id}", response={200: SubscriberOut, **ERRORS}, summary="One subscriber")
def read_subscriber(request: HttpRequest, public_id: str):
    need(request, READ)
    return out(_found(public_id))


@router.post(
    "",
    response={201: SubscriberOut, 202: Accepted, **ERRORS},
    summary="Add a subscriber: double opt-in, or an import with an attestation",
)
def create_subscriber(request: HttpRequest, body: NewSubscriber):
    token = need(request, WRITE)
    audience = _audience(body.audience)
    channel = api_tokens.channel(token)
    try:
        if body.attestation is not None:
            found = attested.import_attested(
                body.email, body.attestation, channel, audience, body.first_name, body.time_zone
            )
            if found is None:
                raise ProblemError(409, "This address may not be mailed again.")
            return Status(201, out(found))
        ask = subscriptions.SubscribeRequest(
            email=body.email,
            consent=body.consent,
            first_name=body.first_name,
            audience=audience,
            time_zone=body.time_zone,
            channel=channel,
        )
        subscriptions.subscribe(ask, subscriptions.Client())
    except ValidationError as problem:
        raise ProblemError(422, _message(problem)) from None
    waiting = Accepted(status="pending", detail="A confirmation email asks them to confirm.")
    return Status(202, waiting)


@router.patch("/{public_id}", response={200: SubscriberOut, **ERRORS}, summary="Change one")
def update_subscriber(request: HttpRequest, public_id: str, body: Changes):
    token = need(request, WRITE)
    subscriber = _found(public_id)
    if subscriber.status == Subscriber.Status.ERASED:
        raise ProblemError(409, "This subscriber's data is erased.")
    if body.time_zone and not subscriptions.valid_time_zone(body.time_zone):
        raise ProblemError(422, f"{body.time_zone!r} is not a time zone.")
    audiences = list(subscriber.audiences.filter(is_public=True))
    if body.audiences is not None:
        audiences = [_audience(slug) for slug in body.audiences]
    prefs = subscriptions.Preferences(
        first_name=subscriber.first_name if body.first_name is None else body.first_name,
        audiences=audiences,
        time_zone=subscriber.time_zone if body.time_zone is None else body.time_zone,
    )
    subscriptions.update_preferences(subscriber, prefs, channel=api_tokens.channel(token))
    return out(_found(public_id))


@router.post("/{public_id}/pause", response={200: SubscriberOut, **ERRORS}, summary="Pause")
def pause_subscriber(request: HttpRequest, public_id: str, body: PauseIn):
    token = need(request, WRITE)
    subscriber = _found(public_id)
    try:
        subscriptions.pause(subscriber, body.weeks, channel=api_tokens.channel(token))
    except ValidationError as problem:
        raise ProblemError(422, _message(problem)) from None
    return out(_found(public_id))


@router.post("/{public_id}/unsubscribe", response={200: SubscriberOut, **ERRORS})
def unsubscribe_subscriber(request: HttpRequest, public_id: str):
    token = need(request, WRITE)
    subscriptions.unsubscribe(_found(public_id), api_tokens.channel(token))
    return out(_found(public_id))


@router.post("/{public_id}/erase", response={200: SubscriberOut, **ERRORS}, summary="Erase")
def erase_subscriber(request: HttpRequest, public_id: str):
    token = need(request, WRITE)
    data_rights.erase(_found(public_id), channel=api_tokens.channel(token))
    return out(_found(public_id))


@router.get("/{public_id}/export", response={200: dict, **ERRORS}, summary="Their data")
def export_subscriber(request: HttpRequest, public_id: str):
    need(request, READ)
    return data_rights.export(_found(public_id))
