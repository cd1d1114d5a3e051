"""Helpers for the practice settings tests: a logged-in therapist and the practice row."""

from django.forms.models import model_to_dict
from django.test import Client

from newsletter.management import demo
from newsletter.models import Practice


def logged_in() -> Client:
    password = demo.create_therapist()
    http = Client()
    answer = http.post("/workspace/login/", {"username": "therapist", "password": password})
    assert answer.status_code == 302
    return http


def stored() -> dict:
    """Every stored field of the practice, to show a refused form changed nothing."""
    return model_to_dict(Practice.objects.get())
