"""Lock-screen warnings beside subject and preview fields in the admin: warn, never block.

Hook it into any admin whose model has such fields:

    class StepInline(LockScreenWarningsMixin, admin.StackedInline): ...
    class BroadcastAdmin(LockScreenWarningsMixin, admin.ModelAdmin): ...

The fields named in `lock_screen_fields` (default: subject, preview) get a text input
that lists the warnings under it, updated as the therapist types; saving a ModelAdmin
(and its inlines) adds one warning message per blunt word. Nothing is ever refused.
"""

import json

from django import forms
from django.contrib import messages
from django.utils.html import format_html, format_html_join

from ..mail import lockscreen
from ..models import Practice


def practice_words() -> dict[str, str]:
    return lockscreen.word_list(Practice.get().lock_screen_words)


def warnings_html(value: str, words: dict[str, str]) -> str:
    found = lockscreen.check(value or "", words)
    items = format_html_join("", "<li>{}</li>", ((str(w),) for w in found))
    return format_html('<ul class="lockscreen-warnings" role="status">{}</ul>', items)


class LockScreenInput(forms.TextInput):
    """A text input followed by its lock-screen warnings (live while typing, with the script)."""

    class Media:
        js = ["newsletter/lockscreen.js"]
        css = {"all": ["newsletter/lockscreen.css"]}

    def render(self, name, value, attrs=None, renderer=None):
        words = practice_words()
        attrs = {**(attrs or {}), "data-lockscreen-words": json.dumps(words)}
        field = super().render(name, value, attrs, renderer)
        return format_html("{}{}", field, warnings_html(value, words))


class LockScreenWarningsMixin:
    """For ModelAdmin and inline admins whose models have subject or preview lines."""

    lock_screen_fields = ("subject", "preview")

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name in self.lock_screen_fields:
            kwargs["widget"] = LockScreenInput(attrs={"class": "vTextField"})
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        self.warn_about(request, [obj])

    def save_formset(self, request, form, formset, change):
        super().save_formset(request, form, formset, change)
        self.warn_about(request, [f.instance for f in formset.forms if f.instance.pk])

    def warn_about(self, request, objects) -> None:
        words = practice_words()
        for obj in objects:
            for field in self.lock_screen_fields:
                for warning in lockscreen.check(getattr(obj, field, "") or "", words):
                    self.message_user(request, f"{obj}: {warning}", messages.WARNING)
