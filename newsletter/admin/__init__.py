"""The Django admin for administrators, one module per area. Imports: any domain package."""

from . import sequences, subscribers, tools  # noqa: F401
