"""Subscribers and their consent, links and data rights. Imports: sequences, mail, models, queue."""
