"""A newsletter and nurture-sequence system for a therapy practice."""

from celery_app import app as celery_app

__all__ = ["celery_app"]
