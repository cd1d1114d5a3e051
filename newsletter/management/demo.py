"""The demo practice that `make run` loads, and the therapist's staff login."""

import secrets

from django.contrib.auth.models import Group, Permission, User
from django.db import transaction

from ..models import Audience, Practice
from ..sequences.default_sequences import load_default_sequences

THERAPIST_GROUP = "Therapists"
# What the therapist needs, and nothing that could edit or delete consent proof.
THERAPIST_PERMISSIONS = {
    "subscriber": ["view", "change"],
    "membership": ["view"],
    "consentevent": ["view"],
    "audience": ["view", "add", "change"],
    "practice": ["view", "change"],
    "consentwording": ["view", "add"],
    "suppression": ["view", "add"],
    "sequence": ["view", "add", "change"],
    "step": ["view", "add", "change", "delete"],
    "enrollment": ["view", "change"],
    "broadcast": ["view", "add", "change"],
    "delivery": ["view"],
    "click": ["view"],
}

PRACTICE = {
    "name": "Stillwater Counseling",
    "sender_name": "Stillwater Counseling",
    "sender_email": "hello@stillwater.example",
    "reply_to": "hello@stillwater.example",
    "postal_address": "123 Example Street, Suite 4\nPortland, OR 97201",
    "consultation_url": "https://stillwater.example/consultation",
    "therapist_name": "Dr. Jane Rivera",
    "therapist_credentials": "PhD, LMFT",
}
AUDIENCES = [
    {"slug": "ketamine-assisted-therapy", "name": "Ketamine-assisted therapy", "is_default": True},
    {"slug": "emdr", "name": "EMDR", "is_default": False},
]


@transaction.atomic
def load_demo(*, sequences: bool = True) -> Practice:
    """Create the demo practice, audiences and shipped sequences; again, it changes nothing."""
    practice = Practice.objects.order_by("pk").first() or Practice.objects.create(**PRACTICE)
    practice.current_consent()
    for audience in AUDIENCES:
        Audience.objects.get_or_create(slug=audience["slug"], defaults=audience)
    if sequences:
        load_default_sequences()
    return practice


def therapist_group() -> Group:
    group, _ = Group.objects.get_or_create(name=THERAPIST_GROUP)
    codenames = [
        f"{action}_{model}"
        for model, actions in THERAPIST_PERMISSIONS.items()
        for action in actions
    ] + ["view_outbox"]  # a first run without a provider keeps its emails in the outbox
    group.permissions.set(
        Permission.objects.filter(content_type__app_label="newsletter", codename__in=codenames)
    )
    return group


def create_therapist(username: str = "therapist") -> str | None:
    """Create the therapist's staff login; returns its password, or None if it exists."""
    group = therapist_group()
    if User.objects.filter(username=username).exists():
        return None
    password = secrets.token_urlsafe(12)
    user = User.objects.create_user(username, password=password, is_staff=True)
    user.groups.add(group)
    return password
