"""Forms for the public pages: subscribing and preferences."""

import re
import zoneinfo

from django import forms
from django.core.exceptions import ValidationError

from ..models import Audience
from ..subscribers import addresses, names
from ..subscribers.subscriptions import CONSENT_WORDS, PAUSE_WEEKS

PAGE_URL = re.compile(r"https?://[^\s\x00-\x1f\x7f<>\"']+")
HONEYPOT = "website"
TIME_ZONES = sorted(zoneinfo.available_timezones())


def page_url(value: str) -> str:
    """The page a form was on, if it is a plain http(s) address; otherwise nothing."""
    return value if len(value) <= 500 and PAGE_URL.fullmatch(value) else ""


class SubscribeForm(forms.Form):
    email = forms.CharField(max_length=254, strip=True)
    first_name = forms.CharField(
        max_length=100,
        required=False,
        error_messages={"max_length": "Please keep your first name under 100 characters."},
    )
    consent = forms.CharField(required=False)
    audience = forms.SlugField(required=False, max_length=50)
    consent_version = forms.IntegerField(required=False, min_value=1, max_value=2**31 - 1)
    time_zone = forms.CharField(required=False, max_length=64)
    source = forms.CharField(required=False, max_length=2000)

    def clean_email(self) -> str:
        return addresses.normalise(self.cleaned_data["email"])

    def clean_first_name(self) -> str:
        return names.clean_first_name(self.cleaned_data["first_name"])

    def clean_consent(self) -> bool:
        if self.cleaned_data["consent"].strip().lower() not in CONSENT_WORDS:
            raise ValidationError("Please tick the box to agree to receive emails.")
        return True

    def clean_audience(self) -> Audience:
        slug = self.cleaned_data["audience"]
        if not slug:
            return Audience.default()
        # A list that is not public is refused exactly as one that does not exist.
        audience = Audience.objects.filter(slug=slug, is_public=True).first()
        if audience is None:
            raise ValidationError("This list does not exist.")
        return audience

    def clean_source(self) -> str:
        return page_url(self.cleaned_data["source"])


class PreferencesForm(forms.Form):
    first_name = forms.CharField(max_length=100, required=False)
    audiences = forms.ModelMultipleChoiceField(
        queryset=Audience.objects.filter(is_public=True),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label="Topics",
    )
    time_zone = forms.ChoiceField(
        choices=[("", "Same as the practice")] + [(tz, tz) for tz in TIME_ZONES],
        required=False,
        label="Your time zone",
    )

    def clean_first_name(self) -> str:
        return names.clean_first_name(self.cleaned_data["first_name"])


class PaceForm(forms.Form):
    pace = forms.ChoiceField(
        choices=[("normal", "Normal"), ("fewer", "Fewer emails (at most one a week)")]
    )


class PauseForm(forms.Form):
    weeks = forms.TypedChoiceField(choices=[(w, f"{w} weeks") for w in PAUSE_WEEKS], coerce=int)
