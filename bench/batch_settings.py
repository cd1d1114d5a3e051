"""The product's settings with batching off: every email is its own API call (`batch.py`)."""

from newsletter.settings import *  # noqa: F403

ANYMAIL_BATCH_SIZES: dict[str, int] = {}
