"""The REST API at /api/v1/ (django-ninja): bearer tokens, problem details, OpenAPI 3."""

from django.http import Http404, HttpRequest
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from . import content, stats, subscribers
from .auth import Bearer
from .problems import ProblemError, response


class Api(NinjaAPI):
    def get_openapi_schema(self, *args, **kwargs):
        """Error answers are documented as application/problem+json, as they are sent."""
        schema = super().get_openapi_schema(*args, **kwargs)
        for path in schema["paths"].values():
            for operation in path.values():
                for status, answer in operation.get("responses", {}).items():
                    if str(status).startswith("4") and "application/json" in answer.get(
                        "content", {}
                    ):
                        answer["content"] = {
                            "application/problem+json": answer["content"]["application/json"]
                        }
        return schema


api = Api(
    title="Practice newsletter API",
    version="1",
    urls_namespace="api",
    auth=Bearer(),
    description="Subscribers, content and statistics. Send `Authorization: Bearer <token>`.",
)
api.add_router("/subscribers", subscribers.router)
api.add_router("/", content.router)
api.add_router("/stats", stats.router)


@api.exception_handler(ProblemError)
def problem(request: HttpRequest, error: ProblemError):
    return response(request, error.status, error.detail)


@api.exception_handler(AuthenticationError)
def unauthenticated(request: HttpRequest, error: AuthenticationError):
    answer = response(request, 401, "Send a valid token: Authorization: Bearer <token>.")
    answer["WWW-Authenticate"] = "Bearer"
    return answer


@api.exception_handler(ValidationError)
def invalid(request: HttpRequest, error: ValidationError):
    details = "; ".join(
        f"{'.'.join(str(p) for p in e.get('loc', ()))}: {e.get('msg', '')}" for e in error.errors
    )
    return response(request, 422, details or "The request is not valid.")


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, error: HttpError):
    return response(request, error.status_code, str(error))


@api.exception_handler(Http404)
def not_found(request: HttpRequest, error: Http404):
    return response(request, 404, "Nothing is here.")
