"""The forms of the practice settings pages: each refuses bad input next to the field."""

from zoneinfo import available_timezones

from django import forms
from django.core.exceptions import ValidationError

from ..mail.palette import HEX
from ..models import Practice
from ..sequences import words
from ..subscribers import wording


class Described:
    """A form whose fields point screen readers at their own error and hint."""

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                hint = f"id_{name}_helptext" if self.fields[name].help_text else ""
                widget.attrs["aria-describedby"] = f"id_{name}_error {hint}".strip()
                widget.attrs["aria-invalid"] = "true"


class DetailsForm(Described, forms.ModelForm):
    class Meta:
        model = Practice
        fields = [
            "name",
            "sender_name",
            "sender_email",
            "reply_to",
            "postal_address",
            "signature",
            "consultation_url",
            "crisis_note",
        ]
        labels = {
            "name": "Practice name",
            "sender_name": "Sender name",
            "sender_email": "Sender address",
            "reply_to": "Replies go to",
            "postal_address": "Postal address",
            "signature": "Signature",
            "consultation_url": "Consultation link",
            "crisis_note": "Crisis note",
        }
        help_texts = {
            "sender_name": "The name people see in their inbox.",
            "sender_email": "The address your emails come from.",
            "reply_to": "Leave empty to receive replies at the sender address.",
            "postal_address": "Printed in the footer of every email, as the law asks.",
            "signature": "How each email closes. Markdown works: *italic*, **bold**.",
            "consultation_url": "Where “Book a free consultation” leads.",
            "crisis_note": "Shown in every email, so nobody mistakes it for a crisis line.",
        }
        widgets = {
            "postal_address": forms.Textarea(attrs={"rows": 3}),
            "signature": forms.Textarea(attrs={"rows": 4}),
            "crisis_note": forms.Textarea(attrs={"rows": 4}),
        }


class ColourForm(Described, forms.ModelForm):
    brand_colour = forms.CharField(
        label="Brand colour",
        max_length=100,
        help_text="A colour code such as #2f5d62, or pick one.",
        error_messages={"required": "Please choose a colour."},
    )

    class Meta:
        model = Practice
        fields = ["brand_colour"]
        labels = {"brand_colour": "Brand colour"}
        help_texts = {"brand_colour": "A colour code such as #2f5d62, or pick one."}
        widgets = {"brand_colour": forms.TextInput(attrs={"type": "color"})}

    def clean_brand_colour(self) -> str:
        colour = (self.cleaned_data.get("brand_colour") or "").strip().lower()
        if not HEX.match(colour):
            raise ValidationError("Please give a colour code like #2f5d62 (# and six digits).")
        return colour


HOURS = [(hour, words.hour(hour)) for hour in range(25)]
DAYS = [(str(day), name) for day, name in enumerate(words.DAY_NAMES)]


def zone_choices() -> list[tuple[str, str]]:
    names = sorted(available_timezones() - {"localtime", "Factory"})
    return [(name, name.replace("_", " ")) for name in names if "/" in name or name == "UTC"]


class ScheduleForm(Described, forms.ModelForm):
    days = forms.MultipleChoiceField(
        label="Days emails may go out",
        choices=DAYS,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Please choose at least one day."},
    )
    start = forms.TypedChoiceField(
        label="From", choices=HOURS[:-1], coerce=int, help_text="In each reader's time zone."
    )
    end = forms.TypedChoiceField(label="Until", choices=HOURS[1:], coerce=int)

    class Meta:
        model = Practice
        fields = ["default_time_zone"]
        labels = {"default_time_zone": "Time zone"}
        help_texts = {
            "default_time_zone": "Used for readers whose own time zone is not known, and for "
            "the dates in your workspace."
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["default_time_zone"] = forms.ChoiceField(
            label="Time zone",
            choices=zone_choices(),
            help_text=self._meta.help_texts["default_time_zone"],
        )
        practice = self.instance
        self.initial.setdefault("days", [d for d in practice.send_days if d.isdigit()])
        self.initial.setdefault("start", practice.send_start_hour)
        self.initial.setdefault("end", practice.send_end_hour)
        self.order_fields(["default_time_zone", "days", "start", "end"])

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start is not None and end is not None and start >= end:
            self.add_error("end", "Please choose an hour after the start.")
        return data

    def save(self, commit=True):
        practice = self.instance
        practice.send_days = "".join(sorted(self.cleaned_data["days"]))
        practice.send_start_hour = self.cleaned_data["start"]
        practice.send_end_hour = self.cleaned_data["end"]
        return super().save(commit)


class ConsentForm(Described, forms.Form):
    text = forms.CharField(
        label="New wording",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=1000,
        help_text="Shown beside the consent checkbox on every subscribe form.",
        error_messages={"required": "Please write the new wording."},
    )


class WordingForm(Described, forms.ModelForm):
    class Meta:
        model = Practice
        fields = [
            "confirmation_subject",
            "confirmation_text",
            "thanks_text",
            "confirmed_text",
            "unsubscribed_text",
            "paused_text",
        ]
        labels = {
            "confirmation_subject": "Confirmation email: subject",
            "confirmation_text": "Confirmation email: the words above the button",
            "thanks_text": "After subscribing (“Check your inbox”)",
            "confirmed_text": "After confirming (“You're subscribed”)",
            "unsubscribed_text": "After unsubscribing, after “We won't email them again.”",
            "paused_text": "After pausing, after “Nothing will be sent until …”",
        }
        help_texts = {name: f"Leave empty for: “{text}”" for name, text in wording.DEFAULTS.items()}
        widgets = {
            name: forms.Textarea(attrs={"rows": 3})
            for name in ["confirmation_text", "thanks_text", "confirmed_text"]
            + ["unsubscribed_text", "paused_text"]
        }


class OriginForm(Described, forms.Form):
    origin = forms.CharField(
        label="Your blog's address",
        max_length=300,
        help_text="For example https://blog.example.com",
        error_messages={"required": "Please give your blog's address."},
    )


class PauseForm(forms.Form):
    paused = forms.TypedChoiceField(
        choices=[("on", "on"), ("off", "off")], coerce=lambda value: value == "on"
    )
