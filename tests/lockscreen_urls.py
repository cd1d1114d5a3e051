"""A private admin site for the lock-screen warning tests (the real one is built elsewhere)."""

from django.contrib import admin
from django.urls import path

from newsletter.admin.lockscreen import LockScreenWarningsMixin
from newsletter.models import Broadcast, Sequence, Step

site = admin.AdminSite(name="lockscreen_test")


class StepInline(LockScreenWarningsMixin, admin.StackedInline):
    model = Step
    extra = 0
    fields = ["position", "subject", "preview", "body"]


@admin.register(Sequence, site=site)
class SequenceAdmin(LockScreenWarningsMixin, admin.ModelAdmin):
    inlines = [StepInline]
    fields = ["name", "slug", "audience"]


@admin.register(Broadcast, site=site)
class BroadcastAdmin(LockScreenWarningsMixin, admin.ModelAdmin):
    fields = ["slug", "subject", "preview", "body", "audiences"]


urlpatterns = [path("admin/", site.urls)]
