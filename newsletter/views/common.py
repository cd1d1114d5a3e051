"""Helpers shared by the public views: answering in JSON or HTML, client details."""

import ipaddress
import json

from django.conf import settings
from django.http import HttpRequest, JsonResponse, QueryDict
from django.shortcuts import render

from ..subscribers.subscriptions import Client


class BadBody(ValueError):
    """The request body could not be read as form fields."""


def wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def client(request: HttpRequest, source_url: str = "") -> Client:
    return Client(
        source_url=source_url,
        ip=client_ip(request),
        user_agent=request.headers.get("User-Agent", "").replace("\x00", ""),
    )


def client_ip(request: HttpRequest) -> str | None:
    """The visitor's address as the rate limits see it.

    From a proxy header such as X-Forwarded-For this is the right-most entry: the one the
    trusted proxy appended; entries to its left are whatever the client chose to send.
    """
    raw = request.META.get(settings.RATELIMIT_IP_META_KEY or "REMOTE_ADDR", "")
    try:
        return str(ipaddress.ip_address(raw.split(",")[-1].strip()))
    except ValueError:
        return None


def fields(request: HttpRequest) -> QueryDict | dict:
    """Form fields from a form-encoded, multipart or JSON body; JSON values must be text."""
    if request.content_type != "application/json":
        return request.POST
    data = read_json(request.body)
    if not isinstance(data, dict):
        raise BadBody("Send a JSON object of fields.")
    clean = {}
    for name, value in data.items():
        if isinstance(value, bool):
            value = "true" if value else "false"
        elif isinstance(value, int | float):
            value = str(value)
        elif value is not None and not isinstance(value, str):
            raise BadBody(f"The field {name!r} must be text.")
        clean[name] = value or ""
    return clean


def read_json(body: bytes):
    """A JSON document whose every string is valid text, or BadBody."""
    try:
        data = json.loads(body or b"{}")
        json.dumps(data, ensure_ascii=False).encode()  # lone surrogates cannot be stored
    except (ValueError, UnicodeError, RecursionError):
        raise BadBody("The request body is not valid JSON.") from None
    return data


def error(request: HttpRequest, status: int, message: str, field: str = "__all__"):
    if wants_json(request):
        return JsonResponse({"ok": False, "errors": {field: [message]}}, status=status)
    return render(request, "newsletter/problem.html", {"message": message}, status=status)
