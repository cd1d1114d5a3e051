"""API: audiences, sequences with their steps (drafts writable) and broadcasts."""

from datetime import datetime

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from ..mail import placeholders
from ..models import Audience, Broadcast, Sequence, Step
from ..sequences import broadcasts
from .auth import need
from .problems import ERRORS, ProblemError, utc

router = Router(tags=["content"])
READ, WRITE = "content:read", "content:write"


class AudienceOut(Schema):
    slug: str
    name: str
    description: str
    is_public: bool


class StepOut(Schema):
    id: int
    position: int
    delay_value: int
    delay_unit: str
    subject: str
    preview: str
    body: str
    cta_text: str


class SequenceOut(Schema):
    id: int
    name: str
    status: str
    audience: str | None
    steps: list[StepOut]


class StepChanges(Schema):
    subject: str | None = Field(None, min_length=1, max_length=200)
    preview: str | None = Field(None, max_length=200)
    body: str | None = Field(None, min_length=1, max_length=100_000)
    cta_text: str | None = Field(None, max_length=100)


class BroadcastOut(Schema):
    id: int
    subject: str
    preview: str
    body: str
    status: str
    audiences: list[str]
    scheduled_at: datetime | None
    in_archive: bool


class NewBroadcast(Schema):
    subject: str = Field(min_length=1, max_length=200)
    preview: str = Field("", max_length=200)
    body: str = Field(min_length=1, max_length=100_000)
    cta_text: str = Field("", max_length=100)
    audiences: list[str] = Field(min_length=1, max_length=50)
    in_archive: bool = False


class ScheduleIn(Schema):
    at: datetime | None = None


class Progress(Schema):
    queued: int
    sending: int
    sent: int
    failed: int
    skipped: int
    total: int


def _steps(sequence: Sequence) -> list[StepOut]:
    steps = sequence.steps.filter(removed=False).order_by("position")
    return [StepOut.model_validate(step, from_attributes=True) for step in steps]


def _sequence(sequence: Sequence) -> SequenceOut:
    audience = sequence.audience.slug if sequence.audience_id else None
    return SequenceOut(
        id=sequence.pk,
        name=sequence.name,
        status=sequence.status,
        audience=audience,
        steps=_steps(sequence),
    )


def _broadcast(item: Broadcast) -> BroadcastOut:
    return BroadcastOut(
        id=item.pk,
        subject=item.subject,
        preview=item.preview,
        body=item.body,
        status=item.status,
        audiences=sorted(a.slug for a in item.audiences.all()),
        scheduled_at=item.scheduled_at,
        in_archive=item.in_archive,
    )


def _get(model, pk: int):
    found = model.objects.filter(pk=pk).first()
    if found is None:
        raise ProblemError(404, f"No {model._meta.verbose_name} has this id.")
    return found


def _checked(fields: dict[str, str]) -> None:
    problems = placeholders.problems({k: v for k, v in fields.items() if v is not None})
    if problems:
        raise ProblemError(422, " ".join(f"{k}: {v}" for k, v in problems.items()))


@router.get("/audiences", response={200: list[AudienceOut], **ERRORS})
def list_audiences(request: HttpRequest):
    need(request, READ)
    return list(Audience.objects.order_by("name"))


@router.get("/sequences", response={200: list[SequenceOut], **ERRORS})
def list_sequences(request: HttpRequest):
    need(request, READ)
    return [_sequence(s) for s in Sequence.objects.select_related("audience").order_by("pk")]


@router.get("/sequences/{pk}", response={200: SequenceOut, **ERRORS})
def read_sequence(request: HttpRequest, pk: int):
    need(request, READ)
    return _sequence(_get(Sequence, pk))


@router.patch("/steps/{pk}", response={200: StepOut, **ERRORS}, summary="Change a draft's step")
def update_step(request: HttpRequest, pk: int, body: StepChanges):
    need(request, WRITE)
    step = _get(Step, pk)
    if step.removed or step.sequence.status != Sequence.Status.DRAFT:
        raise ProblemError(409, "Only the steps of a draft sequence can be changed here.")
    changes = body.model_dump(exclude_none=True)
    _checked(changes)
    for name, value in changes.items():
        setattr(step, name, value)
    if changes:
        step.version += 1
        step.save(update_fields=[*changes, "version"])
    return StepOut.model_validate(step, from_attributes=True)


@router.get("/broadcasts", response={200: list[BroadcastOut], **ERRORS})
def list_broadcasts(request: HttpRequest):
    need(request, READ)
    rows = Broadcast.objects.prefetch_related("audiences").order_by("-created_at", "-pk")
    return [_broadcast(b) for b in rows[:200]]


@router.get("/broadcasts/{pk}", response={200: BroadcastOut, **ERRORS})
def read_broadcast(request: HttpRequest, pk: int):
    need(request, READ)
    return _broadcast(_get(Broadcast, pk))


@router.post("/broadcasts", response={201: BroadcastOut, **ERRORS}, summary="A new draft")
def create_broadcast(request: HttpRequest, body: NewBroadcast):
    need(request, WRITE)
    _checked({"subject": body.subject, "preview": body.preview, "body": body.body})
    audiences = list(Audience.objects.filter(slug__in=body.audiences))
    if len(audiences) != len(set(body.audiences)):
        raise ProblemError(422, "Some of these audiences do not exist.")
    fields = body.model_dump(exclude={"audiences"})
    item = Broadcast.objects.create(slug=broadcasts.new_slug(body.subject), **fields)
    item.audiences.set(audiences)
    return Status(201, _broadcast(item))


@router.post("/broadcasts/{pk}/schedule", response={200: BroadcastOut, **ERRORS})
def schedule_broadcast(request: HttpRequest, pk: int, body: ScheduleIn):
    need(request, WRITE)
    try:
        item = broadcasts.schedule(_get(Broadcast, pk), utc(body.at))
    except ValueError as problem:
        raise ProblemError(409, str(problem)) from None
    return _broadcast(item)


@router.post("/broadcasts/{pk}/cancel", response={200: BroadcastOut, **ERRORS})
def cancel_broadcast(request: HttpRequest, pk: int):
    need(request, WRITE)
    item = _get(Broadcast, pk)
    broadcasts.cancel(item)
    return _broadcast(_get(Broadcast, pk))


@router.get("/broadcasts/{pk}/progress", response={200: Progress, **ERRORS})
def broadcast_progress(request: HttpRequest, pk: int):
    need(request, READ)
    return broadcasts.progress(_get(Broadcast, pk))
