"""Settings pages for a gentle pace: the gap between emails, one sequence at a time, quiet
dates, and the practice's own words that push."""

import re

import holidays
from django import forms
from django.http import HttpRequest
from django.utils import timezone

from ..models import Practice
from ..sequences import quiet_dates
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

    hard_days = forms.MultipleChoiceField(
        label="Days that are hard for many readers",
        choices=list(quiet_dates.HARD_DAYS.items()),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Nothing goes out on these days for readers who are grieving or estranged; "
        "the dates are worked out each year for your country.",
    )

    class Meta:
        model = Practice
        fields = ["min_hours_between_emails", "one_sequence_at_a_time", "country", "quiet_dates"]
        labels = {
            "country": "Your country",
            "quiet_dates": "Your own quiet dates",
            "one_sequence_at_a_time": "One series at a time",
        }
        help_texts = {
            "one_sequence_at_a_time": "Someone who joins a second topic while a series is "
            "under way starts the new series when the first one ends.",
            "quiet_dates": "One date a line: 2026-12-24 for one day, or 12-24 for every year. "
            "Newsletters move to the next day and sequence emails wait, in each reader's own "
            "calendar; the welcome on confirming is never held.",
        }
        widgets = {"quiet_dates": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        names = holidays.list_supported_countries()
        choices = sorted(
            ((code, _country_name(code)) for code in names if len(code) == 2),
            key=lambda pair: pair[1],
        )
        self.fields["country"] = forms.ChoiceField(
            label="Your country", choices=choices, help_text="For the dates of the days below."
        )
        self.initial.setdefault("hard_days", quiet_dates.chosen_of(self.instance))
        self.order_fields(
            ["min_hours_between_emails", "one_sequence_at_a_time", "country", "hard_days"]
        )

    def clean_quiet_dates(self) -> str:
        text = self.cleaned_data["quiet_dates"]
        try:
            quiet_dates.parse(text)
        except ValueError as error:
            raise forms.ValidationError(str(error)) from None
        return "\n".join(line.strip() for line in text.splitlines() if line.strip())

    def save(self, commit=True):
        self.instance.hard_days = ",".join(self.cleaned_data["hard_days"])
        return super().save(commit)


def _country_name(code: str) -> str:
    """ "United Kingdom" for GB: the holidays package names each country's class."""
    country = getattr(holidays, code, None)
    named = [k.__name__ for k in getattr(country, "__mro__", [])[:3] if len(k.__name__) > 3]
    return re.sub(r"(?<=[a-z])(?=[A-Z])", " ", named[0]) if named else code


def calendar(practice: Practice) -> list[tuple[str, list[str]]]:
    """Each hard day's date this year and next, in the practice's country."""
    year = timezone.now().year
    rows = []
    for key, name in quiet_dates.HARD_DAYS.items():
        found = [quiet_dates.RULES[key](practice.country, y) for y in (year, year + 1)]
        rows.append((name, [f"{day:%A} {day.day} {day:%B %Y}" for day in found if day]))
    return rows


@staff_only
def pacing(request: HttpRequest):
    extra = {"calendar": calendar(Practice.get())}
    return _model_form(request, PacingForm, "pacing.html", "The pace of emails is saved.", extra)


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
