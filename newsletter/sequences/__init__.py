"""Enrolment, windows, live edits, broadcasts, bookings. Imports: models, subscribers.addresses."""
