"""Emails that tell the practice what needs her: alerts right away and the Monday summary."""
