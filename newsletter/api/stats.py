"""API: per-email statistics, every count under 5 withheld (null, with a note)."""

from django.http import HttpRequest
from ninja import Router, Schema

from ..integrations import email_stats
from ..models import Broadcast, Step
from .auth import need
from .problems import ERRORS, ProblemError

router = Router(tags=["statistics"])


class EmailStats(Schema):
    sent: int | None
    delivered: int | None
    bounced: int | None
    complaints: int | None
    consultation_clickers: int | None
    delivered_rate: float | None
    bounce_rate: float | None
    complaint_rate: float | None
    click_rate: float | None
    notes: dict[str, str]


@router.get("/steps/{pk}", response={200: EmailStats, **ERRORS}, summary="One step's numbers")
def step_stats(request: HttpRequest, pk: int):
    need(request, "stats:read")
    step = Step.objects.filter(pk=pk).first()
    if step is None:
        raise ProblemError(404, "No step has this id.")
    return email_stats.of(step)


@router.get("/broadcasts/{pk}", response={200: EmailStats, **ERRORS}, summary="A newsletter's")
def broadcast_stats(request: HttpRequest, pk: int):
    need(request, "stats:read")
    item = Broadcast.objects.filter(pk=pk).first()
    if item is None:
        raise ProblemError(404, "No broadcast has this id.")
    return email_stats.of(item)
