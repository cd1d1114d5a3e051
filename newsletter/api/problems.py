"""RFC 9457 problem details: the one shape every API error takes."""

from datetime import UTC, datetime

from django.http import HttpRequest, JsonResponse
from ninja import Schema

TYPES = "https://newsletter.invalid/problems/"
TITLES = {
    400: "Bad request",
    401: "Not authenticated",
    403: "Not allowed",
    404: "Not found",
    409: "Conflict",
    422: "Invalid request",
    429: "Too many requests",
    500: "Server error",
}


class Problem(Schema):
    type: str
    title: str
    status: int
    detail: str


class ProblemError(Exception):
    def __init__(self, status: int, detail: str):
        super().__init__(detail)
        self.status, self.detail = status, detail


def response(request: HttpRequest, status: int, detail: str) -> JsonResponse:
    title = TITLES.get(status, "Error")
    body = {
        "type": TYPES + title.lower().replace(" ", "-"),
        "title": title,
        "status": status,
        "detail": detail,
    }
    return JsonResponse(body, status=status, content_type="application/problem+json")


ERRORS = {code: Problem for code in (400, 401, 403, 404, 409, 422, 429)}


def utc(value: datetime | None) -> datetime | None:
    """A moment from a request in UTC (naive means UTC); one out of range is a 422."""
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    try:
        return value.astimezone(UTC)
    except (OverflowError, ValueError):
        raise ProblemError(422, "That moment is out of range.") from None
