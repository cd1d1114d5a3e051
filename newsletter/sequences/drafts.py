"""Email content as it is written: one draft per user and email, and a version per save.

Readers only ever get what is saved: dispatch reads the Step or Broadcast row, never a draft.
"""

import copy
from datetime import datetime

from django.db import transaction

from ..models import Broadcast, ContentVersion, Draft, Step
from . import sequence_edits

CONTENT = ("subject", "preview", "content_note", "body", "cta_text", "cta_url")
TIMING = ("delay_value", "delay_unit", "ignore_window")

Source = Step | Broadcast


def field_names(source: Source) -> tuple[str, ...]:
    return CONTENT + TIMING if isinstance(source, Step) else CONTENT


def fields_of(source: Source) -> dict:
    return {name: getattr(source, name) for name in field_names(source)}


def _owner(source: Source) -> dict:
    return {"step": source} if isinstance(source, Step) else {"broadcast": source}


def with_fields(source: Source, fields: dict) -> Source:
    """An unsaved copy of `source` holding `fields` (for a preview or a test send)."""
    edited = copy.copy(source)
    for name in field_names(source):
        if name in fields:
            setattr(edited, name, fields[name])
    return edited


def draft_of(source: Source, user) -> Draft | None:
    if not source.pk:
        return None
    return Draft.objects.filter(user=user, **_owner(source)).first()


def save_draft(source: Source, user, fields: dict, now: datetime) -> Draft:
    kept = {name: fields[name] for name in field_names(source) if name in fields}
    draft, _ = Draft.objects.update_or_create(
        user=user, **_owner(source), defaults={"fields": kept, "updated_at": now}
    )
    return draft


def discard_draft(source: Source, user) -> None:
    Draft.objects.filter(user=user, **_owner(source)).delete()


def versions(source: Source):
    return ContentVersion.objects.filter(**_owner(source)).select_related("saved_by")


def record_version(source: Source, user, now: datetime) -> ContentVersion:
    return ContentVersion.objects.create(
        **_owner(source), saved_by=user, fields=fields_of(source), saved_at=now
    )


def restore(version: ContentVersion, user, now: datetime) -> Draft:
    """Load a saved version into the user's draft; it reaches nobody until it is saved."""
    source = version.step or version.broadcast
    return save_draft(source, user, version.fields, now)


@transaction.atomic
def save(source: Source, fields: dict, user, now: datetime) -> Source:
    """Save the editor's fields as the email readers get, record the version, drop the draft.

    A changed delay reschedules everyone waiting for the step (the live-edit rule)."""
    if not source.pk:
        raise ValueError("A new step is added with `add`, not saved.")
    if not versions(source).exists():
        record_version(source, None, now)  # the email as it was before the first save here
    delay = (fields.get("delay_value"), fields.get("delay_unit"))
    delay_changed = isinstance(source, Step) and delay != (source.delay_value, source.delay_unit)
    for name in field_names(source):
        if name in fields and name not in ("delay_value", "delay_unit"):
            setattr(source, name, fields[name])
    source.save()
    if delay_changed:
        sequence_edits.change_delay(source, *delay, now)
    record_version(source, user, now)
    discard_draft(source, user)
    return source


@transaction.atomic
def add(sequence, position: int, fields: dict, user, now: datetime) -> Step:
    """Insert a new step at `position` (later steps move on) and record its first version."""
    step = sequence_edits.insert_step(sequence, position, now, **fields)
    record_version(step, user, now)
    return step
