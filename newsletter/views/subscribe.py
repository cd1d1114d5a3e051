"""The subscribe endpoint, for the hosted page and for forms embedded on the blog."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpRequest, JsonResponse
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from ..models import Practice
from ..subscribers import addresses, embed_origins, subscriptions, wording
from . import limits
from .common import BadBody, client, client_ip, error, fields, wants_json
from .forms import HONEYPOT, SubscribeForm, page_url

SUCCESS = wording.THANKS


def origin_allowed(request: HttpRequest) -> bool:
    origin = request.headers.get("Origin")
    site = settings.SITE_URL.split("/", 3)[:3]
    # "null" comes from sandboxed frames and local files: any site can send it, so it is refused.
    return origin in (None, "/".join(site)) or _embed_allowed(request)


def embed_cors_allowed(sender, request: HttpRequest, **kwargs) -> bool:
    """CORS for the subscribe endpoint: the workspace's blogs plus ALLOWED_EMBED_ORIGINS,
    read on every request."""
    return request.path_info == "/subscribe/" and _embed_allowed(request)


def _embed_allowed(request: HttpRequest) -> bool:
    """Whether the request's Origin is an allowed blog, looked up once per request (the
    CORS middleware and the view both ask)."""
    if not hasattr(request, "_embed_allowed"):
        request._embed_allowed = embed_origins.is_allowed(request.headers.get("Origin"))
    return request._embed_allowed


def _client_key(group: str, request: HttpRequest) -> str:
    return limits.client_network(client_ip(request))


def _address_key(group: str, request: HttpRequest) -> str:
    return request._subscribe_mailbox  # set by the view once the address is valid


@csrf_exempt
@require_http_methods(["GET", "POST"])
def subscribe(request: HttpRequest):
    if request.method == "GET":
        return _page(request, SubscribeForm(initial={"audience": request.GET.get("audience", "")}))
    if not origin_allowed(request):
        return error(request, 403, "This form cannot be used from this website.")
    if limits.limited(
        request, "subscribe-client", _client_key, settings.RATELIMIT_SUBSCRIBE_PER_CLIENT
    ):
        return error(request, 429, "Too many attempts from here. Please try again in an hour.")
    try:
        data = fields(request)
    except BadBody as problem:
        return error(request, 400, str(problem))
    if data.get(HONEYPOT):
        return _success(request)
    form = SubscribeForm(data)
    if not form.is_valid():
        return _invalid(request, form)
    return _subscribe(request, form)


def _subscribe(request: HttpRequest, form: SubscribeForm):
    data = form.cleaned_data
    request._subscribe_mailbox = addresses.mailbox_key(data["email"])
    if limits.limited(
        request, "subscribe-address", _address_key, settings.RATELIMIT_SUBSCRIBE_PER_ADDRESS
    ):
        return _success(request)  # say nothing about the address
    source = data["source"] or _referer(request)
    wish = subscriptions.SubscribeRequest(
        email=data["email"],
        consent=data["consent"],
        first_name=data["first_name"],
        audience=data["audience"],
        time_zone=data["time_zone"],
        consent_version=data["consent_version"],
    )
    try:
        subscriptions.subscribe(wish, client(request, source))
    except ValidationError as problem:
        form.add_error(None, problem)
        return _invalid(request, form)
    return _success(request)


def _referer(request: HttpRequest) -> str:
    return page_url(request.headers.get("Referer", ""))


def _success(request: HttpRequest):
    message = Practice.get().thanks_text or SUCCESS
    if wants_json(request):
        return JsonResponse({"ok": True, "message": message})
    return render(request, "newsletter/subscribe_done.html", {"message": message})


def _invalid(request: HttpRequest, form: SubscribeForm):
    if wants_json(request):
        errors = {field: [str(m) for m in messages] for field, messages in form.errors.items()}
        return JsonResponse({"ok": False, "errors": errors}, status=400)
    return _page(request, form, status=400)


def _page(request: HttpRequest, form: SubscribeForm, status: int = 200):
    practice = Practice.get()
    context = {"form": form, "practice": practice, "consent": practice.current_consent()}
    return render(request, "newsletter/subscribe.html", context, status=status)
