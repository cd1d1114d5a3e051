"""Structured logs: JSON lines in production, readable lines in development, no addresses.

Every log record, Django's and Celery's included, goes through structlog's formatter, which
adds the request id (bound by RequestId for each request) and any `extra` fields such as
`delivery_id`, and masks anything shaped like an email address.
"""

import logging
import re
import time
import uuid

import structlog

# An email address: its domain ends in a name (not "127.0.0.1", as in "redis://:**@127.0.0.1").
ADDRESS = re.compile(r"[\w.!#$%&'*+/=?^`{|}~-]+@(?:[\w-]+\.)+[A-Za-z][\w-]*")
MASK = "[address]"
REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")

logger = logging.getLogger("newsletter.requests")


def _mask(value):
    if isinstance(value, str):
        return ADDRESS.sub(MASK, value)
    if isinstance(value, list | tuple):
        return type(value)(_mask(item) for item in value)
    if isinstance(value, dict):
        return {key: _mask(item) for key, item in value.items()}
    return value


def mask_addresses(_logger, _method, event_dict: dict) -> dict:
    """structlog processor: no email address reaches a log line, whatever logged it."""
    return {key: _mask(value) for key, value in event_dict.items()}


def formatter(json: bool = True) -> structlog.stdlib.ProcessorFormatter:
    """The one formatter of the console handler (settings.LOGGING names this factory)."""
    pre_chain = [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.stdlib.ExtraAdder(),
        structlog.processors.TimeStamper(fmt="iso", utc=True),
    ]
    if json:
        renderer = structlog.processors.JSONRenderer()
    else:
        renderer = structlog.dev.ConsoleRenderer(colors=False)
    tail = [structlog.processors.format_exc_info, mask_addresses, renderer]
    return structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=pre_chain,
        processors=[structlog.stdlib.ProcessorFormatter.remove_processors_meta, *tail],
    )


def request_id(header: str | None) -> str:
    """The caller's X-Request-ID when it is a plain token, else a fresh one."""
    if header and REQUEST_ID.match(header):
        return header
    return uuid.uuid4().hex


class RequestId:
    """Middleware: a request id on every log line of the request, echoed in the response."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        rid = request_id(request.headers.get("X-Request-ID"))
        structlog.contextvars.clear_contextvars()
        structlog.contextvars.bind_contextvars(request_id=rid)
        started = time.monotonic()
        try:
            response = self.get_response(request)
            response["X-Request-ID"] = rid
            match = getattr(request, "resolver_match", None)
            # The route's name, never the path: paths carry signed links to a person.
            logger.info(
                "request",
                extra={
                    "method": request.method,
                    "route": match.view_name if match else "",
                    "status": response.status_code,
                    "duration_ms": round((time.monotonic() - started) * 1000, 1),
                },
            )
            return response
        finally:
            structlog.contextvars.clear_contextvars()
