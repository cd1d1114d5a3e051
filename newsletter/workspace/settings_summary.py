"""Settings page for the emails the practice gets itself: alerts, and the Monday summary."""

from django import forms
from django.contrib import messages
from django.http import HttpRequest
from django.shortcuts import redirect

from ..alerts.messages import inbox
from ..models import Practice
from .access import staff_only
from .practice_settings import page


class SummaryForm(forms.Form):
    weekly_summary = forms.TypedChoiceField(
        choices=[("on", "on"), ("off", "off")], coerce=lambda value: value == "on"
    )


@staff_only
def summary(request: HttpRequest):
    practice = Practice.get()
    if request.method == "POST":
        form = SummaryForm(request.POST)
        if form.is_valid():
            practice.weekly_summary = form.cleaned_data["weekly_summary"]
            practice.save(update_fields=["weekly_summary"])
            said = "comes every Monday morning" if practice.weekly_summary else "is turned off"
            messages.success(request, f"The weekly summary {said}.")
            return redirect(request.path)
    refused = request.method == "POST"
    context = {
        "enabled": practice.weekly_summary,
        "inbox": inbox(practice),
        "zone": practice.default_time_zone.replace("_", " "),
        "refused": refused,
    }
    return page(request, "summary.html", context, status=400 if refused else 200)
