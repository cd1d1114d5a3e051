"""Sequences, steps, broadcasts, enrollments and the delivery ledger in the admin."""

from django import forms
from django.contrib import admin, messages
from django.db import transaction
from django.utils import timezone

from ..mail import placeholders
from ..models import AuditEntry, Broadcast, Delivery, EmailTally, Enrollment, Sequence, Step
from ..observability import audit
from ..sequences import booking, broadcasts, sequence_edits
from .lockscreen import LockScreenWarningsMixin
from .subscribers import ReadOnlyAdmin, SubscriberAdmin


class PlaceholderChecks(forms.ModelForm):
    """Refuses a %%placeholder%% no email can fill, beside the field that holds it."""

    def clean(self):
        cleaned = super().clean()
        written = {f: cleaned.get(f) or "" for f in placeholders.FIELDS if f in self.fields}
        for name, message in placeholders.problems(written).items():
            self.add_error(name, message)
        return cleaned


class StepForm(PlaceholderChecks):
    """Positions may collide while editing: save_steps inserts and reorders them."""

    def validate_unique(self):
        pass

    def validate_constraints(self):
        pass


class StepFormSet(forms.BaseInlineFormSet):
    def clean(self):
        """Existing steps need distinct positions; a new step may take one to be inserted."""
        super().clean()
        kept = [
            f.cleaned_data.get("position")
            for f in self.forms
            if f.instance.pk and not f.cleaned_data.get("removed")
        ]
        taken = {p for p in kept if kept.count(p) > 1}
        if taken:
            raise forms.ValidationError(
                f"Two steps share position {min(taken)}: give each existing step its own "
                "position (a new step may take an existing position to go before it)."
            )


class StepInline(LockScreenWarningsMixin, admin.StackedInline):
    model = Step
    form = StepForm
    formset = StepFormSet
    extra = 0
    can_delete = False  # steps are retired with "removed", so nobody is sent anything twice
    ordering = ["removed", "position"]
    fields = [
        ("position", "removed", "people_not_yet_sent", "people_waiting"),
        ("delay_value", "delay_unit", "ignore_window"),
        "subject",
        "preview",
        "content_note",
        "body",
        ("cta_text", "cta_url"),
        "version",
    ]
    readonly_fields = ["version", "people_not_yet_sent", "people_waiting"]

    @admin.display(description="not yet sent this step")
    def people_not_yet_sent(self, step: Step) -> int:
        """Who an edit of this step's content reaches (shown before saving)."""
        return sequence_edits.affected(step.sequence, "content", step.position) if step.pk else 0

    @admin.display(description="waiting for it now")
    def people_waiting(self, step: Step) -> int:
        """Who a change of this step's delay, or its removal, reschedules."""
        return sequence_edits.affected(step.sequence, "delay", step.position) if step.pk else 0

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        # The welcome goes out as soon as someone confirms, whatever the window.
        formset.form.base_fields["ignore_window"].initial = obj is None or not obj.steps.exists()
        return formset


@admin.register(Sequence)
class SequenceAdmin(LockScreenWarningsMixin, admin.ModelAdmin):
    list_display = ["name", "audience", "status", "active_people", "paused_reason"]
    list_filter = ["status", "audience"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["status", "paused_reason", "consecutive_failures", "created_at"]
    inlines = [StepInline]
    actions = ["activate", "pause", "archive"]

    @admin.display(description="people in it")
    def active_people(self, sequence: Sequence) -> int:
        return sequence.enrollments.filter(status=Enrollment.Status.ACTIVE).count()

    @admin.action(description="Turn on (resume without a burst)")
    def activate(self, request, queryset):
        for sequence in queryset:
            sequence_edits.activate(sequence, timezone.now())
            audit.record(request.user, "sequence_activate", sequence)
        messages.success(request, f"Turned on {queryset.count()} sequence(s).")

    @admin.action(description="Pause (everyone keeps their place)")
    def pause(self, request, queryset):
        for sequence in queryset:
            sequence_edits.pause(sequence)
            audit.record(request.user, "sequence_pause", sequence)
        messages.success(request, f"Paused {queryset.count()} sequence(s).")

    @admin.action(description="Archive")
    def archive(self, request, queryset):
        for sequence in queryset:
            sequence_edits.archive(sequence)
            audit.record(request.user, "sequence_archive", sequence)

    def save_formset(self, request, form, formset, change):
        if formset.model is not Step:
            return super().save_formset(request, form, formset, change)
        with transaction.atomic():
            save_steps(form.instance, formset, timezone.now())
        saved = [step for step, _ in formset.changed_objects] + formset.new_objects
        self.warn_about(request, saved)


def save_steps(sequence: Sequence, formset, now) -> None:
    """Apply step edits through the live-edit rules instead of plain saves."""
    changed = [f for f in formset.forms if f.instance.pk and f.has_changed()]
    added = [f for f in formset.forms if not f.instance.pk and f.has_changed()]
    moving = [f.instance for f in changed if "position" in f.changed_data]
    for step in moving:  # out of the way first, so positions can be swapped
        Step.objects.filter(pk=step.pk).update(position=step.position + sequence_edits.SHIFT)
    for form in changed:
        _save_changed(form, now)
    formset.new_objects, formset.deleted_objects = [], []
    formset.changed_objects = [(f.instance, f.changed_data) for f in changed]
    for form in sorted(added, key=lambda f: f.instance.position):
        fields = {k: v for k, v in form.cleaned_data.items() if k in STEP_FIELDS}
        position = fields.pop("position")
        formset.new_objects.append(sequence_edits.insert_step(sequence, position, now, **fields))


STEP_FIELDS = {f.name for f in Step._meta.fields} - {"id", "sequence", "version", "removed"}


def _save_changed(form, now) -> None:
    step = form.instance
    removing = "removed" in form.changed_data and step.removed
    step.removed = False if removing else step.removed
    step.save()
    if removing:
        sequence_edits.remove_step(step, now)
    elif {"delay_value", "delay_unit"} & set(form.changed_data):
        sequence_edits.change_delay(step, step.delay_value, step.delay_unit, now)


@admin.register(Broadcast)
class BroadcastAdmin(LockScreenWarningsMixin, admin.ModelAdmin):
    form = PlaceholderChecks
    list_display = ["subject", "status", "scheduled_at", "progress", "paused_reason"]
    list_filter = ["status"]
    prepopulated_fields = {"slug": ["subject"]}
    filter_horizontal = ["audiences"]
    readonly_fields = ["status", "progress", "paused_reason", "consecutive_failures", "version"]
    actions = ["send", "cancel", "resume"]

    @admin.display(description="progress")
    def progress(self, broadcast: Broadcast) -> str:
        counts = broadcasts.progress(broadcast)
        return (
            f"{counts['sent']} sent, {counts['queued'] + counts['sending']} waiting, "
            f"{counts['failed']} failed, {counts['skipped']} skipped of {counts['total']}"
        )

    @admin.action(description="Send (at its scheduled time, or now)")
    def send(self, request, queryset):
        for broadcast in queryset:
            sent = "broadcast_scheduled" if broadcast.scheduled_at else "broadcast_sent"
            try:
                broadcasts.schedule(broadcast, broadcast.scheduled_at)
            except ValueError as error:
                messages.error(request, f"{broadcast}: {error}")
            else:
                audit.record(request.user, sent, broadcast)

    @admin.action(description="Cancel (queued emails are not sent)")
    def cancel(self, request, queryset):
        dropped = 0
        for broadcast in queryset:
            dropped += broadcasts.cancel(broadcast)
            audit.record(request.user, "broadcast_cancel", broadcast)
        messages.success(request, f"Cancelled; {dropped} queued email(s) will not be sent.")

    @admin.action(description="Resume a paused broadcast")
    def resume(self, request, queryset):
        for broadcast in queryset:
            broadcasts.resume(broadcast, timezone.now())
            audit.record(request.user, "broadcast_resume", broadcast)


@admin.register(Enrollment)
class EnrollmentAdmin(admin.ModelAdmin):
    list_display = ["subscriber", "sequence", "status", "next_position", "next_send_at"]
    list_filter = ["status", "exit_reason", "sequence"]
    search_fields = ["subscriber__email"]
    readonly_fields = [f.name for f in Enrollment._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(Delivery)
class DeliveryAdmin(ReadOnlyAdmin):
    list_display = ["subscriber", "step", "broadcast", "status", "attempts", "created_at"]
    list_filter = ["status", "event"]
    search_fields = ["subscriber__email", "message_id"]


@admin.action(description="Mark as booked (ends their nurture sequences)")
def mark_booked(modeladmin, request, queryset):
    ended = 0
    for subscriber in queryset:
        ended += booking.booked_by_practice(subscriber)
        audit.record(request.user, "mark_booked", subscriber)
    messages.success(request, f"Recorded the booking; {ended} sequence place(s) ended.")


SubscriberAdmin.actions = [*(SubscriberAdmin.actions or []), mark_booked]


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    """Read by administrators: who did what to which record, never an address or a name."""

    list_display = ["created_at", "username", "action", "target_kind", "target_id"]
    list_filter = ["action", "target_kind"]
    search_fields = ["username", "action"]
    date_hierarchy = "created_at"


@admin.register(EmailTally)
class EmailTallyAdmin(ReadOnlyAdmin):
    """Counts kept for each email after its old send detail was removed."""

    list_display = ["__str__", "sent", "failed", "delivered", "bounced", "complained", "clicks"]
