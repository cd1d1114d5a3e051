"""Workspace pages: the sequences overview."""

from django.http import HttpRequest
from django.shortcuts import render

from ..sequences import overview
from .access import staff_only


@staff_only
def sequences(request: HttpRequest):
    return render(request, "workspace/sequences.html", {"cards": overview.cards()})
