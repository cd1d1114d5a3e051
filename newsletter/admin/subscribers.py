"""The practice's view in the Django admin: subscribers, consent history, lists, settings."""

import json

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.db.models import Count
from django.http import HttpResponse
from django.template.response import TemplateResponse

from ..models import (
    Audience,
    ConsentEvent,
    ConsentWording,
    Practice,
    Subscriber,
    Suppression,
)
from ..observability import audit
from ..subscribers import data_rights, names, subscriptions

admin.site.site_header = "Newsletter workspace"
admin.site.site_title = "Newsletter"
admin.site.index_title = "Your newsletter"


class ReadOnlyAdmin(admin.ModelAdmin):
    """A record nobody edits by hand: consent proof, the send ledger."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class ConsentEventInline(ReadOnlyInline):
    model = ConsentEvent
    fields = ["created_at", "kind", "channel", "consent_version", "consent_text", "source_url"]
    readonly_fields = fields
    verbose_name_plural = "consent history"


class MembershipInline(ReadOnlyInline):
    """Lists change through the subscriber's own preferences, which record consent."""

    model = Subscriber.audiences.through
    readonly_fields = ["audience", "joined_at"]
    fields = readonly_fields
    verbose_name_plural = "lists"


class SubscriberForm(forms.ModelForm):
    """A first name typed by staff follows the rules of the public form."""

    def clean_first_name(self) -> str:
        return names.clean_first_name(self.cleaned_data["first_name"])


@admin.register(Subscriber)
class SubscriberAdmin(admin.ModelAdmin):
    form = SubscriberForm
    list_display = ["email", "first_name", "status", "created_at", "confirmed_at"]
    list_filter = ["status", "audiences"]
    search_fields = ["email", "first_name"]
    readonly_fields = [
        "email",
        "status",
        "created_at",
        "confirmed_at",
        "unsubscribed_at",
        "source_url",
        "paused_until",
    ]
    fields = ["email", "first_name", "time_zone", *readonly_fields[1:]]
    inlines = [MembershipInline, ConsentEventInline]
    date_hierarchy = "created_at"

    actions = ["unsubscribe", "export_data", "erase_data"]

    @admin.action(description="Unsubscribe (on their request, e.g. by email)")
    def unsubscribe(self, request, queryset):
        for subscriber in queryset:
            subscriptions.unsubscribe(subscriber, "admin")
            audit.record(request.user, "unsubscribe", subscriber)
        self.message_user(request, f"Unsubscribed {queryset.count()} subscriber(s).")

    @admin.action(description="Download their data (on their request, e.g. by email)")
    def export_data(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, "Choose one subscriber to download.", messages.WARNING)
            return None
        subscriber = queryset.get()
        body = json.dumps(data_rights.export(subscriber), indent=2, ensure_ascii=False)
        audit.record(request.user, "export", subscriber)
        response = HttpResponse(body, content_type="application/json; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="subscriber-data.json"'
        return response

    @admin.action(
        description="Erase their data (on their request, e.g. by email)", permissions=["change"]
    )
    def erase_data(self, request, queryset):
        """A page that says what erasing does; its button erases."""
        people = list(queryset.exclude(status=Subscriber.Status.ERASED))
        if request.POST.get("erase") == "yes":
            for subscriber in people:
                data_rights.erase(subscriber, channel="admin")
                audit.record(request.user, "erase", subscriber)
            self.message_user(request, f"Erased the data of {len(people)} subscriber(s).")
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": "Erase their data?",
            "opts": self.model._meta,
            "people": people,
            "already_erased": queryset.count() - len(people),
            "selected": queryset.values_list("pk", flat=True),
            "action_checkbox_name": ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "newsletter/staff/erase_confirm.html", context)

    def has_add_permission(self, request):
        # People subscribe themselves; the list stays separate from client records.
        return False

    def has_delete_permission(self, request, obj=None):
        # Deleting would destroy consent proof; the "Erase their data" action anonymises instead.
        return False


@admin.register(ConsentEvent)
class ConsentEventAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "subscriber", "kind", "channel", "consent_version"]
    list_filter = ["kind", "channel"]
    search_fields = ["subscriber__email"]


@admin.register(Audience)
class AudienceAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "is_public", "is_default", "member_count"]
    prepopulated_fields = {"slug": ["name"]}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(members=Count("membership"))

    @admin.display(description="subscribers", ordering="members")
    def member_count(self, obj):
        return obj.members


@admin.register(Practice)
class PracticeAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return not Practice.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ConsentWording)
class ConsentWordingAdmin(admin.ModelAdmin):
    list_display = ["version", "text", "created_at"]
    readonly_fields = ["version", "created_at"]

    def has_change_permission(self, request, obj=None):
        return obj is None

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Suppression)
class SuppressionAdmin(admin.ModelAdmin):
    list_display = ["address_hash", "reason", "created_at"]
    list_filter = ["reason"]

    def has_change_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        audit.record(request.user, "suppress", obj, reason=obj.reason)
