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


class ToneForm(Described, forms.ModelForm):
    class Meta:
        model = Practice
        fields = ["tone_words"]
        labels = {"tone_words": "Your own words that push"}
        help_texts = {
            "tone_words": "One phrase a line, optionally with a gentler one after “=”, for "
            "example “spaces are filling up = there is room when you want it”. The editor "
            "warns about these as well as the shipped list (urgency, shame or fear, promises "
            "of cure, hard reading); it never stops you saving."
        }
        widgets = {"tone_words": forms.Textarea(attrs={"rows": 6})}

    def clean_tone_words(self) -> str:
        lines = [line.strip() for line in self.cleaned_data["tone_words"].splitlines()]
        long = [line for line in lines if len(line) > 200]
        if long:
            raise forms.ValidationError("Please keep each line under 200 characters.")
        return "\n".join(line for line in lines if line)


@staff_only
def tone(request: HttpRequest):
    return _model_form(request, ToneForm, "tone.html", "Your words are saved.")
