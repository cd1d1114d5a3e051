"""The sequences the project ships as data, loaded once and then left to the therapist."""

import json
from pathlib import Path

from django.db import transaction

from ..models import Audience, Sequence, Step

CONTENT_DIR = Path(__file__).resolve().parent / "content"


def load_default_sequences(content_dir: Path = CONTENT_DIR) -> list[Sequence]:
    """Create each shipped sequence that does not exist yet; never touch one that does."""
    return [load_sequence(path.parent) for path in sorted(content_dir.glob("*/sequence.json"))]


@transaction.atomic
def load_sequence(directory: Path) -> Sequence:
    spec = json.loads((directory / "sequence.json").read_text(encoding="utf-8"))
    existing = Sequence.objects.filter(slug=spec["slug"]).first()
    if existing:
        return existing  # the therapist's edits win over the shipped text
    audience, _ = Audience.objects.get_or_create(
        slug=spec["audience"]["slug"], defaults={"name": spec["audience"]["name"]}
    )
    sequence = Sequence.objects.create(
        slug=spec["slug"], name=spec["name"], audience=audience, status=spec["status"]
    )
    for position, step in enumerate(spec["steps"], start=1):
        Step.objects.create(sequence=sequence, position=position, **_step_fields(directory, step))
    return sequence


def _step_fields(directory: Path, step: dict) -> dict:
    return {
        "subject": step["subject"],
        "preview": step["preview"],
        "body": (directory / step["body"]).read_text(encoding="utf-8"),
        "delay_value": step["delay_days"],
        "delay_unit": Step.DelayUnit.DAYS,
        "ignore_window": step.get("ignore_window", False),
        "cta_text": step["cta_text"],
    }
