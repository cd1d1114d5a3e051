"""The therapist's workspace in the Django admin, one module per area."""

from . import subscribers, tools  # noqa: F401
