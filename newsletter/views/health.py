"""Probes and metrics: /healthz, /readyz (answered before host checks) and /metrics."""

import secrets

from django.conf import settings
from django.http import Http404, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from ..observability import health, metrics

PROBES = {"/healthz", "/readyz"}


def healthz() -> JsonResponse:
    """The process is alive; nothing else is asked."""
    return JsonResponse({"status": "ok", "checks": {}})


def readyz() -> JsonResponse:
    ready, checks = health.readiness()
    body = {"status": "ok" if ready else "unavailable", "checks": checks}
    return JsonResponse(body, status=200 if ready else 503)


class Probes:
    """Middleware, first in the list: a load balancer's probe by IP address or over plain
    HTTP gets its answer, not a host-name refusal or an HTTPS redirect."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path not in PROBES or request.method not in ("GET", "HEAD"):
            return self.get_response(request)
        response = healthz() if request.path == "/healthz" else readyz()
        response["Cache-Control"] = "no-store"
        return response


@never_cache
@require_GET
def metrics_page(request):
    """Prometheus text format behind `Authorization: Bearer $METRICS_TOKEN`; 404 when unset."""
    token = settings.METRICS_TOKEN
    if not token:
        raise Http404
    given = request.headers.get("Authorization", "")
    if not secrets.compare_digest(given.encode(), f"Bearer {token}".encode()):
        response = HttpResponse("A bearer token is required.\n", status=401)
        response["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return response
    return HttpResponse(metrics.render(), content_type="text/plain; version=0.0.4; charset=utf-8")
