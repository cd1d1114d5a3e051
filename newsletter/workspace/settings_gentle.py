"""Settings pages for a gentle pace: the gap between emails, one sequence at a time, quiet
dates, and the practice's own words that push."""

from django import forms
from django.http import HttpRequest

from ..models import Practice
from .access import staff_only
from .practice_settings import _model_form
from .settings_forms import Described


class PacingForm(Described, forms.ModelForm):
    min_hours_between_emails = forms.IntegerField(
        label="Hours between two emails to one reader",
        min_value=1,
        max_value=24 * 30,
        help_text="Nobody gets a second newsletter or sequence email sooner than this. "
        "48 hours (two days) is a gentle pace; readers who chose “Fewer emails” get one a week.",
        error_messages={
            "required": "Please give a number of hours.",
            "min_value": "Please give at least 1 hour.",
            "max_value": "Please give at most 720 hours (30 days).",
            "invalid": "Please give a whole number of hours, such as 48.",
        },
    )

    class Meta:
        model = Practice
        fields = ["min_hours_between_emails"]


@staff_only
def pacing(request: HttpRequest):
    return _model_form(request, PacingForm, "pacing.html", "The pace of emails is saved.")
