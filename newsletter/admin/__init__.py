"""The therapist's workspace in the Django admin, one module per area."""

from . import sequences, subscribers, tools  # noqa: F401
