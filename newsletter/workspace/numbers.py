"""Numbers in the workspace: deliverability health, every email's figures, a sequence's funnel."""

from django.http import HttpRequest
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from ..models import Practice, Sequence
from ..stats import funnel as funnels
from ..stats import health
from .access import staff_only
from .timeline import over_time

BAR_WIDTH = 360  # the SVG bar's full length, in its own units


@staff_only
def overview(request: HttpRequest):
    context = {
        "section": "numbers",
        "health": health.last_30_days(timezone.now()),
        "rows": funnels.every_email(),
        "sequences": Sequence.objects.exclude(status=Sequence.Status.DRAFT).order_by("name"),
        "postmaster": health.POSTMASTER_TOOLS,
    }
    context["over_time"] = over_time(timezone.now(), Practice.get())
    return render(request, "workspace/numbers.html", context)


@staff_only
def funnel(request: HttpRequest, pk: int):
    sequence = get_object_or_404(Sequence, pk=pk)
    stages = funnels.stages(sequence)
    bars = [
        {"stage": stage, "y": 8 + index * 44, "width": round(stage.bar * BAR_WIDTH)}
        for index, stage in enumerate(stages)
    ]
    context = {
        "section": "numbers",
        "sequence": sequence,
        "stages": stages,
        "bars": bars,
        "chart_height": 16 + 44 * len(stages),
        "bar_width": BAR_WIDTH,
    }
    return render(request, "workspace/funnel.html", context)
