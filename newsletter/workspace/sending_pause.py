"""Settings page with the one switch that pauses all sending, and what waits meanwhile."""

from django.contrib import messages
from django.http import HttpRequest
from django.shortcuts import redirect
from django.utils import timezone

from ..delivery import pause
from ..models import Practice
from .access import staff_only
from .practice_settings import moment, page
from .settings_forms import PauseForm


@staff_only
def switch(request: HttpRequest):
    now = timezone.now()
    if request.method == "POST":
        form = PauseForm(request.POST)
        if form.is_valid():
            if form.cleaned_data["paused"]:
                pause.pause_all(now)  # the page itself says so, with what waits
            else:
                pause.resume_all(now)
                messages.success(request, "Sending has resumed, spread over the next hour.")
            return redirect(request.path)
        return page(request, "pause.html", _context(now), status=400)
    return page(request, "pause.html", _context(now))


def _context(now) -> dict:
    practice = Practice.get()
    return {
        "paused": practice.sending_paused,
        "since": moment(practice.sending_paused_at, practice),
        "waiting": pause.waiting(now),
    }
