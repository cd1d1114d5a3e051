"""Forms of the connections settings: API tokens, webhook endpoints, the public archive."""

from django import forms

from ..integrations.api_tokens import SCOPES
from ..integrations.outbound import EVENTS
from .settings_forms import Described


class TokenForm(Described, forms.Form):
    name = forms.CharField(
        label="What the token is for",
        max_length=24,
        help_text="A short name, such as the tool that uses it: “Zapier”.",
        error_messages={"required": "Please name the token."},
    )
    scopes = forms.MultipleChoiceField(
        label="What it may do",
        choices=list(SCOPES.items()),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one thing the token may do."},
    )


class EndpointForm(Described, forms.Form):
    url = forms.URLField(
        label="Address that receives the events",
        max_length=500,
        assume_scheme="https",
        help_text="It must start with https://",
        error_messages={"required": "Please give the address."},
    )
    events = forms.MultipleChoiceField(
        label="Events to send",
        choices=list(EVENTS.items()),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one event."},
    )
    include_topics = forms.BooleanField(
        label="Also send which lists and sequences the person reads",
        required=False,
        help_text="Off unless the receiving tool needs it: it says something about a person.",
    )


class ArchiveForm(forms.Form):
    archive_enabled = forms.TypedChoiceField(
        choices=[("on", "on"), ("off", "off")], coerce=lambda value: value == "on"
    )
