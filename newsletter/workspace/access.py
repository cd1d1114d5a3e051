"""Who may use the workspace and the admin: logged-in staff, with a second factor when required.

Everyone else is sent to the workspace's login page; a logged-in non-staff user gets a 403
page. With STAFF_2FA=required, a staff user who has only given the password is sent to the
code page (or, without an authenticator yet, to enrolment) before any workspace or admin page.
"""

from functools import wraps
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django_otp import user_has_device

LOGIN_URL = "workspace:login"
# Admin pages a staff user may open before the second factor: logging in and out.
ADMIN_OPEN = ("login/", "logout/")


def second_factor_url(request: HttpRequest) -> str | None:
    """Where a staff user must go first for the second factor, or None when nothing is due."""
    user = request.user
    if settings.STAFF_2FA != "required" or not (user.is_authenticated and user.is_staff):
        return None
    if user.is_verified():
        return None
    page = "workspace:two_factor" if user_has_device(user) else "workspace:two_factor_setup"
    return f"{reverse(page)}?{urlencode({'next': request.get_full_path()})}"


def staff_only(view):
    """The view for logged-in staff; a logged-in non-staff user gets a plain 403 page."""

    @login_required(login_url=LOGIN_URL)
    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs):
        if not (request.user.is_active and request.user.is_staff):
            return render(request, "workspace/forbidden.html", status=403)
        if pending := second_factor_url(request):
            return redirect(pending)
        return view(request, *args, **kwargs)

    return wrapper


class AdminSecondFactor:
    """The admin asks for the same second factor (after django-otp's OTPMiddleware)."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.prefix = reverse("admin:index")

    def __call__(self, request: HttpRequest):
        path = request.path_info
        if path.startswith(self.prefix) and path[len(self.prefix) :] not in ADMIN_OPEN:
            if pending := second_factor_url(request):
                return redirect(pending)
        return self.get_response(request)
